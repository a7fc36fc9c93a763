package dev.sparkencoders.jobs.config;

import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ErrorMode;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.spark.LongTextPolicy;
import dev.sparkencoders.spark.TaskSettings;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TruncationStrategy;

/**
 * How a job's tasks run, read from its configuration: the batch and error settings ({@link TaskSettings}) and what
 * to do with long texts ({@link LongTextPolicy}). Every job that runs a task reads them here, so the same keys mean
 * the same thing in embed, classify and evaluate.
 *
 * <pre>{@code
 * TaskSettings settings = TaskConfig.settings(config, Models.spec(config));
 * LongTextPolicy longText = TaskConfig.longText(config, model);
 * }</pre>
 */
public final class TaskConfig {

    private TaskConfig() {}

    /**
     * How tasks run: the model, batch.max-tokens (unset: the engine's own), batch.max-rows, batch.chunk-rows and
     * errors.mode.
     */
    public static TaskSettings settings(JobConfig config, ModelSpec spec) {
        try {
            return new TaskSettings(spec, budget(config), config.positiveInt(ConfigKey.BATCH_CHUNK_ROWS),
                    ErrorMode.parse(config.require(ConfigKey.ERRORS_MODE)));
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
    }

    /** batch.max-tokens (unset: the engine's own, {@link TokenBudget#ENGINE_TOKENS}) and batch.max-rows. */
    public static TokenBudget budget(JobConfig config) {
        Integer maxTokens = config.get(ConfigKey.BATCH_MAX_TOKENS) == null ? null
                : config.positiveInt(ConfigKey.BATCH_MAX_TOKENS);
        return TokenBudget.of(maxTokens, config.positiveInt(ConfigKey.BATCH_MAX_ROWS));
    }

    /** The long-text settings: sliding windows when windows.stride is set, else the truncation strategy. */
    public static LongTextPolicy longText(JobConfig config, EncoderModel model) {
        Integer stride = config.get(ConfigKey.WINDOWS_STRIDE) != null
                ? config.nonNegativeInt(ConfigKey.WINDOWS_STRIDE) : null;
        int headTokens = config.nonNegativeInt(ConfigKey.TRUNCATION_HEAD_TOKENS);
        try {
            return LongTextPolicy.forModel(TruncationStrategy.parse(config.require(ConfigKey.TRUNCATION_STRATEGY)),
                    headTokens, stride, model);
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
    }
}
