package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.jobs.config.CommandLine;
import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.Models;
import dev.sparkencoders.runtime.ModelSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where the bench asks for one of our engines: the {@code model.engine} setting, given to the embed
 * child process as {@code --set model.engine=<name>} and to the bench's own {@link ModelSpec}, which is built from
 * the same settings through {@link Models#spec}, as the jobs build theirs.
 */
final class EngineSeam {

    /** The setting that picks the engine. */
    static final String ENGINE_KEY = ConfigKey.MODEL_ENGINE.key();

    private EngineSeam() {}

    /** The embed child process's arguments that select {@code engine}. */
    static List<String> childArgs(BenchEngine engine) {
        return List.of("--set", ENGINE_KEY + "=" + engine.id());
    }

    /** The spec of a checkpoint (null: the bundled model) at {@code maxLength} tokens on {@code engine}. */
    static ModelSpec modelSpec(BenchEngine engine, Path checkpoint, int maxLength) {
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put(ENGINE_KEY, engine.id());
        if (checkpoint != null) {
            sets.put(ConfigKey.MODEL_PATH.key(), checkpoint.toString());
        }
        sets.put(ConfigKey.MODEL_MAX_LENGTH.key(), String.valueOf(maxLength));
        return Models.spec(JobConfig.resolve(new CommandLine("bench", null, sets)));
    }
}
