package dev.sparkencoders.jobs;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.head.HeadMetadata;
import dev.sparkencoders.jobs.head.SavedHead;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.spark.EmbedTask;
import dev.sparkencoders.spark.TaskPartitionFunction;
import dev.sparkencoders.spark.TextTask;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.apache.spark.sql.functions.array_repeat;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

/**
 * {@code classify --set head.path=DIR}: the texts' sentence embeddings go through a {@link SavedHead} instead of a
 * checkpoint's own classification head. The job embeds each text (as the {@code model.*}, {@code truncation.*} and
 * {@code windows.stride} settings say, or as the pipeline's own TextEmbedder says), then this task's
 * {@link #transform} runs the pipeline's later stages on the driver's plan. The output columns are those of the
 * checkpoint-head classify: {@code label} (most probable label), {@code labels} (labels whose probability reaches
 * {@code classify.threshold}, best first; default 0, so all) and {@code scores} (label to probability).
 *
 * <p>When the head was saved by the evaluate job, the encoder it was trained on is recorded beside it
 * ({@link HeadMetadata}) and a different encoder (weights, pooling or normalisation) is refused before any work
 * starts.
 */
final class PipelineHeadTask implements TextTask, ResultTransform {

    /** The same columns as the checkpoint-head classify ({@code ClassifyTask}). */
    static final StructType HEAD_STRUCT = new StructType()
            .add("label", DataTypes.StringType, true)
            .add("labels", DataTypes.createArrayType(DataTypes.StringType, false), true)
            .add("scores", DataTypes.createMapType(DataTypes.StringType, DataTypes.FloatType, false), true);

    private final EmbedTask embed;
    private final String embeddingCol;
    private final int dimensions;
    private final transient SavedHead saved;

    private PipelineHeadTask(SavedHead saved, EmbedTask embed, int dimensions) {
        this.saved = saved;
        this.embed = embed;
        this.embeddingCol = saved.embeddingCol();
        this.dimensions = dimensions;
    }

    /**
     * The task that embeds the texts with {@code embed} and then runs the head's stages; the stages must accept the
     * columns the job gives them ({@code input}, the embeddings and {@code error}).
     */
    static PipelineHeadTask of(SavedHead saved, StructType input, EmbedTask embed, int dimensions) {
        PipelineHeadTask task = new PipelineHeadTask(saved, embed, dimensions);
        if (saved.embedder() != null) {
            StructType schema = TaskPartitionFunction.outputSchema(input, task);
            try {
                for (Transformer stage : saved.stages()) {
                    schema = stage.transformSchema(schema);
                }
            } catch (IllegalArgumentException e) {
                throw new JobConfigException("Cannot use head.path " + saved.path() + ": its stages after the"
                        + " TextEmbedder do not fit this input: " + e.getMessage() + " (fit the pipeline on data"
                        + " with the same columns)", e);
            }
        }
        return task;
    }

    @Override
    public List<StructField> resultFields() {
        StructField field = embed.resultFields().get(0);
        return List.of(new StructField(embeddingCol, field.dataType(), field.nullable(), field.metadata()));
    }

    /**
     * The encoder must give what the head was trained on: the width when the classifier reads the embeddings
     * directly, and the recorded model if any.
     */
    @Override
    public void validate(EncoderModel encoder) {
        ProbabilisticClassificationModel<?, ?> classifier = saved.classifier();
        String path = saved.path();
        if (classifier.getFeaturesCol().equals(embeddingCol) && classifier.numFeatures() != dimensions) {
            throw new CheckpointException("Cannot use head.path " + path + ": it takes " + classifier.numFeatures()
                    + "-dimensional features, but the model gives " + dimensions + "-dimensional embeddings (set"
                    + " model.path to the model the head was trained on)");
        }
        JsonObject metadata = saved.metadata();
        if (metadata == null || !metadata.has("encoder")) {
            return;
        }
        JsonObject trained = metadata.getAsJsonObject("encoder");
        Map<String, Object> now = HeadMetadata.describe("", encoder);
        for (String key : List.of("weights_sha256", "pooling", "normalize")) {
            JsonElement expected = trained.get(key);
            if (expected != null && !expected.getAsString().equals(String.valueOf(now.get(key)))) {
                throw new CheckpointException("Cannot use head.path " + path + ": it was trained on embeddings of "
                        + trained.get("model").getAsString() + " with " + key + " " + expected.getAsString()
                        + ", but this run's model has " + key + " " + now.get(key) + " (set model.path and"
                        + " model.pooling/model.normalize to what the head was trained with)");
            }
        }
    }

    @Override
    public List<RowResult<Object[]>> process(BatchRunner runner, List<Row> rows) {
        return embed.process(runner, rows);
    }

    /**
     * Runs the pipeline's stages over the embeddings and replaces them with {@code label}, {@code labels} and
     * {@code scores}; rows that failed keep their error and get nulls (their embeddings are zeros for the stages).
     */
    @Override
    public Dataset<Row> transform(Dataset<Row> results) {
        StructType schema = results.schema();
        Column embedding = col(embeddingCol);
        int width = dimensions;
        Column filled = embed.vectorType() == EmbedTask.VectorType.VECTOR
                ? udf((UDF1<Vector, Vector>) v -> v != null ? v : Vectors.zeros(width), new VectorUDT()).apply(embedding)
                : when(embedding.isNull(), array_repeat(lit(0f), width)).otherwise(embedding);
        Dataset<Row> scored = results.withColumn(embeddingCol, filled);
        for (Transformer stage : saved.stages()) {
            scored = stage.transform(scored);
        }
        String[] names = saved.labels();
        double minimum = saved.threshold();
        UserDefinedFunction columns = udf((UDF1<Vector, Row>) p -> columns(p, names, minimum), HEAD_STRUCT);
        Column head = columns.apply(col(saved.classifier().getProbabilityCol()));
        Column ok = col(TaskPartitionFunction.ERROR_COL).isNull();

        Metadata provenance = new MetadataBuilder().withMetadata(schema.apply(embeddingCol).metadata())
                .putString("spark_encoders.head", saved.path()).build();
        List<Column> out = new ArrayList<>();
        for (StructField field : schema.fields()) {
            if (!field.name().equals(embeddingCol) && !field.name().equals(TaskPartitionFunction.ERROR_COL)) {
                out.add(col(field.name()));
            }
        }
        for (StructField field : HEAD_STRUCT.fields()) {
            out.add(when(ok, head.getField(field.name())).as(field.name(), provenance));
        }
        out.add(col(TaskPartitionFunction.ERROR_COL));
        return scored.select(out.toArray(Column[]::new));
    }

    private static Row columns(Vector probabilities, String[] labels, double threshold) {
        if (probabilities == null) {
            return null;
        }
        double[] p = probabilities.toArray();
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        List<String> above = new ArrayList<>();
        Map<String, Float> scores = new LinkedHashMap<>();
        for (int i : order) {
            if (p[i] >= threshold) {
                above.add(labels[i]);
            }
            scores.put(labels[i], (float) p[i]);
        }
        return RowFactory.create(labels[order[0]], above.toArray(new String[0]),
                scala.collection.immutable.Map.from(CollectionConverters.asScala(scores)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PipelineHeadTask h && h.embed.equals(embed) && h.embeddingCol.equals(embeddingCol)
                && h.dimensions == dimensions;
    }

    @Override
    public int hashCode() {
        return Objects.hash(embed, embeddingCol, dimensions);
    }
}
