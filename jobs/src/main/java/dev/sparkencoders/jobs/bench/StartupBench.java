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
import java.util.Locale;
import java.util.Map;

/**
 * The two child processes of the start-up part, each timed from process start to exit: the embed job on a one-line
 * text file ({@code ./spark-encoders embed} on ONNX Runtime, with {@code SPARK_ENCODERS_NO_BUILD}, so it never
 * builds), and {@link PlainOrtEmbed} on the same sentence, started with the bench's own java and the launcher's
 * class path, and {@link PlainSparkWrite}, the floor of a Spark job, with the launcher's JVM options too, without
 * and with a class-data archive of its own. A child that exits nonzero, or whose output shows it did not
 * embed the sentence, fails the part.
 *
 * <pre>
 * StartupBench children = new StartupBench(settings, work, onnx, tokenizerJson, sentence, 384);
 * double embedSeconds = children.embed(oneLineFile, true);
 * double plainSeconds = children.plain();
 * double sparkSeconds = children.spark(SparkArchive.NONE);
 * </pre>
 */
final class StartupBench {

    /** Our engine the embed child runs on: ONNX Runtime, as the plain program. */
    static final BenchEngine ENGINE = BenchEngine.ONNXRUNTIME;
    /** The launcher's switch for its class-data archive. */
    static final String NO_ARCHIVE_ENV = "SPARK_ENCODERS_CDS";
    /** The plain Spark program's own class-data archive, in the work folder. */
    static final String SPARK_ARCHIVE = "plain-spark.jsa";

    /** How the plain Spark program uses a class-data archive of its own, as the launcher does for a job. */
    enum SparkArchive {
        /** Every class loaded from its jar. */
        NONE,
        /** Writes {@link #SPARK_ARCHIVE} as it exits ({@code -XX:ArchiveClassesAtExit}), as a job's first run does. */
        WRITE,
        /** Maps {@link #SPARK_ARCHIVE} ({@code -XX:SharedArchiveFile}), as a job's later runs do. */
        MAP
    }

    private final BenchSettings settings;
    private final Path work;
    private final Path onnx;
    private final Path tokenizerJson;
    private final String sentence;
    private final int dimension;
    private int runCount;

    StartupBench(BenchSettings settings, Path work, Path onnx, Path tokenizerJson, String sentence, int dimension) {
        this.settings = settings;
        this.work = work;
        this.onnx = onnx;
        this.tokenizerJson = tokenizerJson;
        this.sentence = sentence;
        this.dimension = dimension;
    }

    /** {@code ./spark-encoders embed} from {@code input} (one line) to Parquet in the work folder, on ONNX Runtime. */
    List<String> embedCommand(Path input) {
        List<String> cmd = new ArrayList<>(List.of(settings.projectRoot().resolve("spark-encoders").toString(),
                "embed", "--set", "input.path=" + input, "--set", "input.format=text",
                "--set", "output.path=" + output(), "--set", "output.mode=overwrite",
                "--set", "output.format=parquet"));
        cmd.addAll(EngineSeam.childArgs(ENGINE));
        return cmd;
    }

    /** {@code java -cp <jobs jar>:<launcher class path> PlainOrtEmbed <onnx> <tokenizer> <sentence>}. */
    List<String> plainCommand() {
        return List.of(java(), "-Dai.djl.offline=true", "-cp", classPath(), PlainOrtEmbed.class.getName(),
                onnx.toString(), tokenizerJson.toString(), sentence);
    }

