package dev.sparkencoders.jobs.config;

import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.Pooling;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;

/**
 * Turns the {@code model.*} settings into a {@link ModelSpec} (a relative model.path pinned to the driver's working
 * directory) and loads it once on the driver to validate it.
 */
public final class Models {

    private Models() {}

    public static ModelSpec spec(JobConfig config) {
        String pooling = config.get(ConfigKey.MODEL_POOLING);
        String maxLength = config.get(ConfigKey.MODEL_MAX_LENGTH);
        try {
            return ModelSpec.onDriver(config.get(ConfigKey.MODEL_PATH), pooling == null ? null : Pooling.parse(pooling),
                    config.bool(ConfigKey.MODEL_NORMALIZE),
                    maxLength == null ? null : config.positiveInt(ConfigKey.MODEL_MAX_LENGTH));
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage() + " (model.pooling)", e);
        }
    }

    /**
     * Loads the model on the driver before any task starts, so that a missing file, a corrupt checkpoint or a
     * config that disagrees with the weights fails the job at once with one sentence. In local mode the driver is
     * also the executor, so the loaded model is reused by the tasks.
     */
    public static EncoderModel validate(ModelSpec spec) {
        try {
            return ModelCache.get(spec);
        } catch (CheckpointException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
    }
}
