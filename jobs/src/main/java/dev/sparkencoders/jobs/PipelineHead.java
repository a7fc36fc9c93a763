package dev.sparkencoders.jobs;

import dev.sparkencoders.jobs.evaluate.EncoderFeatures;
import dev.sparkencoders.jobs.evaluate.EvaluationOutput;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.ml.TextEmbedder;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.spark.EmbedTask;
import dev.sparkencoders.spark.TaskPartitionFunction;
import dev.sparkencoders.spark.TextTask;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
 * {@code classify --set head.path=DIR}: the texts' sentence embeddings go through a saved Spark ML
 * {@code PipelineModel} instead of a checkpoint's own classification head. Two kinds of pipeline work:
 * <ul>
 *   <li>a head on the embeddings, such as the logistic regression that {@code evaluate task=intent} saves under
 *       {@code output.path/model}: the job embeds each text as the {@code model.*}, {@code truncation*} and
 *       {@code windows.stride} settings say, as a Spark ML vector in column {@code embedding}, which its
 *       classifier reads;</li>
 *   <li>a pipeline that starts with a {@link TextEmbedder} (fitted in a notebook, say): its embedder names the
 *       model and how long texts are embedded, so those settings must be left unset; the texts come from
 *       {@code input.text-col} and the later stages run as they were fitted.</li>
 * </ul>
 * The output columns are those of the checkpoint-head classify: {@code label} (most probable label),
 * {@code labels} (labels whose probability reaches {@code classify.threshold}, best first; default 0, so all) and
 * {@code scores} (label to probability).
 *
 * <p>The embeddings are computed on the executors by the usual partition function; the pipeline's stages are
 * applied on the driver's plan, so any MLlib pipeline whose last probabilistic classifier ends up reading the
 * embeddings works. Label names come from the pipeline's {@code IndexToString} (else its
 * {@code StringIndexerModel}). When the head was saved by the evaluate job, the encoder it was trained on is
 * recorded beside it ({@value #METADATA}) and a different encoder (weights, pooling or normalisation) is refused
 * before any work starts.
 */
public final class PipelineHead implements TextTask, ResultTransform {

    static final String METADATA = "spark-encoders-head.json";
    static final String FEATURES_COL = EmbedTask.EMBEDDING_COL;

    /** Settings a pipeline that starts with a TextEmbedder decides itself. */
    private static final List<ConfigKey> EMBEDDER_KEYS = List.of(ConfigKey.MODEL_PATH, ConfigKey.MODEL_POOLING,
            ConfigKey.MODEL_NORMALIZE, ConfigKey.MODEL_MAX_LENGTH, ConfigKey.TRUNCATION,
            ConfigKey.TRUNCATION_HEAD_TOKENS, ConfigKey.WINDOWS_STRIDE);

    /**
     * A saved pipeline read on the driver before the model is loaded: its stages after the embedder (if it has
     * one), its classifier and the label names.
     */
    record Saved(String path, double threshold, TextEmbedder embedder, List<Transformer> stages,
                 ProbabilisticClassificationModel<?, ?> classifier, String[] labels, JsonObject metadata) {

        /** The column the embeddings go to: the embedder's output column, else {@value #FEATURES_COL}. */
        String embeddingCol() {
            return embedder != null ? embedder.getOutputCol() : FEATURES_COL;
        }

        /**
         * The task that embeds the texts with {@code embed} and then runs the stages; the stages must accept the
         * columns the job gives them ({@code input}, the embeddings and {@code error}).
         */
        PipelineHead task(StructType input, EmbedTask embed, int dimensions) {
            PipelineHead head = new PipelineHead(this, embed, dimensions);
            if (embedder != null) {
                StructType schema = TaskPartitionFunction.outputSchema(input, head);
                try {
                    for (Transformer stage : stages) {
                        schema = stage.transformSchema(schema);
                    }
                } catch (IllegalArgumentException e) {
                    throw new JobConfigException("Cannot use head.path " + path + ": its stages after the"
                            + " TextEmbedder do not fit this input: " + e.getMessage() + " (fit the pipeline on data"
                            + " with the same columns)", e);
                }
            }
            return head;
        }
    }

    private final EmbedTask embed;
    private final String embeddingCol;
    private final int dimensions;
    private final transient Saved saved;

    private PipelineHead(Saved saved, EmbedTask embed, int dimensions) {
        this.saved = saved;
        this.embed = embed;
        this.embeddingCol = saved.embeddingCol();
        this.dimensions = dimensions;
    }

    /**
     * The TextEmbedder the pipeline named by {@code head.path} starts with, or null. It is read before Spark starts,
     * from the first stage's metadata file (one JSON line under {@code stages/0_<uid>/metadata}, as Spark ML saves
     * every stage), so that its model is loaded and checked before the job asks for executors; settings the
     * embedder decides are refused here. Anything else about the pipeline is checked by {@link #read}.
     */
    static TextEmbedder savedEmbedder(JobConfig config) {
        String path = config.require(ConfigKey.HEAD_PATH);
        String json = firstStageMetadata(config, path);
        if (json == null) {
            return null;
        }
        TextEmbedder embedder;
        try {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.parseMetadata(json, "");
            if (!metadata.className().equals(TextEmbedder.class.getName())) {
                return null;
            }
            embedder = new TextEmbedder(metadata.uid());
            metadata.getAndSetParams(embedder, Option.empty());
        } catch (RuntimeException e) {
            throw new JobConfigException("Cannot read the first stage of head.path " + path + ": " + e.getMessage()
                    + " (save the pipeline again with PipelineModel.write())", e);
        }
        for (ConfigKey key : EMBEDDER_KEYS) {
            if (config.isGiven(key)) {
                throw new JobConfigException("Cannot use " + key.key() + " with head.path " + path + ": the"
                        + " pipeline starts with a TextEmbedder, which sets the model and how texts are embedded"
                        + " (leave model.*, truncation* and windows.stride unset)");
            }
        }
        return embedder;
    }

    /** The first line of the first stage's metadata, or null when there is none (then {@link #read} explains). */
    private static String firstStageMetadata(JobConfig config, String path) {
        Configuration hadoop = new Configuration();
        config.sparkSettings().forEach((key, value) -> {
            if (key.startsWith(HADOOP_PREFIX)) {
                hadoop.set(key.substring(HADOOP_PREFIX.length()), value);
            }
        });
        Path pattern = new Path(new Path(path, "stages"), "0_*/metadata/part-*");
        try {
            FileSystem fs = pattern.getFileSystem(hadoop);
            FileStatus[] parts = fs.globStatus(pattern);
            for (FileStatus part : parts == null ? new FileStatus[0] : parts) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(part.getPath()),
                        StandardCharsets.UTF_8))) {
                    String line = in.readLine();
                    if (line != null && !line.isBlank()) {
                        return line;
                    }
                }
            }
            return null;
        } catch (IOException e) {
            throw new JobConfigException("Cannot read head.path " + path + ": " + e.getMessage()
                    + " (check the path and that this user may read it)", e);
        }
    }

    private static final String HADOOP_PREFIX = "spark.hadoop.";

    /** Reads the pipeline named by {@code head.path} on the driver, failing with one sentence when it cannot be used. */
    static Saved read(JobConfig config) {
        String path = config.require(ConfigKey.HEAD_PATH);
        double threshold = config.get(ConfigKey.CLASSIFY_THRESHOLD) != null
                ? config.unitInterval(ConfigKey.CLASSIFY_THRESHOLD) : 0.0;
        SparkSession spark = SparkSession.active();
        EvaluationOutput.requireExists(spark, path, ConfigKey.HEAD_PATH);
        PipelineModel model;
        try {
            model = PipelineModel.load(path);
        } catch (RuntimeException e) {
            throw new JobConfigException("Cannot load head.path " + path + " as a Spark ML PipelineModel: "
                    + e.getMessage() + " (use the model/ folder that evaluate task=intent writes, or a saved"
                    + " pipeline that starts with a TextEmbedder)", e);
        }
        List<Transformer> stages = new ArrayList<>(Arrays.asList(model.stages()));
        TextEmbedder embedder = !stages.isEmpty() && stages.get(0) instanceof TextEmbedder e ? e : null;
        if (embedder != null) {
            stages.remove(0);
        }
        ProbabilisticClassificationModel<?, ?> classifier = null;
        String[] names = null;
        for (Transformer stage : stages) {
            if (stage instanceof ProbabilisticClassificationModel<?, ?> c) {
                classifier = c;
            } else if (stage instanceof IndexToString i && i.isDefined(i.labels())) {
                names = i.getLabels();
            } else if (names == null && stage instanceof StringIndexerModel s) {
                names = s.labelsArray()[0];
            }
        }
        if (classifier == null) {
            throw new JobConfigException("Cannot use head.path " + path + ": the pipeline has no probabilistic"
                    + " classifier stage (such as LogisticRegressionModel) to read the embeddings");
        }
        if (embedder == null && !classifier.getFeaturesCol().equals(FEATURES_COL)) {
            throw new JobConfigException("Cannot use head.path " + path + ": its classifier reads the column '"
                    + classifier.getFeaturesCol() + "', but the embeddings come as '" + FEATURES_COL
                    + "' (train it with featuresCol=" + FEATURES_COL + ")");
        }
        String[] labels = new String[classifier.numClasses()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = names != null && i < names.length ? names[i] : "LABEL_" + i;
        }
        return new Saved(path, threshold, embedder, List.copyOf(stages), classifier, labels,
                readMetadata(spark, path));
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
        Map<String, Object> now = EncoderFeatures.describe("", encoder);
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

    /** The same columns as the checkpoint-head classify ({@code ClassifyTask}). */
    static final StructType HEAD_STRUCT = new StructType()
            .add("label", DataTypes.StringType, true)
            .add("labels", DataTypes.createArrayType(DataTypes.StringType, false), true)
            .add("scores", DataTypes.createMapType(DataTypes.StringType, DataTypes.FloatType, false), true);

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

    /** Records, beside a saved head, the encoder whose embeddings it was trained on and its label names. */
    public static void writeMetadata(EvaluationOutput output, String dir, Map<String, Object> encoder, String featuresCol,
                              String[] labels) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", 1);
        m.put("encoder", encoder);
        m.put("features_col", featuresCol);
        m.put("labels", Arrays.asList(labels));
        output.writeJson(dir + "/" + METADATA, m);
    }

    private static JsonObject readMetadata(SparkSession spark, String path) {
        Path file = new Path(path, METADATA);
        try {
            FileSystem fs = EvaluationOutput.fileSystem(spark, file);
            if (!fs.exists(file)) {
                return null;
            }
            try (InputStream in = fs.open(file)) {
                return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
            }
        } catch (IOException | RuntimeException e) {
            throw new JobConfigException("Cannot read " + file + ": " + e.getMessage() + " (delete it to skip the"
                    + " check of the encoder the head was trained on)", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PipelineHead h && h.embed.equals(embed) && h.embeddingCol.equals(embeddingCol)
                && h.dimensions == dimensions;
    }

    @Override
    public int hashCode() {
        return Objects.hash(embed, embeddingCol, dimensions);
    }
}
