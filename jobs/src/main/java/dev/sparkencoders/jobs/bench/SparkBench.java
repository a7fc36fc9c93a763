package dev.sparkencoders.jobs.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * The full Spark job as a user runs it: a child process with the launcher's own java command (the thin jar,
 * {@code jobs/target/launcher/classpath.txt} and {@code jvm-options.txt}, the launcher's heap and logging
 * settings) running {@code embed} over a text file to Parquet on {@code local[*]}. Wall time runs from process start
 * to exit, JVM and Spark start-up included. The child's peak RSS (VmHWM) comes from {@link MeasuredMain}, which
 * prints it as the child's last act, with {@code /proc/<pid>/status} polling as a fallback.
 */
final class SparkBench {

    /** One child run: wall seconds, the peak RSS in kB, and the job's own figures from its run report. */
    record ChildRun(double wallSeconds, long peakKb, double jobSeconds, long rowsOut, long tokens) {}

    private final BenchSettings settings;
    private final Path work;
    private int runCount;

    SparkBench(BenchSettings settings, Path work) {
        this.settings = settings;
        this.work = work;
        try (ZipFile jar = new ZipFile(settings.jobsJar().toFile())) {
            String entry = MeasuredMain.class.getName().replace('.', '/') + ".class";
            if (jar.getEntry(entry) == null) {
                throw new IllegalStateException("Cannot run the Spark bench: " + settings.jobsJar() + " predates the"
                        + " bench (rebuild it with mvn -B package -DskipTests, or run through ./spark-encoders)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + settings.jobsJar() + ": " + e.getMessage(), e);
        }
    }

    /** The java command the launcher runs, with the bench's wrapper as main class. */
    List<String> command(List<String> jobArgs) {
        Path dir = settings.launcherDir();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String heap = System.getenv("SPARK_ENCODERS_DRIVER_MEMORY");
        cmd.add("-Xmx" + (heap == null || heap.isBlank() ? "4g" : heap));
        for (String option : read(dir.resolve("jvm-options.txt")).trim().split("\\s+")) {
            if (!option.isEmpty()) {
                cmd.add(option);
            }
        }
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dlog4j2.configurationFile=" + settings.projectRoot().resolve("conf/log4j2.properties"));
        String cacheDir = System.getProperty("spark.encoders.cache.dir");
        if (cacheDir != null) {
            cmd.add("-Dspark.encoders.cache.dir=" + cacheDir);
        }
        cmd.add("-cp");
        cmd.add(settings.jobsJar() + java.io.File.pathSeparator + read(dir.resolve("classpath.txt")).trim());
        cmd.add(MeasuredMain.class.getName());
        cmd.addAll(jobArgs);
        return cmd;
    }

    /** The embed job's arguments for {@code input} on {@code engine}, writing Parquet to {@code output}. */
    List<String> embedArgs(Path input, Path output, BenchEngine engine) {
        List<String> args = new ArrayList<>(List.of("embed", "--set", "input.path=" + input,
                "--set", "input.format=text", "--set", "output.path=" + output, "--set", "output.format=parquet",
                "--set", "output.mode=overwrite",
                "--set", "batch.max-tokens=" + settings.budget().maxTokens(),
                "--set", "batch.max-rows=" + settings.budget().maxRows(),
                "--set", "batch.chunk-rows=" + settings.chunkRows()));
        args.addAll(EngineSeam.childArgs(engine));
        return args;
    }

    /**
     * Runs embed over {@code input} ({@code rows} lines) on {@code engine} in a child process and checks every row
     * came out.
     */
    ChildRun embed(Path input, int rows, BenchEngine engine) {
        int n = ++runCount;
        Path output = work.resolve("out-" + rows);
        Path log = work.resolve("embed-" + n + "-" + engine.id() + "-" + rows + ".log");
        ProcessBuilder pb = new ProcessBuilder(command(embedArgs(input, output, engine)))
                .directory(settings.projectRoot().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
        env.putIfAbsent("DJL_OFFLINE", "true");
        long start = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embed child process: " + e.getMessage(), e);
        }
        long polled = -1;
        try {
            while (process.isAlive()) {
                polled = Math.max(polled, MemoryProbe.peakKb(process.pid()));
                process.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Cannot finish the embed child process: interrupted", e);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        String out = read(log);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("Cannot bench the Spark job: embed exited with " + process.exitValue()
                    + " (log " + log + "): " + tail(out, 15));
        }
        long peak = polled;
        for (String line : out.split("\n")) {
            if (line.startsWith(MeasuredMain.MARKER)) {
                peak = Long.parseLong(line.substring(MeasuredMain.MARKER.length()).trim());
            }
        }
        JsonObject report = JsonParser.parseString(read(output.resolve("_run_report.json"))).getAsJsonObject();
        long rowsOut = report.get("rows_out").getAsLong();
        long failed = report.get("rows_failed").getAsLong();
        if (rowsOut != rows || failed != 0) {
            throw new IllegalStateException("Cannot bench the Spark job: " + rowsOut + " rows out of " + rows + ", "
                    + failed + " failed (log " + log + ")");
        }
        return new ChildRun(wall, peak, report.get("seconds").getAsDouble(), rowsOut, report.get("tokens").getAsLong());
    }

    /** The command of one child run, for the report. */
    String describe(Path input, int rows, BenchEngine engine) {
        List<String> cmd = command(embedArgs(input, work.resolve("out-" + rows), engine));
        return String.join(" ", cmd.subList(0, 2)) + " <jvm-options.txt> ... -cp <jobs jar>:<classpath.txt> "
                + String.join(" ", cmd.subList(cmd.indexOf(MeasuredMain.class.getName()), cmd.size()));
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
