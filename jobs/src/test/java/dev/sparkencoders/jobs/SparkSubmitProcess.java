package dev.sparkencoders.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * spark-submit's main class in a fresh JVM whose class path is what a Spark installation provides (Spark and its
 * dependencies, written by the build to {@code target/it/spark-classpath.txt}) and nothing of this project, with an
 * empty SPARK_HOME under {@code dir} (a {@code local-cluster} master starts its executors' work folders there).
 *
 * <pre>
 * SparkSubmitProcess.Result r = SparkSubmitProcess.run(dir, List.of("--master", "local[2]", "app.jar"));
 * </pre>
 */
final class SparkSubmitProcess {

    static final Path ROOT = JobRunner.projectRoot();

    /** Exit code, the SPARK_HOME used, and the child's stdout and stderr. */
    record Result(int code, Path sparkHome, String stdout, String stderr) {

        /** The last lines of stderr, for assertion messages. */
        String stderrTail() {
            List<String> lines = stderr.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        }
    }

    private SparkSubmitProcess() {}

    /** Spark's class path as an installation has it (no project classes, no DJL). */
    static String sparkClassPath() throws IOException {
        String classPath = Files.readString(ROOT.resolve("jobs/target/it/spark-classpath.txt")).trim();
        for (String notSpark : List.of("/ai/djl/", "/dev/sparkencoders/", "/dev/langchain4j/", "/onnxruntime/",
                "/net/java/dev/jna/")) {
            assertFalse(classPath.contains(notSpark), notSpark + " is not part of a Spark installation");
        }
        return classPath;
    }

    /** Runs {@code spark-submit <args>} from the project root and waits up to 10 minutes. */
    static Result run(Path dir, List<String> args) throws IOException, InterruptedException {
        Started started = start(dir, args);
        Process process = started.process();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("spark-submit did not finish within 10 minutes:\n" + started.stderr());
        }
        return new Result(process.exitValue(), started.sparkHome(), started.stdout(), started.stderr());
    }

    /** A spark-submit still running (a server), with the files its output goes to. */
    record Started(Process process, Path sparkHome, Path stdoutFile, Path stderrFile) {

        String stdout() throws IOException {
            return Files.readString(stdoutFile, StandardCharsets.ISO_8859_1);
        }

        String stderr() throws IOException {
            return Files.readString(stderrFile, StandardCharsets.ISO_8859_1);
        }

        /** Stops the process and everything it started. */
        void stop() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts {@code spark-submit <args>} from the project root without waiting for it. */
    static Started start(Path dir, List<String> args) throws IOException {
        return start(dir, sparkClassPath(), args);
    }

    /** Starts {@code spark-submit <args>} with another Spark installation's class path. */
    static Started start(Path dir, String classPath, List<String> args) throws IOException {
        Path sparkHome = Files.createDirectories(dir.resolve("spark-home/jars")).getParent();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        command.addAll(jvmOptions());
        command.add("-cp");
        command.add(classPath);
        command.add("org.apache.spark.deploy.SparkSubmit");
        command.addAll(args);
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.remove("SPARK_SCALA_VERSION"); // the job passes it to the local-cluster's executor launcher itself
        env.remove("DJL_OFFLINE"); // the project turns offline mode on itself, on the driver and the executors
        return new Started(builder.start(), sparkHome, stdout, stderr);
    }

    /** The JVM options the launcher uses (Spark's module openings). */
    static List<String> jvmOptions() throws IOException {
        return List.of(Files.readString(ROOT.resolve("jobs/target/launcher/jvm-options.txt")).trim().split("\\s+"));
    }
}
