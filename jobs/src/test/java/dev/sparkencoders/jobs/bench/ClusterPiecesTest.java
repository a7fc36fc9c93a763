package dev.sparkencoders.jobs.bench;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pieces of the scaling and soak parts: task ends read from a real Spark event log, executors found by /proc. */
class ClusterPiecesTest {

    @TempDir
    Path dir;

    @Test
    void readsTheRowsEachTaskWroteFromARealEventLog() {
        Path events = dir.resolve("events");
        assertTrue(events.toFile().mkdirs());
        SparkSession spark = SparkSession.builder().master("local[2]").appName("event-log-test")
                .config("spark.ui.enabled", "false")
                .config("spark.eventLog.enabled", "true")
                .config("spark.eventLog.dir", events.toUri().toString())
                .config("spark.eventLog.compress", "false")
                .getOrCreate();
        try {
            spark.range(0, 1000, 1, 4).write().parquet(dir.resolve("out").toString());
        } finally {
            spark.stop();
        }
        List<SparkEventLog.TaskEnd> tasks = SparkEventLog.read(events);
        List<SparkEventLog.TaskEnd> writing = tasks.stream().filter(t -> t.rowsWritten() > 0).toList();
        assertEquals(4, writing.size(), "one writing task per partition: " + tasks);
        assertEquals(1000, writing.stream().mapToLong(SparkEventLog.TaskEnd::rowsWritten).sum());
        for (SparkEventLog.TaskEnd t : writing) {
            assertEquals(250, t.rowsWritten());
            assertFalse(t.failed());
            assertEquals("driver", t.executorId(), "local mode runs tasks in the driver");
            assertTrue(t.finishMs() >= t.launchMs() && t.launchMs() > 1_700_000_000_000L, t.toString());
        }
    }

    @Test
    void samplesOnlyExecutorProcessesUnderTheChildWithTheirMemoryAndCpu() throws Exception {
        String marker = ExecutorSampler.EXECUTOR_CLASS;
        // the marked grandchild spins for 2-3 s, then sleeps; the parent only sleeps
        Process parent = new ProcessBuilder("bash", "-c", "bash -c 'end=$((SECONDS+3)); while [ $SECONDS -lt $end ];"
                + " do :; done; sleep 20; : " + marker + "' & sleep 20; wait").start();
        try {
            ExecutorSampler sampler = new ExecutorSampler(0);
            for (int i = 0; i < 50 && sampler.byExecutor().isEmpty(); i++) {
                Thread.sleep(100);
                sampler.sample(parent.toHandle());
            }
            for (int i = 0; i < 15; i++) {
                Thread.sleep(100);
                sampler.sample(parent.toHandle());
            }
            Map<Long, List<ExecutorSampler.Sample>> seen = sampler.byExecutor();
            assertEquals(1, seen.size(), "the marked child only, not the parent's own sleep: " + seen);
            List<ExecutorSampler.Sample> samples = seen.values().iterator().next();
            assertTrue(samples.size() >= 2 && samples.stream().allMatch(s -> s.rssKb() > 0), samples.toString());
            long first = samples.get(0).epochMs();
            long last = samples.get(samples.size() - 1).epochMs();
            assertEquals(samples.get(0).rssKb(), ExecutorSampler.peakKb(samples, first, first).orElseThrow());
            assertTrue(ExecutorSampler.peakKb(samples, 0, first - 1).isEmpty());
            double busy = sampler.cpuSeconds(first, last) / ((last - first) / 1000.0);
            assertTrue(busy > 0.3 && busy < 1.5, "a spinning shell keeps about one core busy: " + busy + " " + samples);
        } finally {
            parent.descendants().forEach(ProcessHandle::destroyForcibly);
            parent.destroyForcibly();
            parent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void readsTheExecutorIdFromAnExecutorsCommandLineOnly() {
        String[] executor = {"/usr/lib/jvm/bin/java", "-cp", "/a.jar:/b.jar", "-Xmx2048M",
                "org.apache.spark.executor.CoarseGrainedExecutorBackend", "--driver-url",
                "spark://CoarseGrainedScheduler@127.0.0.1:40123", "--executor-id", "1", "--hostname", "127.0.0.1"};
        assertEquals(Optional.of("1"), ExecutorSampler.executorId(executor));
        assertEquals(Optional.empty(), ExecutorSampler.executorId(new String[] {"java", "-cp", "/a.jar",
                "org.apache.spark.deploy.SparkSubmit", "--executor-id", "1"}));
    }
}
