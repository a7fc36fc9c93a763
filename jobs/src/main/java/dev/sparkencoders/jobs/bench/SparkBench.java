package dev.sparkencoders.jobs.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.model.CacheDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The full Spark job as a user runs it: {@code ./spark-encoders embed} over a text file to Parquet on
 * {@code local[*]}, in a child process (with {@code SPARK_ENCODERS_NO_BUILD}, so it never builds). Wall time runs
 * from process start to exit, JVM and Spark start-up included. The launcher {@code exec}s java, so the child's peak
 * RSS is the VmHWM of its {@code /proc/<pid>/status}, polled every 100 ms until it exits.
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
    }

    /** The launcher command. */
    List<String> command(List<String> jobArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(settings.projectRoot().resolve("spark-encoders").toString());
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
        env.put("SPARK_ENCODERS_NO_BUILD", "1");
        String cacheDir = System.getProperty(CacheDirectory.PROPERTY);
        if (cacheDir != null) {
            env.put(CacheDirectory.ENV, cacheDir);
        }
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
        return "./spark-encoders " + String.join(" ", cmd.subList(1, cmd.size()));
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
