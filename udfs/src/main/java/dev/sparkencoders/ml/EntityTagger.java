package dev.sparkencoders.ml;

import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.spark.NerTask;
import dev.sparkencoders.text.AggregationStrategy;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * Named entities from a checkpoint's token-classification head, as the {@code ner} job finds them:
 * {@code outputCol} holds {@code array<struct<label string, start int, end int, score float, word string>>} with
 * character offsets into the text ({@code substring(start, end)} is {@code word}). {@code aggregation} is
 * HuggingFace's {@code aggregation_strategy}: {@code simple}, {@code first} (default), {@code average} or
 * {@code max}. With {@code windowStride}, each token's probabilities are averaged over its windows, so an entity
 * crossing a window border stays whole.
 *
 * <pre>{@code
 * Dataset<Row> tagged = new EntityTagger().setModelPath("/models/ner").setAggregation("simple").transform(news);
 * }</pre>
 */
public final class EntityTagger extends TextTransformer<EntityTagger> {

    private final Param<String> outputCol;
    private final Param<String> aggregation;

    public EntityTagger() {
        this(Identifiable.randomUID("entityTagger"));
    }

    public EntityTagger(String uid) {
        super(uid);
        outputCol = ParamRules.column(this, "outputCol", "The entities column to add.");
        aggregation = ParamRules.oneOf(this, "aggregation", "How sub-word tokens become entities (HuggingFace's"
                + " aggregation_strategy).", ParamRules.names(AggregationStrategy.values()));
        setDefault(outputCol, NerTask.FIELDS.get(0).name());
        setDefault(aggregation, "first");
    }

    public static MLReader<EntityTagger> read() {
        return new DefaultParamsReader<>();
    }

    public static EntityTagger load(String path) {
        return read().load(path);
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> aggregation() {
        return aggregation;
    }

    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    public String getAggregation() {
        return getOrDefault(aggregation);
    }

    public EntityTagger setOutputCol(String value) {
        return with(outputCol, value);
    }

    public EntityTagger setAggregation(String value) {
        return with(aggregation, value);
    }

    @Override
    protected NerTask task(StructType input, EncoderModel model) {
        return NerTask.forModel(input.fieldIndex(getInputCol()), model, AggregationStrategy.parse(getAggregation()),
                longTextPolicy(model));
    }

    @Override
    protected List<Param<String>> outputColParams() {
        return List.of(outputCol);
    }

    @Override
    protected List<StructField> taskFields() {
        return NerTask.FIELDS;
    }
}
