package dev.sparkencoders.spark;

import dev.sparkencoders.encoder.HeadKind;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.text.AggregationStrategy;
import dev.sparkencoders.text.EntityAggregator;
import dev.sparkencoders.text.EntitySpan;
import dev.sparkencoders.text.WindowPrediction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * Named entities: {@code entities array<struct<label string, start int, end int, score float, word string>>}, spans
 * of the checkpoint's BIO/IOB2 token labels aggregated per {@link AggregationStrategy}, with character offsets
 * into the original text ({@code substring(start, end)} is {@code word}). With sliding windows, each token's
 * probabilities are averaged over the windows that cover it, so entities crossing a window border stay whole.
 */
public record NerTask(int textIndex, List<String> labelNames, AggregationStrategy aggregation,
                      LongTextPolicy longText) implements TextTask {

    /** One entity of {@code ner}: label, character offsets, score and word. */
    public static final StructType ENTITY = DataTypes.createStructType(List.of(
            DataTypes.createStructField("label", DataTypes.StringType, false),
            DataTypes.createStructField("start", DataTypes.IntegerType, false),
            DataTypes.createStructField("end", DataTypes.IntegerType, false),
            DataTypes.createStructField("score", DataTypes.FloatType, false),
            DataTypes.createStructField("word", DataTypes.StringType, false)));

    /** {@code entities array<struct<label, start, end, score, word>>}. */
    public static final List<StructField> FIELDS =
            List.of(DataTypes.createStructField("entities", DataTypes.createArrayType(ENTITY, false), true));

    /** The task for this model's token-classification labels. */
    public static NerTask forModel(int textIndex, EncoderModel model, AggregationStrategy aggregation,
                                   LongTextPolicy longText) {
        return new NerTask(textIndex, model.checkpoint().config().labels(), aggregation, longText);
    }

    @Override
    public List<StructField> resultFields() {
        return FIELDS;
    }

    @Override
    public void validate(EncoderModel model) {
        model.head(HeadKind.TOKEN_CLASSIFICATION);
    }

    @Override
    public List<RowResult<Object[]>> process(BatchRunner runner, List<Row> rows) {
        var documents = rows.stream().map(r -> longText.prepare(runner.model().tokenizer(), TextTask.text(r, textIndex)))
                .toList();
        var results = LongTextPolicy.run(runner, documents, Tasks.tokenProbabilities());
        String[] id2label = labelNames.toArray(String[]::new);
        List<RowResult<Object[]>> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            LongTextPolicy.Document document = documents.get(i);
            out.add(results.get(i).map(perUnit -> {
                List<EntitySpan> spans;
                if (longText.windowed()) {
                    List<WindowPrediction> windows = new ArrayList<>();
                    for (int w = 0; w < perUnit.size(); w++) {
                        windows.add(new WindowPrediction(document.windows().get(w), perUnit.get(w)));
                    }
                    spans = EntityAggregator.aggregateWindows(document.text(), windows, id2label, aggregation);
                } else {
                    spans = EntityAggregator.aggregate(document.text(), document.units().get(0), perUnit.get(0),
                            id2label, aggregation);
                }
                return new Object[] {spans.stream().map(NerTask::row).toArray(Row[]::new)};
            }));
        }
        return out;
    }

    private static Row row(EntitySpan span) {
        return RowFactory.create(span.label(), span.start(), span.end(), span.score(), span.word());
    }
}
