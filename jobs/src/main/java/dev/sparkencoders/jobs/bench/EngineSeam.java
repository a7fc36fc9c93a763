package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.jobs.CommandLine;
import dev.sparkencoders.jobs.ConfigKey;
import dev.sparkencoders.jobs.JobConfig;
import dev.sparkencoders.jobs.Models;
import dev.sparkencoders.runtime.ModelSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where the bench asks for one of our engines: the {@code model.engine} setting, given to the embed
 * child process as {@code --set model.engine=<name>} and to the bench's own {@link ModelSpec}, which is built from
 * the same settings through {@link Models#spec}, as the jobs build theirs. While this build has no
 * {@code model.engine} key, only {@link BenchEngine#PYTORCH} (the engine every job uses) can be asked for.
 */
final class EngineSeam {

    /** The setting that picks the engine. */
    static final String ENGINE_KEY = "model.engine";

    private EngineSeam() {}

    /** Whether this build knows {@value #ENGINE_KEY}: then every engine is passed through it. */
    static boolean engineSettingExists() {
        return ConfigKey.byKey(ENGINE_KEY).isPresent();
    }

    /** Refuses an engine this build cannot be asked for, with one sentence. */
    static void check(BenchEngine engine) {
        if (engine != BenchEngine.PYTORCH && !engineSettingExists()) {
            throw new IllegalArgumentException("Cannot run our engine on " + engine.id() + ": this build has no "
                    + ENGINE_KEY + " setting yet, so every job runs on pytorch (set bench.engines=pytorch)");
        }
    }

    /** The settings that select {@code engine}: none for the default engine while the setting does not exist. */
    static Map<String, String> settings(BenchEngine engine) {
        check(engine);
        return engineSettingExists() ? Map.of(ENGINE_KEY, engine.id()) : Map.of();
    }

    /** The embed child process's arguments that select {@code engine}. */
    static List<String> childArgs(BenchEngine engine) {
        return settings(engine).entrySet().stream()
                .flatMap(e -> java.util.stream.Stream.of("--set", e.getKey() + "=" + e.getValue())).toList();
    }

    /** The spec of a checkpoint (null: the bundled model) at {@code maxLength} tokens on {@code engine}. */
    static ModelSpec modelSpec(BenchEngine engine, Path checkpoint, int maxLength) {
        Map<String, String> sets = new LinkedHashMap<>(settings(engine));
        if (checkpoint != null) {
            sets.put(ConfigKey.MODEL_PATH.key(), checkpoint.toString());
        }
        sets.put(ConfigKey.MODEL_MAX_LENGTH.key(), String.valueOf(maxLength));
        return Models.spec(JobConfig.resolve(new CommandLine("bench", null, sets)));
    }
}