    /**
     * {@code java <launcher JVM options> [archive option] -cp <jobs jar>:<launcher class path> PlainSparkWrite
     * <folder> <sentence>}.
     */
    List<String> sparkCommand(SparkArchive archive) {
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(List.of(read(settings.projectRoot().resolve("jobs/target/launcher/jvm-options.txt")).trim()
                .split("\\s+")));
        switch (archive) {
            case WRITE -> cmd.addAll(List.of("-XX:ArchiveClassesAtExit=" + work.resolve(SPARK_ARCHIVE),
                    "-Xlog:cds*=off"));
            case MAP -> cmd.add("-XX:SharedArchiveFile=" + work.resolve(SPARK_ARCHIVE));
            case NONE -> { }
        }
        cmd.addAll(List.of("-cp", classPath(), PlainSparkWrite.class.getName(), work.resolve("spark-out").toString(),
                sentence));
        return cmd;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private String classPath() {
        Path root = settings.projectRoot();
        return root.resolve("jobs/target/spark-encoders-jobs.jar") + ":"
                + read(root.resolve("jobs/target/launcher/classpath.txt")).trim();
    }

    /**
     * Runs the embed job over {@code input} and returns its wall seconds; checks its one row came out. Without
     * {@code archive} the launcher runs with {@code SPARK_ENCODERS_CDS=off}: no class-data archive.
     */
    double embed(Path input, boolean archive) {
        Path log = work.resolve("startup-" + ++runCount + "-embed" + (archive ? "" : "-no-archive") + ".log");
        double wall = time("the embed job", embedCommand(input), log,
                archive ? Map.of() : Map.of(NO_ARCHIVE_ENV, "off"));
        JsonObject report = JsonParser.parseString(read(output().resolve("_run_report.json"))).getAsJsonObject();
        long rowsOut = report.get("rows_out").getAsLong();
        long failed = report.get("rows_failed").getAsLong();
        if (rowsOut != 1 || failed != 0) {
            throw new IllegalStateException("Cannot bench start-up: the embed job wrote " + rowsOut + " rows, " + failed
                    + " failed, for a one-line file (see its log " + log + ")");
        }
        return wall;
    }

    /** Runs the plain ONNX Runtime program and returns its wall seconds; checks it printed a whole vector. */
    double plain() {
        Path log = work.resolve("startup-" + ++runCount + "-plain.log");
        double wall = time("the plain ONNX Runtime program", plainCommand(), log, Map.of());
        if (!read(log).contains("] dimension " + dimension)) {
            throw new IllegalStateException("Cannot bench start-up: the plain ONNX Runtime program printed no vector"
                    + " of dimension " + dimension + " (see its log " + log + ")");
        }
        return wall;
    }

    /**
     * Runs the plain Spark program and returns its wall seconds; checks it wrote its row, and that a run meant to
     * write the class-data archive did.
     */
    double spark(SparkArchive archive) {
        Path log = work.resolve("startup-" + ++runCount + "-spark-" + archive.name().toLowerCase(Locale.ROOT) + ".log");
        double wall = time("the plain Spark program", sparkCommand(archive), log, Map.of());
        if (!read(log).contains("rows written 1") || !Files.exists(work.resolve("spark-out/_SUCCESS"))) {
            throw new IllegalStateException("Cannot bench start-up: the plain Spark program wrote no row (see its log "
                    + log + ")");
        }
        if (archive == SparkArchive.WRITE && !Files.isRegularFile(work.resolve(SPARK_ARCHIVE))) {
            throw new IllegalStateException("Cannot bench start-up: the plain Spark program wrote no class-data archive"
                    + " to " + work.resolve(SPARK_ARCHIVE) + " (see its log " + log + ")");
        }
        return wall;
    }

    /** The commands of one run of each, for the report. */
    String describe(Path input) {
        List<String> embed = embedCommand(input);
        List<String> plain = plainCommand();
        return "`./spark-encoders " + String.join(" ", embed.subList(1, embed.size())) + "`, `java"
                + " -Dai.djl.offline=true -cp jobs/target/spark-encoders-jobs.jar:<jobs/target/launcher/classpath.txt> "
                + String.join(" ", plain.subList(4, plain.size() - 1)) + " \"" + sentence + "\"` and `java"
                + " $(cat jobs/target/launcher/jvm-options.txt) -cp <as before> "
                + PlainSparkWrite.class.getName() + " <folder> \"" + sentence + "\"` (its archive written by one run"
                + " with -XX:ArchiveClassesAtExit=<file> -Xlog:cds*=off, then mapped with"
                + " -XX:SharedArchiveFile=<file>)";
    }

    private Path output() {
        return work.resolve("startup-out");
    }

    /** Wall seconds of {@code cmd} from process start to exit, its output in {@code log}. */
    private double time(String what, List<String> cmd, Path log, Map<String, String> env) {
        long start = System.nanoTime();
        Process process = ChildProcess.start(what, cmd, settings.projectRoot(), log, env);
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Cannot finish " + what + ": interrupted", e);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        if (code != 0) {
            throw new IllegalStateException("Cannot bench start-up: " + what + " exited with " + code + " (see its log "
                    + log + ")");
        }
        return wall;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
