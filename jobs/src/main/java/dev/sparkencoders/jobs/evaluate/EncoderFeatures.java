package dev.sparkencoders.jobs.evaluate;

import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.Models;
import dev.sparkencoders.jobs.config.TaskConfig;
import dev.sparkencoders.jobs.head.HeadMetadata;
import dev.sparkencoders.jobs.io.InputReader;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.spark.EmbedTask;
import dev.sparkencoders.spark.LongTextPolicy;
import dev.sparkencoders.spark.TaskCounters;
import dev.sparkencoders.spark.TaskPartitionFunction;
import dev.sparkencoders.spark.TaskSettings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sentence embeddings of a text column as Spark ML vectors, computed by the project's own executor pipeline
 * ({@link TaskPartitionFunction} running an {@link EmbedTask}): what the evaluate job feeds to cosine similarity
 * and to MLlib. The model is the one the {@code model.*} settings name, loaded and checked on the driver first.
 *
 * <pre>{@code
 * EncoderFeatures features = EncoderFeatures.prepare(spark, config);
 * Dataset<Row> embedded = features.embed(df, "text", "text_embedding", "text_error");
 * }</pre>
 */
final class EncoderFeatures {

    private final SparkSession spark;
    private final TaskSettings settings;
    private final EncoderModel model;
    private final TaskCounters counters;
    private final LongTextPolicy longText;

    private EncoderFeatures(SparkSession spark, TaskSettings settings, EncoderModel model, TaskCounters counters,
                            LongTextPolicy longText) {
        this.spark = spark;
        this.settings = settings;
        this.model = model;
        this.counters = counters;
        this.longText = longText;
    }

    /** Reads the model and batch settings and loads the model on the driver, failing early with one sentence. */
    static EncoderFeatures prepare(SparkSession spark, JobConfig config) {
        TaskSettings settings = TaskConfig.settings(config, Models.spec(config));
        EncoderModel model = Models.validate(settings.spec(), config);
        // Long texts are handled as embed and classify handle them (truncation, windows.stride), so a head trained
        // here sees the embeddings classify --set head.path=... computes with the same settings.
        return new EncoderFeatures(spark, settings, model, TaskCounters.register(spark), TaskConfig.longText(config, model));
    }

    /**
     * Appends the embedding of {@code textColumn} as a vector column {@code vectorColumn} (null when the row
     * failed) and the row's error message as {@code errorColumn}. Lazy, like any Dataset.
     */
    Dataset<Row> embed(Dataset<Row> input, String textColumn, String vectorColumn, String errorColumn) {
        int textIndex = InputReader.stringColumn(input, textColumn, ConfigKey.INPUT_TEXT_COL);
        EmbedTask task = new EmbedTask(textIndex, EmbedTask.VectorType.VECTOR, longText);
        return settings.run(input, task, -1, counters)
                .withColumnRenamed(EmbedTask.EMBEDDING_COL, vectorColumn)
                .withColumnRenamed(TaskPartitionFunction.ERROR_COL, errorColumn);
    }

    /** Spreads rows over every core: evaluation files are small and CSV with multi-line records is one split. */
    Dataset<Row> spread(Dataset<Row> input) {
        return input.repartition(Math.max(1, spark.sparkContext().defaultParallelism()));
    }

    EncoderModel model() {
        return model;
    }

    TaskCounters counters() {
        return counters;
    }

    ModelSpec spec() {
        return settings.spec();
    }

    TokenBudget budget() {
        return settings.budget();
    }

    String modelId() {
        return settings.spec().modelId();
    }

    /** The model's identity and settings, for reports and for checking a saved head against the model. */
    Map<String, Object> describe() {
        return HeadMetadata.describe(modelId(), model);
    }

    /** Counters of the encoder passes so far: rows, tokens, truncations, model loads on executors. */
    Map<String, Object> counts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", counters.rows().value());
        m.put("tokens", counters.tokens().value());
        m.put("rows_truncated", counters.rowsTruncated().value());
        return m;
    }
}
