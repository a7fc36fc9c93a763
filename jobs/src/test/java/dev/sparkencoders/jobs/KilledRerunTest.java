package dev.sparkencoders.jobs;

import dev.sparkencoders.jobs.io.ExistingOutput;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A job killed with SIGKILL while it writes, then run again over the same output path, as a nightly schedule would:
 * the rerun replaces what the killed run left (no {@code _SUCCESS}) and writes every input row exactly once, with
 * nothing of the first attempt left; with {@code output.partition-by}, only the run's own partition changes. Folders
 * that no job wrote are refused. The killed run is a child JVM running {@link Main}, as the launcher starts it.
 */
class KilledRerunTest {

    static final int ROWS = 600;
    static final Duration WAIT_FOR_TASKS = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    @Test
    void aRerunReplacesTheOutputOfAKilledRun() throws Exception {
        Path corpus = dir.resolve("corpus.jsonl");
        IdCorpus.write(corpus, ROWS);
        Path output = dir.resolve("out");
        List<String> args = embed(corpus, output);

        killWhileWriting(args, output);
        assertFalse(Files.exists(output.resolve(ExistingOutput.SUCCESS)), "the killed run did not finish");
        assertTrue(Files.isDirectory(output.resolve("_temporary")), "the killed run left its task attempts");

        FileTime rerunStart = FileTime.fromMillis(System.currentTimeMillis() - 1_000); // mtimes have 1 s resolution
        JobRunner.Outcome rerun = JobRunner.run(args.toArray(String[]::new)); // the same command, default output.mode
        assertEquals(0, rerun.code(), rerun.stderr());
        IdCorpus.assertEveryIdOnce(JobRunner.jsonRows(output), ROWS);
        assertOnlyFilesOfThisRun(output, rerunStart);
        JsonObject report = JobRunner.report(output);
        assertEquals(ROWS, report.get("rows_in").getAsLong());
        assertEquals(ROWS, report.get("rows_out").getAsLong());

        JobRunner.Outcome again = JobRunner.run(args.toArray(String[]::new));
        assertEquals(2, again.code(), "a complete output is not replaced without output.mode=overwrite");
        assertTrue(again.stderr().contains("it holds the output of a finished run (choose a new output.path or set"
                + " output.mode=overwrite)"), again.stderr());
    }

