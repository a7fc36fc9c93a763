package dev.sparkencoders.jobs.config;

import dev.sparkencoders.encoder.Engine;
import dev.sparkencoders.encoder.Precision;
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
        String maxLength = config.get(ConfigKey.MODEL_MAX_LENGTH);
        try {
            return ModelSpec.onDriver(config.get(ConfigKey.MODEL_PATH), pooling(config),
                    config.bool(ConfigKey.MODEL_NORMALIZE),
                    maxLength == null ? null : config.positiveInt(ConfigKey.MODEL_MAX_LENGTH), engine(config),
                    precision(config));
        } catch (CheckpointException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
    }

    /**
     * The spec of a second model a job runs besides the one model.path names (pretrain-data's generator): its path,
     * the engine and precision of model.engine and model.precision and this maximum length, checked against the
     * model's positions when it loads.
     */
    public static ModelSpec spec(JobConfig config, String path, int maxLength) {
        try {
            return ModelSpec.onDriver(path, null, null, maxLength, engine(config), precision(config));
        } catch (CheckpointException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
    }

    private static Pooling pooling(JobConfig config) {
        String pooling = config.get(ConfigKey.MODEL_POOLING);
        try {
            return pooling == null ? null : Pooling.parse(pooling);
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage() + " (" + ConfigKey.MODEL_POOLING.key() + ")", e);
        }
    }

    private static Engine engine(JobConfig config) {
        try {
            return Engine.parse(config.require(ConfigKey.MODEL_ENGINE));
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage().replace("(use", "(set " + ConfigKey.MODEL_ENGINE.key() + " to"), e);
        }
    }

    /**
     * model.precision; int8 with model.engine=pytorch and bf16 with model.engine=onnxruntime are refused here, before
     * anything starts.
     */
    private static Precision precision(JobConfig config) {
        Precision precision;
        try {
            precision = Precision.parse(config.require(ConfigKey.MODEL_PRECISION));
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage().replace("(use", "(set " + ConfigKey.MODEL_PRECISION.key() + " to"), e);
        }
        if (precision == Precision.INT8 && engine(config) == Engine.PYTORCH) {
            throw new JobConfigException("Cannot run the model at " + ConfigKey.MODEL_PRECISION.key() + "=int8 on "
                    + ConfigKey.MODEL_ENGINE.key() + "=pytorch: int8 runs on ONNX Runtime only (set "
                    + ConfigKey.MODEL_ENGINE.key() + " to onnxruntime or auto, or " + ConfigKey.MODEL_PRECISION.key()
                    + " to fp32)");
        }
        if (precision == Precision.BF16 && engine(config) == Engine.ONNXRUNTIME) {
            throw new JobConfigException("Cannot run the model at " + ConfigKey.MODEL_PRECISION.key() + "=bf16 on "
                    + ConfigKey.MODEL_ENGINE.key() + "=onnxruntime: ONNX Runtime's CPU kernels have no bf16 matrix"
                    + " products (set " + ConfigKey.MODEL_ENGINE.key() + " to pytorch or auto, or "
                    + ConfigKey.MODEL_PRECISION.key() + " to fp32)");
        }
        return precision;
    }

    /**
     * Loads the model on the driver before any task starts, so that a missing file, a corrupt checkpoint or a
     * config that disagrees with the weights fails the job at once with one sentence. In local mode the driver is
     * also the executor, so the loaded model is reused by the tasks. Weights other than {@code model.sha256}, when
     * set, are refused.
     */
    public static EncoderModel validate(ModelSpec spec, JobConfig config) {
        EncoderModel model;
        try {
            model = ModelCache.get(spec);
        } catch (CheckpointException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
        String pinned = config.get(ConfigKey.MODEL_SHA256);
        if (pinned != null) {
            String actual = model.checkpoint().weightsSha256();
            if (!actual.equalsIgnoreCase(pinned.trim())) {
                throw new JobConfigException("Cannot use the model's weights: model.safetensors of " + spec.modelId()
                        + " has SHA-256 " + actual + ", not the pinned " + pinned.trim()
                        + " (point model.path at the pinned weights, or update model.sha256)");
            }
        }
        return model;
    }
}
