package dev.sparkencoders.jobs.io;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutorMemoryCheckTest {

    private static final long MINILM_BYTES = 90_868_376L;

    @Test
    void sparksDefaultOverheadIsTooSmallOnYarn() {
        Optional<String> warning = ExecutorMemoryCheck.shortfall(new SparkConf(false).set("spark.master", "yarn")
                .set("spark.executor.memory", "2g").set("spark.executor.cores", "2"), MINILM_BYTES);
        assertEquals(Optional.of("Executors may be killed for memory: spark.executor.memoryOverhead is 384 MiB, below"
                + " the about 790 MiB an executor of this job uses outside its heap (native engines and model, 86 MiB"
                + " of weights, 2 concurrent task(s)) (set spark.executor.memoryOverhead=790m)"), warning);
    }

    @Test
    void enoughOverheadOrNoContainersMeansNoWarning() {
        assertTrue(ExecutorMemoryCheck.shortfall(new SparkConf(false).set("spark.master", "k8s://https://api:6443")
                .set("spark.executor.memoryOverhead", "1g"), MINILM_BYTES).isEmpty());
        assertTrue(ExecutorMemoryCheck.shortfall(new SparkConf(false).set("spark.master", "yarn")
                .set("spark.executor.memory", "8g").set("spark.executor.memoryOverheadFactor", "0.1"), MINILM_BYTES)
                .isEmpty(), "10% of 8 GiB covers one task");
        assertTrue(ExecutorMemoryCheck.shortfall(new SparkConf(false).set("spark.master", "spark://host:7077"),
                MINILM_BYTES).isEmpty(), "standalone workers put no limit on executor memory");
    }

    @Test
    void moreTasksPerExecutorNeedMore() {
        assertEquals(512 + 86 + 4 * 96, ExecutorMemoryCheck.neededMib(MINILM_BYTES, 4));
    }
}
