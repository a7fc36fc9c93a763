package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kills an executor JVM with SIGKILL in the middle of an embed job on a real multi-JVM cluster
 * ({@code local-cluster[2,1,1024]}: a master and a worker inside this JVM, two executor JVMs). Spark must rerun the
 * lost task elsewhere, and the output must hold every input row exactly once, as the run report says.
 *
 * <p>The executor is killed once a task has finished (so the job is well under way) while the chosen executor has
 * been running a task for a second (so work is really lost). Needs {@code SPARK_HOME} with a {@code jars/} folder,
 * as {@link LocalClusterEmbedTest} does.
 */
class ExecutorKillTest {

    static final int ROWS = 1_200;
    static final Duration WAIT_FOR_TASKS = Duration.ofMinutes(5);
    static final Duration WAIT_FOR_JOB = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    @BeforeAll
    static void sparkHomeWithEmptyJarsFolder() throws IOException {
        String home = System.getenv("SPARK_HOME");
        assertNotNull(home, "SPARK_HOME must be set (jobs/pom.xml sets it for Surefire)");
        Files.createDirectories(Path.of(home, "jars"));
    }

    @Test
    void aKilledExecutorsTaskIsRetriedAndEveryRowIsWrittenOnce() throws Exception {
        Path corpus = dir.resolve("corpus.jsonl");
        IdCorpus.write(corpus, ROWS);
        Path output = dir.resolve("out");
        TaskEventRecorder.reset();
        List<String> args = new ArrayList<>(List.of("embed", "--set", "output.path=" + output,
                "--set", "output.format=json", "--set", "spark.master=local-cluster[2,1,1024]",
                "--set", "spark.ui.enabled=false", "--set", "spark.extraListeners=" + TaskEventRecorder.class.getName(),
                // ten tasks of 120 rows: several per executor, each a few seconds long
                "--set", "spark.sql.files.maxPartitionBytes=12000",
                "--set", "spark.scheduler.minRegisteredResourcesRatio=1.0"));
        args.addAll(IdCorpus.inputArgs(corpus));
        CompletableFuture<JobRunner.Outcome> job = CompletableFuture.supplyAsync(
                () -> JobRunner.run(args.toArray(String[]::new)));

        String victim = awaitTaskToInterrupt(job);
        ProcessHandle executor = executorProcess(victim);
        assertTrue(executor.destroyForcibly(), "SIGKILL sent to executor " + victim);
        executor.onExit().get(30, TimeUnit.SECONDS);
        System.err.printf("killed executor %s (pid %d) after %d finished tasks%n", victim, executor.pid(),
                TaskEventRecorder.succeeded.get());

        JobRunner.Outcome outcome = job.get(WAIT_FOR_JOB.toSeconds(), TimeUnit.SECONDS);
        assertEquals(0, outcome.code(), outcome.stderr());
        assertTrue(TaskEventRecorder.removed.containsKey(victim), "Spark saw executor " + victim + " go: "
                + TaskEventRecorder.removed);
        assertTrue(TaskEventRecorder.failures.stream().anyMatch(f -> f.startsWith("ExecutorLostFailure")),
                "the running task was lost and retried: " + TaskEventRecorder.failures);

        List<JsonObject> rows = JobRunner.jsonRows(output);
        IdCorpus.assertEveryIdOnce(rows, ROWS);
        assertFalse(Files.exists(output.resolve("_temporary")), "no task attempt is left behind");
        JsonObject report = JobRunner.report(output);
        assertEquals(ROWS, report.get("rows_in").getAsLong());
        assertEquals(ROWS, report.get("rows_out").getAsLong());
        assertEquals(0, report.get("rows_failed").getAsLong());
    }

    /** Waits until a task has finished and some executor has been running another for a second; returns its id. */
    private static String awaitTaskToInterrupt(CompletableFuture<JobRunner.Outcome> job) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_FOR_TASKS.toNanos();
        while (System.nanoTime() < deadline) {
            if (job.isDone()) {
                fail("the job ended before an executor could be killed: " + job.join().stderr());
            }
            if (TaskEventRecorder.succeeded.get() >= 1) {
                long now = System.currentTimeMillis();
                for (Map.Entry<String, Long> running : TaskEventRecorder.runningSince.entrySet()) {
                    if (now - running.getValue() >= 1_000) {
                        return running.getKey();
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no task ran for a second within " + WAIT_FOR_TASKS);
    }

    /** The executor JVM the local-cluster worker started for {@code executorId}, found among this JVM's children. */
    static ProcessHandle executorProcess(String executorId) {
        List<ProcessHandle> found = ProcessHandle.current().descendants().filter(p -> {
            List<String> argv = arguments(p);
            int at = argv.indexOf("--executor-id");
            return argv.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend")
                    && at >= 0 && at + 1 < argv.size() && argv.get(at + 1).equals(executorId);
        }).toList();
        assertEquals(1, found.size(), "one executor JVM with id " + executorId);
        return found.get(0);
    }

    /**
     * A process's arguments from {@code /proc/<pid>/cmdline}: on Java 17 for Linux, {@code ProcessHandle.Info}
     * returns only the first of them (for {@code bash -c 'sleep 5' x --executor-id 0}: {@code [-c]}).
     */
    private static List<String> arguments(ProcessHandle p) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
            return Arrays.asList(new String(cmdline, java.nio.charset.StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of(); // the process has ended meanwhile
        }
    }
}
