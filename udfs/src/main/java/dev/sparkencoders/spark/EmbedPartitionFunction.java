package dev.sparkencoders.spark;

import dev.sparkencoders.runtime.EmbeddingResult;
import dev.sparkencoders.runtime.EmbeddingRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ErrorMode;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.RowFailedException;
import dev.sparkencoders.text.TokenBudget;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Embeds the text column of a partition: rows are read in chunks, each chunk is tokenized, sorted by length and
 * run in token-budget batches on the executor's shared model, and every input row comes out once, in input
 * order, with {@code embedding} and {@code error} appended.
 *
 * <pre>{@code
 * Dataset<Row> out = df.mapPartitions(
 *         new EmbedPartitionFunction(ModelSpec.bundled(), df.schema().fieldIndex("text"), ...),
 *         Encoders.row(EmbedPartitionFunction.outputSchema(df.schema())));
 * }</pre>
 */
public final class EmbedPartitionFunction implements MapPartitionsFunction<Row, Row> {

    public static final String EMBEDDING_COL = "embedding";
    public static final String ERROR_COL = "error";

    private final ModelSpec spec;
    private final int textIndex;
    private final TokenBudget budget;
    private final int chunkRows;
    private final ErrorMode errors;
    private final TaskCounters counters;

    public EmbedPartitionFunction(ModelSpec spec, int textIndex, TokenBudget budget, int chunkRows, ErrorMode errors,
                                  TaskCounters counters) {
        this.spec = spec;
        this.textIndex = textIndex;
        this.budget = budget;
        this.chunkRows = chunkRows;
        this.errors = errors;
        this.counters = counters;
    }

    /** The input schema plus {@code embedding array<float>} and {@code error string}. */
    public static StructType outputSchema(StructType input) {
        return input
                .add(EMBEDDING_COL, DataTypes.createArrayType(DataTypes.FloatType, false), true)
                .add(ERROR_COL, DataTypes.StringType, true);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        EncoderModel model = ModelCache.get(spec, () -> counters.modelLoads().add(1));
        EmbeddingRunner runner = new EmbeddingRunner(model, budget);
        return new Iterator<>() {
            private Iterator<Row> chunk = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                if (!chunk.hasNext() && input.hasNext()) {
                    chunk = nextChunk(runner, input);
                }
                return chunk.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return chunk.next();
            }
        };
    }

    private Iterator<Row> nextChunk(EmbeddingRunner runner, Iterator<Row> input) {
        List<Row> rows = new ArrayList<>(chunkRows);
        List<String> texts = new ArrayList<>(chunkRows);
        while (rows.size() < chunkRows && input.hasNext()) {
            Row row = input.next();
            rows.add(row);
            texts.add(row.isNullAt(textIndex) ? null : row.getString(textIndex));
        }
        List<EmbeddingResult> results = runner.embed(texts);
        List<Row> out = new ArrayList<>(rows.size());
        long tokens = 0;
        long truncated = 0;
        for (int i = 0; i < rows.size(); i++) {
            EmbeddingResult result = results.get(i);
            if (!result.ok() && errors == ErrorMode.FAIL) {
                throw new RowFailedException("Cannot embed row " + describe(rows.get(i)) + ": " + result.error()
                        + " (errors=fail stops at the first bad row; use errors=permissive to keep going)");
            }
            tokens += result.tokens();
            truncated += result.truncated() ? 1 : 0;
            out.add(append(rows.get(i), result.embedding(), result.error()));
        }
        counters.tokens().add(tokens);
        counters.rowsTruncated().add(truncated);
        return out.iterator();
    }

    private static Row append(Row row, Object embedding, String error) {
        Object[] values = new Object[row.length() + 2];
        for (int i = 0; i < row.length(); i++) {
            values[i] = row.get(i);
        }
        values[row.length()] = embedding;
        values[row.length() + 1] = error;
        return RowFactory.create(values);
    }

    private static String describe(Row row) {
        String text = row.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
