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

/**
 * The full Spark job as a user runs it: {@code ./spark-encoders embed} (or the {@code sql} job's
 * {@code SELECT value, embed(value)}) over a text file to Parquet on {@code local[*]} (or the master the caller's
 * extra settings name), in a child process (with {@code SPARK_ENCODERS_NO_BUILD}, so it never builds). Wall time runs
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
    List<String> embedArgs(Path input, Path output, EnginePrecision engine) {
        List<String> args = new ArrayList<>(List.of("embed", "--set", "input.path=" + input,
                "--set", "input.format=text", "--set", "output.path=" + output, "--set", "output.format=parquet",
                "--set", "output.mode=overwrite",
                "--set", "batch.max-rows=" + settings.budget().maxRows(),
                "--set", "batch.chunk-rows=" + settings.chunkRows()));
        if (!settings.budget().engineTokens()) {
            args.addAll(List.of("--set", "batch.max-tokens=" + settings.budget().maxTokens()));
        }
        args.addAll(EngineSeam.childArgs(engine));
        return args;
    }

    /**
     * The sql job's arguments: {@value #SQL_QUERY} over {@code input} (the view {@code input}) on {@code engine},
     * writing Parquet to {@code output}.
     */
    List<String> sqlArgs(Path input, Path output, EnginePrecision engine) {
        List<String> args = new ArrayList<>(List.of("sql", "--set", "sql.query=" + SQL_QUERY,
                "--set", "input.path=" + input, "--set", "input.format=text", "--set", "output.path=" + output,
                "--set", "output.format=parquet", "--set", "output.mode=overwrite"));
        args.addAll(EngineSeam.childArgs(engine));
        return args;
    }

    static final String SQL_QUERY = "SELECT value, embed(value) AS embedding FROM input";

    /**
     * Runs embed over {@code input} ({@code rows} lines) on {@code engine} in a child process and checks every row
     * came out.
     */
    ChildRun embed(Path input, int rows, EnginePrecision engine) {
        return embed(input, rows, engine, "out-" + rows, List.of(), null);
    }

    /**
     * Runs embed as {@link #embed(Path, int, EnginePrecision)} does, into {@code outName} under the work folder, with
     * {@code extraArgs} after the usual ones (e.g. {@code --set spark.master=...}); {@code sampler}, when not null,
     * samples the child's executors while it runs.
     */
    ChildRun embed(Path input, int rows, EnginePrecision engine, String outName, List<String> extraArgs,
                   ExecutorSampler sampler) {
        Path output = work.resolve(outName);
        List<String> args = new ArrayList<>(embedArgs(input, output, engine));
        args.addAll(extraArgs);
        Launched run = launch("embed", args, engine, rows, sampler);
        JsonObject report = JsonParser.parseString(read(output.resolve("_run_report.json"))).getAsJsonObject();
        long rowsOut = report.get("rows_out").getAsLong();
        long failed = report.get("rows_failed").getAsLong();
        if (rowsOut != rows || failed != 0) {
            throw new IllegalStateException("Cannot bench the Spark job: " + rowsOut + " rows out of " + rows + ", "
                    + failed + " failed (log " + run.log() + ")");
        }
        return new ChildRun(run.wallSeconds(), run.peakKb(), report.get("seconds").getAsDouble(), rowsOut,
                report.get("tokens").getAsLong());
    }

    /**
     * Runs the sql job's {@value #SQL_QUERY} over {@code input} ({@code rows} lines) on {@code engine} in a child
     * process and checks, from the Parquet footers, that every row came out. Job seconds are wall seconds (the sql
     * job writes no run report).
     */
    ChildRun sql(Path input, int rows, EnginePrecision engine) {
        Path output = work.resolve("sql-out-" + rows);
        Launched run = launch("sql", sqlArgs(input, output, engine), engine, rows, null);
        long rowsOut = ParquetRows.count(output);
        if (rowsOut != rows) {
            throw new IllegalStateException("Cannot bench the sql job: " + rowsOut + " rows out of " + rows + " (log "
                    + run.log() + ")");
        }
        return new ChildRun(run.wallSeconds(), run.peakKb(), run.wallSeconds(), rowsOut, 0);
    }

    private record Launched(double wallSeconds, long peakKb, Path log) {}

    /**
     * Runs the launcher with {@code args}, polling its peak RSS (and its executors through {@code sampler}); fails
     * when it exits nonzero.
     */
    private Launched launch(String job, List<String> args, EnginePrecision engine, int rows, ExecutorSampler sampler) {
        Path log = work.resolve(job + "-" + ++runCount + "-" + engine.label().replace(' ', '-') + "-" + rows + ".log");
        long start = System.nanoTime();
        Process process = ChildProcess.start("the " + job + " child process", command(args),
                settings.projectRoot(), log);
        long polled = -1;
        try {
            while (process.isAlive()) {
                polled = Math.max(polled, MemoryProbe.peakKb(process.pid()));
                if (sampler != null) {
                    sampler.sample(process.toHandle());
                }
                process.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Cannot finish the " + job + " child process: interrupted", e);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        if (process.exitValue() != 0) {
            throw new IllegalStateException("Cannot bench the Spark job: " + job + " exited with "
                    + process.exitValue() + " (log " + log + "): " + tail(read(log), 15));
        }
        return new Launched(wall, polled, log);
    }

    /** The command of one embed child run, for the report. */
    String describe(Path input, int rows, EnginePrecision engine) {
        return "./spark-encoders " + String.join(" ", embedArgs(input, work.resolve("out-" + rows), engine));
    }

    /** The command of one sql child run, for the report. */
    String describeSql(Path input, int rows, EnginePrecision engine) {
        return "./spark-encoders " + String.join(" ", sqlArgs(input, work.resolve("sql-out-" + rows), engine))
                .replace("sql.query=" + SQL_QUERY, "sql.query=\"" + SQL_QUERY + "\"");
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
