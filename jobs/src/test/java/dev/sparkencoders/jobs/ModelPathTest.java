package dev.sparkencoders.jobs;

import dev.sparkencoders.jobs.config.CommandLine;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.config.Models;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Executors run in their own working directories, so a relative model.path is pinned to the driver's. */
class ModelPathTest {

    private static String specPath(String... sets) {
        String[] args = new String[1 + 2 * sets.length];
        args[0] = "embed";
        for (int i = 0; i < sets.length; i++) {
            args[1 + 2 * i] = "--set";
            args[2 + 2 * i] = sets[i];
        }
        return Models.spec(JobConfig.resolve(CommandLine.parse(args))).path();
    }

    @Test
    void relativeModelPathsBecomeAbsoluteOnTheDriver() {
        assertEquals(Path.of("").toAbsolutePath().resolve("models/bge").toString(), specPath("model.path=models/./bge"));
        assertEquals("/models/bge", specPath("model.path=/models/bge"));
        assertNull(specPath());
    }

    @Test
    void anUnreachableRemoteModelIsNamedInOneSentence() {
        JobConfigException e = assertThrows(JobConfigException.class,
                () -> specPath("model.path=hdfs://no-such-namenode.invalid/models/bge"));
        assertTrue(e.getMessage().startsWith("Cannot copy the model to "), e.getMessage());
        assertTrue(e.getMessage().contains("hdfs://no-such-namenode.invalid/models/bge cannot be read"), e.getMessage());
    }
}
