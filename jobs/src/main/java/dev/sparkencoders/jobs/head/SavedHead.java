package dev.sparkencoders.jobs.head;

import com.google.gson.JsonObject;
import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.io.HadoopFiles;
import dev.sparkencoders.ml.TextEmbedder;
import dev.sparkencoders.spark.EmbedTask;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.sql.SparkSession;
import scala.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A saved Spark ML {@code PipelineModel} that classifies sentence embeddings, as {@code head.path} names it, read on
 * the driver: its stages after the {@link TextEmbedder} it may start with, its probabilistic classifier, the label
 * names (from its {@code IndexToString}, else its {@code StringIndexerModel}) and the {@link HeadMetadata} saved
 * beside it, if any. Two kinds of pipeline work:
 * <ul>
 *   <li>a head on the embeddings, such as the logistic regression that {@code evaluate evaluate.task=intent} saves
 *       under {@code output.path/model}: its classifier reads the column {@value #FEATURES_COL};</li>
 *   <li>a pipeline that starts with a {@link TextEmbedder} (fitted in a notebook, say): its embedder names the
 *       model and how long texts are embedded, so those settings must be left unset.</li>
 * </ul>
 *
 * <pre>{@code
 * TextEmbedder embedder = SavedHead.embedderOf(config); // before Spark starts; null for a head on embeddings
 * SavedHead head = SavedHead.read(config);              // with a SparkSession active
 * }</pre>
 *
 * @param path       the {@code head.path} it was read from
 * @param threshold  probability a label needs to be listed ({@code classify.threshold}, default 0)
 * @param embedder   the pipeline's first stage when it is a TextEmbedder, else null
 * @param stages     the stages after the embedder
 * @param classifier the last probabilistic classifier among the stages
 * @param labels     the label of each class index
 * @param metadata   the {@link HeadMetadata} saved beside the pipeline, or null
 */
public record SavedHead(String path, double threshold, TextEmbedder embedder, List<Transformer> stages,
                        ProbabilisticClassificationModel<?, ?> classifier, String[] labels, JsonObject metadata) {

    /** The column a head on the embeddings reads. */
    public static final String FEATURES_COL = EmbedTask.EMBEDDING_COL;

    private static final String HADOOP_PREFIX = "spark.hadoop.";

    /** Settings a pipeline that starts with a TextEmbedder decides itself. */
    private static final List<ConfigKey> EMBEDDER_KEYS = List.of(ConfigKey.MODEL_PATH, ConfigKey.MODEL_POOLING,
            ConfigKey.MODEL_NORMALIZE, ConfigKey.MODEL_MAX_LENGTH, ConfigKey.TRUNCATION_STRATEGY,
            ConfigKey.TRUNCATION_HEAD_TOKENS, ConfigKey.WINDOWS_STRIDE);

    /** The column the embeddings go to: the embedder's output column, else {@value #FEATURES_COL}. */
    public String embeddingCol() {
        return embedder != null ? embedder.getOutputCol() : FEATURES_COL;
    }

    /**
     * The TextEmbedder the pipeline named by {@code head.path} starts with, or null. It is read before Spark starts,
     * from the first stage's metadata file (one JSON line under {@code stages/0_<uid>/metadata}, as Spark ML saves
     * every stage), so that its model is loaded and checked before the job asks for executors; settings the
     * embedder decides are refused here. Anything else about the pipeline is checked by {@link #read}.
     */
    public static TextEmbedder embedderOf(JobConfig config) {
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
                        + " (leave model.*, truncation.* and windows.stride unset)");
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

    /** Reads the pipeline named by {@code head.path} on the driver, failing with one sentence when it cannot be used. */
    public static SavedHead read(JobConfig config) {
        String path = config.require(ConfigKey.HEAD_PATH);
        double threshold = config.get(ConfigKey.CLASSIFY_THRESHOLD) != null
                ? config.unitInterval(ConfigKey.CLASSIFY_THRESHOLD) : 0.0;
        SparkSession spark = SparkSession.active();
        HadoopFiles.requireExists(spark, path, ConfigKey.HEAD_PATH);
        PipelineModel model;
        try {
            model = PipelineModel.load(path);
        } catch (RuntimeException e) {
            throw new JobConfigException("Cannot load head.path " + path + " as a Spark ML PipelineModel: "
                    + e.getMessage() + " (use the model/ folder that evaluate evaluate.task=intent writes, or a"
                    + " saved pipeline that starts with a TextEmbedder)", e);
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
        return new SavedHead(path, threshold, embedder, List.copyOf(stages), classifier, labels,
                HeadMetadata.read(spark, path));
    }
}
