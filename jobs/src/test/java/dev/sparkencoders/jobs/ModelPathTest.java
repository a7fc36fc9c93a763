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

/**
 * How the model settings resolve on the driver: executors run in their own working directories, so a relative
 * model.path is pinned to the driver's; an engine and precision that cannot go together are refused at once.
 */
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
    void aPrecisionTheEngineCannotRunIsRefusedBeforeAnythingStarts() {
        JobConfigException bf16 = assertThrows(JobConfigException.class,
                () -> specPath("model.engine=onnxruntime", "model.precision=bf16"));
        assertTrue(bf16.getMessage().startsWith("Cannot run the model at model.precision=bf16 on"
                + " model.engine=onnxruntime: ONNX Runtime's CPU kernels have no bf16"), bf16.getMessage());
        JobConfigException int8 = assertThrows(JobConfigException.class,
                () -> specPath("model.engine=pytorch", "model.precision=int8"));
        assertTrue(int8.getMessage().contains("int8 runs on ONNX Runtime only"), int8.getMessage());
    }

    @Test
    void anUnreachableRemoteModelIsNamedInOneSentence() {
        JobConfigException e = assertThrows(JobConfigException.class,
                () -> specPath("model.path=hdfs://no-such-namenode.invalid/models/bge"));
        assertTrue(e.getMessage().startsWith("Cannot copy the model to "), e.getMessage());
        assertTrue(e.getMessage().contains("hdfs://no-such-namenode.invalid/models/bge cannot be read"), e.getMessage());
    }
}