    @Test
    void aRerunOfAKilledNightlyRunReplacesItsPartitionOnly() throws Exception {
        Path output = dir.resolve("nightly");
        Path firstDay = dir.resolve("day1.jsonl");
        IdCorpus.write(firstDay, 3);
        JobRunner.Outcome day1 = JobRunner.run(nightly(firstDay, output, "2026-11-22").toArray(String[]::new));
        assertEquals(0, day1.code(), day1.stderr());
        Map<Path, FileTime> day1Files = modificationTimes(output.resolve("run_date=2026-11-22"));

        Path corpus = dir.resolve("day2.jsonl");
        IdCorpus.write(corpus, ROWS);
        List<String> args = nightly(corpus, output, "2026-11-23");
        killWhileWriting(args, output);
        try (Stream<Path> top = Files.list(output)) {
            assertTrue(top.anyMatch(p -> p.getFileName().toString().startsWith(ExistingOutput.STAGING_PREFIX)),
                    "the killed run left its staging folder");
        }

        FileTime rerunStart = FileTime.fromMillis(System.currentTimeMillis() - 1_000);
        JobRunner.Outcome rerun = JobRunner.run(args.toArray(String[]::new));
        assertEquals(0, rerun.code(), rerun.stderr());
        IdCorpus.assertEveryIdOnce(JobRunner.jsonRows(output.resolve("run_date=2026-11-23")), ROWS);
        assertOnlyFilesOfThisRun(output.resolve("run_date=2026-11-23"), rerunStart);
        assertEquals(day1Files, modificationTimes(output.resolve("run_date=2026-11-22")), "the other day is untouched");
        try (Stream<Path> top = Files.list(output)) {
            List<String> names = top.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("._run_report.json.crc", "_run_report.json", "run_date=2026-11-22",
                    "run_date=2026-11-23"), names, "nothing of the killed run is left");
        }
        assertEquals(ROWS, JobRunner.report(output).get("rows_out").getAsLong());
    }

    @Test
    void aFolderNoJobWroteIsNeverReplaced() throws IOException {
        Path corpus = dir.resolve("corpus.jsonl");
        IdCorpus.write(corpus, 3);
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("notes.txt"), "mine");
        Files.writeString(home.resolve("part-00000.json"), "{}");
        for (String mode : List.of("errorifexists", "overwrite")) {
            List<String> args = new ArrayList<>(embed(corpus, home));
            args.addAll(List.of("--set", "output.mode=" + mode));
            JobRunner.Outcome outcome = JobRunner.run(args.toArray(String[]::new));
            assertEquals(2, outcome.code(), mode);
            assertTrue(outcome.stderr().contains("Cannot write output to " + home + ": it holds 'notes.txt', which no job"
                    + " wrote, so it is neither replaced nor written into (choose another output.path, or move it"
                    + " away)"), outcome.stderr());
            assertEquals("mine", Files.readString(home.resolve("notes.txt")));
            assertEquals("{}", Files.readString(home.resolve("part-00000.json")));
        }
    }

    private static List<String> embed(Path corpus, Path output) {
        List<String> args = new ArrayList<>(List.of("embed", "--set", "output.path=" + output,
                "--set", "output.format=json", "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false",
                // twelve tasks of 50 rows: the job is killed between two of them
                "--set", "spark.sql.files.maxPartitionBytes=6000"));
        args.addAll(IdCorpus.inputArgs(corpus));
        return args;
    }

    private static List<String> nightly(Path corpus, Path output, String day) {
        List<String> args = new ArrayList<>(embed(corpus, output));
        args.addAll(List.of("--set", "output.mode=overwrite", "--set", "output.partition-by=run_date",
                "--set", "output.partition-value=" + day));
        return args;
    }

    /**
     * Runs the job in a child JVM and kills it with SIGKILL once two tasks have committed their part files (under
     * Spark's {@code _temporary/0/task_*} folders) and before the job commits.
     */
    private void killWhileWriting(List<String> jobArgs, Path output) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("--add-") || option.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                    || option.startsWith("-D")) {
                command.add(option); // Spark's module openings, offline mode
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(jobArgs);
        Path log = dir.resolve("killed-run.log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + WAIT_FOR_TASKS.toNanos();
            while (committedParts(output) < 2) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    fail("the job " + (child.isAlive() ? "committed no two tasks within " + WAIT_FOR_TASKS
                            : "ended (exit " + child.exitValue() + ") before it could be killed") + ":\n"
                            + Files.readString(log));
                }
                Thread.sleep(50);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        System.err.printf("killed the job after %d committed tasks%n", committedParts(output));
    }

    /** Part files that task commits moved into {@code .../_temporary/0/task_*}. */
    private static long committedParts(Path output) throws IOException {
        if (!Files.isDirectory(output)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(output)) {
            return files.filter(p -> p.getFileName().toString().startsWith("part-")
                    && p.toString().contains("/_temporary/0/task_")).count();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return 0; // a task attempt folder was renamed while walking; look again
            }
            throw e;
        }
    }

    private static void assertOnlyFilesOfThisRun(Path folder, FileTime runStart) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertTrue(Files.getLastModifiedTime(file).compareTo(runStart) >= 0, file + " is older than the rerun");
                assertFalse(file.toString().contains("_temporary"), file + " is a leftover task attempt");
            }
        }
    }

    private static Map<Path, FileTime> modificationTimes(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.collect(Collectors.toMap(Path::getFileName, p -> {
                try {
                    return Files.getLastModifiedTime(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
    }
}
