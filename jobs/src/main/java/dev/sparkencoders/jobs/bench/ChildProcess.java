package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.model.CacheDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a timed child of the bench: {@code cmd} in the project root, stdout and stderr into {@code log}, with
 * {@code SPARK_ENCODERS_NO_BUILD} (the launcher never builds mid-bench) and the bench's model cache folder.
 *
 * <pre>
 * Process p = ChildProcess.start("the embed job", List.of("./spark-encoders", "embed"), root, log);
 * </pre>
 */
final class ChildProcess {

    private ChildProcess() {}

    static Process start(String what, List<String> cmd, Path projectRoot, Path log) {
        return start(what, cmd, projectRoot, log, Map.of());
    }

    /** As {@link #start(String, List, Path, Path)}, with {@code extraEnv} added to the child's environment. */
    static Process start(String what, List<String> cmd, Path projectRoot, Path log, Map<String, String> extraEnv) {
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(projectRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_ENCODERS_NO_BUILD", "1");
        String cacheDir = System.getProperty(CacheDirectory.PROPERTY);
        if (cacheDir != null) {
            env.put(CacheDirectory.ENV, cacheDir);
        }
        env.putAll(extraEnv);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + what + ": " + e.getMessage(), e);
        }
    }
}
