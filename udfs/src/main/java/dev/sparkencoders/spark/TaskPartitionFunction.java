package dev.sparkencoders.spark;

import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.ErrorMode;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.RowFailedException;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.ThreadSettings;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Runs a {@link TextTask} over a partition: rows are read in chunks, each chunk is tokenized, sorted by length and
 * run in token-budget batches on the executor's shared model, and every input row comes out once, in input order,
 * with the task's columns and {@code error} appended. In {@link ErrorMode#FAIL} the first bad row stops the job.
 *
 * <pre>{@code
 * TaskSettings settings = new TaskSettings(spec, TokenBudget.DEFAULT, 2048, ErrorMode.PERMISSIVE);
 * Dataset<Row> out = df.mapPartitions(new TaskPartitionFunction(settings, task, -1, counters),
 *         Encoders.row(TaskPartitionFunction.outputSchema(df.schema(), task)));
 * }</pre>
 */
public final class TaskPartitionFunction implements MapPartitionsFunction<Row, Row> {

    public static final String ERROR_COL = "error";

    private final TaskSettings settings;
    private final TextTask task;
    private final int idIndex;
    private final TaskCounters counters;

    /**
     * Runs {@code task} as {@code settings} say; {@code idIndex} is the column that names a row in error messages,
     * or -1 to show the row itself.
     */
    public TaskPartitionFunction(TaskSettings settings, TextTask task, int idIndex, TaskCounters counters) {
        this.settings = settings;
        this.task = task;
        this.idIndex = idIndex;
        this.counters = counters;
    }

    /** The input schema plus the task's columns and {@code error string}. */
    public static StructType outputSchema(StructType input, TextTask task) {
        StructType out = input;
        for (StructField field : task.resultFields()) {
            out = out.add(field);
        }
        return out.add(ERROR_COL, DataTypes.StringType, true);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        TaskContext context = TaskContext.get();
        BatchRunner runner = new BatchRunner(ModelCache.get(settings.spec(), () -> counters.modelLoads().add(1)),
                settings.budget());
        if (context != null) {
            ThreadSettings.forTask(context.cpus());
        }
        int resultColumns = task.resultFields().size();
        return new Iterator<>() {
            private Iterator<Row> chunk = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                while (!chunk.hasNext() && input.hasNext()) {
                    chunk = nextChunk(runner, input, resultColumns);
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

    private Iterator<Row> nextChunk(BatchRunner runner, Iterator<Row> input, int resultColumns) {
        List<Row> rows = new ArrayList<>(settings.chunkRows());
        while (rows.size() < settings.chunkRows() && input.hasNext()) {
            rows.add(input.next());
        }
        List<RowResult<Object[]>> results = task.process(runner, rows);
        List<Row> out = new ArrayList<>(rows.size());
        long tokens = 0;
        long truncated = 0;
        long failed = 0;
        for (int i = 0; i < rows.size(); i++) {
            RowResult<Object[]> result = results.get(i);
            if (!result.ok() && settings.errors() == ErrorMode.FAIL) {
                throw new RowFailedException("Cannot process row " + describe(rows.get(i)) + ": " + result.error()
                        + " (errors=fail stops at the first bad row; use errors=permissive to keep going)");
            }
            tokens += result.tokens();
            truncated += result.truncated() ? 1 : 0;
            failed += result.ok() ? 0 : 1;
            out.add(append(rows.get(i), result.ok() ? result.value() : new Object[resultColumns], result.error()));
        }
        counters.rows().add(rows.size());
        counters.rowsFailed().add(failed);
        counters.tokens().add(tokens);
        counters.rowsTruncated().add(truncated);
        return out.iterator();
    }

    private static Row append(Row row, Object[] results, String error) {
        Object[] values = new Object[row.length() + results.length + 1];
        for (int i = 0; i < row.length(); i++) {
            values[i] = row.get(i);
        }
        System.arraycopy(results, 0, values, row.length(), results.length);
        values[values.length - 1] = error;
        return RowFactory.create(values);
    }

    private String describe(Row row) {
        if (idIndex >= 0) {
            return "with id " + row.get(idIndex);
        }
        String text = row.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
