package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.jobs.config.CommandLine;
import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.Models;
import dev.sparkencoders.runtime.ModelSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where the bench asks for one of our engines at a precision: the {@code model.engine} and
 * {@code model.precision} settings, given to the embed child process as {@code --set model.engine=<name>} (and
 * {@code --set model.precision=int8} at int8; fp32 is the default) and to the bench's own {@link ModelSpec}, which
 * is built from the same settings through {@link Models#spec}, as the jobs build theirs.
 */
final class EngineSeam {

    /** The setting that picks the engine. */
    static final String ENGINE_KEY = ConfigKey.MODEL_ENGINE.key();
    /** The setting that picks the precision. */
    static final String PRECISION_KEY = ConfigKey.MODEL_PRECISION.key();

    private EngineSeam() {}

    /** The embed child process's arguments that select {@code engine} at fp32. */
    static List<String> childArgs(BenchEngine engine) {
        return childArgs(EnginePrecision.fp32(engine));
    }

    /** The embed child process's arguments that select the engine and, other than fp32, the precision. */
    static List<String> childArgs(EnginePrecision variant) {
        List<String> args = new ArrayList<>(List.of("--set", ENGINE_KEY + "=" + variant.engine().id()));
        if (variant.precision() != Precision.FP32) {
            args.addAll(List.of("--set", PRECISION_KEY + "=" + variant.precision().id()));
        }
        return args;
    }

    /** The settings that select the engine and precision, for the report: {@code model.engine=onnxruntime, ...}. */
    static String describe(EnginePrecision variant) {
        return ENGINE_KEY + "=" + variant.engine().id() + (variant.precision() == Precision.FP32 ? ""
                : ", " + PRECISION_KEY + "=" + variant.precision().id());
    }

    /** The spec of a checkpoint (null: the bundled model) at {@code maxLength} tokens on {@code engine}, fp32. */
    static ModelSpec modelSpec(BenchEngine engine, Path checkpoint, int maxLength) {
        return modelSpec(EnginePrecision.fp32(engine), checkpoint, maxLength);
    }

    /** The spec of a checkpoint (null: the bundled model) at {@code maxLength} tokens on an engine and precision. */
    static ModelSpec modelSpec(EnginePrecision variant, Path checkpoint, int maxLength) {
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put(ENGINE_KEY, variant.engine().id());
        sets.put(PRECISION_KEY, variant.precision().id());
        if (checkpoint != null) {
            sets.put(ConfigKey.MODEL_PATH.key(), checkpoint.toString());
        }
        sets.put(ConfigKey.MODEL_MAX_LENGTH.key(), String.valueOf(maxLength));
        return Models.spec(JobConfig.resolve(new CommandLine("bench", null, sets)));
    }
}
