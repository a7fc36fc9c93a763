package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import dev.sparkencoders.jobs.BadModelJobTest.BadModel;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.Head;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The {@code ./spark-encoders} launcher as a user runs it, after {@code package} (Failsafe), with
 * {@code SPARK_ENCODERS_NO_BUILD=1} so that it never starts a Maven build inside this one:
 * <ul>
 *   <li>bad models are refused within 90 seconds with one sentence and no output;</li>
 *   <li>paths holding spaces, quotes, {@code $(...)}, {@code ;} and backticks are used as given, never run by a
 *       shell;</li>
 *   <li>secrets set with {@code --set} appear neither on the console nor in the output, and are masked in the run
 *       report.</li>
 * </ul>
 */
class LauncherIT {

    static final Path ROOT = JobRunner.projectRoot();
    static final int REFUSAL_SECONDS = 90;
    /** A directory name a shell would run pieces of, if the launcher ever let one interpret it. */
    static final String HOSTILE_NAME = "out dir 'single' \"double\" $(touch PWNED) ; touch PWNED2 ; `touch PWNED3` & x";
    static final String SECRET = "hunter2-do-not-print";
    static final List<String> SECRET_KEYS = List.of("spark.hadoop.fs.s3a.secret.key",
            "spark.hadoop.javax.jdo.option.ConnectionPassword",
            "spark.hadoop.fs.azure.account.key.myaccount.dfs.core.windows.net");

    /** A finished launcher run. */
    record Launch(int code, String stdout, String stderr, double seconds) {}

    @TempDir
    static Path dir;

    static Path hostileDir;
    static Path hostileInput;
    static Path hostileOutput;
    static Launch hostileRun;

    /** One embed run with an input and output under {@link #HOSTILE_NAME} and secrets on the command line. */
    @BeforeAll
    static void runWithHostilePathsAndSecrets() throws Exception {
        hostileDir = Files.createDirectories(dir.resolve(HOSTILE_NAME));
        hostileInput = hostileDir.resolve("in put; $(touch PWNED).txt");
        Files.write(hostileInput, List.of("the launcher passes paths as they are", "", "third line"));
        hostileOutput = hostileDir.resolve("result `touch PWNED` $HOME");
        List<String> args = new ArrayList<>(List.of("embed", "--config", ROOT.resolve("conf/embed.conf").toString(),
                "--set", "input.path=" + hostileInput, "--set", "output.path=" + hostileOutput,
                "--set", "output.format=json"));
        for (String key : SECRET_KEYS) {
            Collections.addAll(args, "--set", key + "=" + SECRET);
        }
        hostileRun = launch(args, 600);
    }

    @Test
    void badModelsAreRefusedWithinNinetySecondsWithOneSentenceAndNoOutput() throws Exception {
        for (BadModel bad : List.of(BadModel.TRUNCATED_WEIGHTS, BadModel.CONFIG_DISAGREES_WITH_WEIGHTS,
                BadModel.PICKLE_ONLY)) {
            Path model = dir.resolve("model-" + bad.name());
            SyntheticCheckpoint.write(model, Family.BERT, Head.BASE, 5);
            bad.corruption.apply(model);
            Path output = dir.resolve("out-" + bad.name());

            Launch run = launch(List.of("embed", "--config", ROOT.resolve("conf/embed.conf").toString(),
                    "--set", "model.path=" + model, "--set", "output.path=" + output), REFUSAL_SECONDS);

            System.err.printf("launcher refused %s in %.1f s (exit %d)%n", bad, run.seconds(), run.code());
            assertNotEquals(0, run.code(), run.stderr());
            String message = JobRunner.refusal(run.stderr(), "embed");
            assertTrue(message.contains(bad.fragment), message);
            assertEquals(List.of(), otherLines(run.stderr()), "the refusal is all the launcher prints");
            assertEquals("", run.stdout());
            assertFalse(Files.exists(output.resolve("_SUCCESS")));
            assertFalse(Files.exists(output), "no output for a refused model");
            assertFalse(Files.exists(model.resolve("UNPICKLED")));
        }
    }

    @Test
    void pathsWithShellCharactersAreUsedAsGiven() throws IOException {
        assertEquals(0, hostileRun.code(), hostileRun.stderr());
        assertTrue(Files.isRegularFile(hostileOutput.resolve("_SUCCESS")), "written at the literal path");
        List<JsonObject> rows = JobRunner.jsonRows(hostileOutput);
        assertEquals(Files.readAllLines(hostileInput).size(), rows.size());
        assertEquals(Set.of(hostileOutput.getFileName(), hostileInput.getFileName()), names(hostileDir),
                "nothing else appeared next to them");
        for (Path place : List.of(dir, hostileDir, ROOT, ROOT.resolve("jobs"))) {
            for (String pwned : List.of("PWNED", "PWNED2", "PWNED3")) {
                assertFalse(Files.exists(place.resolve(pwned)), "no shell ran a piece of a path: " + place.resolve(pwned));
            }
        }
    }

    @Test
    void secretsAreMaskedInTheRunReportAndNeverPrinted() throws IOException {
        assertEquals(0, hostileRun.code(), hostileRun.stderr());
        assertFalse(hostileRun.stdout().contains(SECRET), "stdout");
        assertFalse(hostileRun.stderr().contains(SECRET), "stderr");
        JsonObject config = JobRunner.report(hostileOutput).getAsJsonObject("config");
        for (String key : SECRET_KEYS) {
            assertEquals("*****", config.get(key).getAsString(), key);
        }
        assertEquals(hostileInput.toString(), config.get("input.path").getAsString(), "other values are kept");
        try (Stream<Path> files = Files.walk(hostileOutput)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(content.contains(SECRET), "the secret is not in " + file);
            }
        }
    }

    /** Runs the launcher from {@link #dir} and waits at most {@code timeoutSeconds}. */
    static Launch launch(List<String> args, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("spark-encoders").toString());
        command.addAll(args);
        Path stdout = Files.createTempFile(dir, "stdout", ".txt");
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_ENCODERS_NO_BUILD", "1"); // never a Maven build inside this one
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("SPARK_ENCODERS_DRIVER_MEMORY", "2g");
        env.remove("SPARK_HOME");
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            fail("the launcher did not finish within " + timeoutSeconds + " s: " + args + "\n" + Files.readString(stderr));
        }
        Launch run = new Launch(process.exitValue(), Files.readString(stdout), Files.readString(stderr),
                (System.nanoTime() - start) / 1e9);
        assertFalse(run.stderr().contains("building the project"), "no nested Maven build");
        return run;
    }

    /** stderr lines other than the job's own and the JVM's notice about the incubator module Spark uses. */
    private static List<String> otherLines(String stderr) {
        return stderr.lines().filter(l -> !l.startsWith("spark-encoders ")
                && !l.equals("WARNING: Using incubator modules: jdk.incubator.vector")).toList();
    }

    private static Set<Path> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(Path::getFileName).collect(Collectors.toSet());
        }
    }
}
