package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.model.Folders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static dev.sparkencoders.jobs.bench.Labels.MINILM;
import static dev.sparkencoders.jobs.bench.Labels.OVERHEAD;
import static dev.sparkencoders.jobs.bench.Labels.PEAK;
import static dev.sparkencoders.jobs.bench.Labels.SHORT;
import static dev.sparkencoders.jobs.bench.Labels.SPS;

/**
 * Sections 4 and 6: the embed job in child processes, launcher to Parquet, start-up included, once per engine of
 * {@code bench.engines} and precision of {@code bench.precisions} it runs; and the memory check (peak RSS of embed
 * over two row counts) and the SQL comparison, on the first of those.
 */
final class SparkPart {

    private final BenchContext ctx;

    SparkPart(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run(List<String> sentences) {
        Path work;
        try {
            work = Files.createTempDirectory("spark-encoders-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a work folder for the Spark bench: " + e.getMessage(), e);
        }
        boolean keep = true;
        try {
            SparkBench spark = new SparkBench(ctx.s, work);
            int warmRows = Math.min(200, ctx.s.sparkRows());
            for (EnginePrecision engine : ctx.s.variants()) {
                Benchmark.log("Spark warm-up on " + engine.label() + ": embed over " + warmRows + " rows");
                spark.embed(BenchInputs.rowsFile(work, sentences, warmRows), warmRows, engine);
            }
            if (ctx.s.has(Part.SPARK)) {
                timedJobs(spark, work, sentences);
            }
            if (ctx.s.has(Part.MEMORY)) {
                memoryCheck(spark, work, sentences);
            }
            if (ctx.s.has(Part.SQL)) {
                sqlVsEmbed(spark, work, sentences);
            }
            keep = false;
        } finally {
            if (keep) {
                Benchmark.log("kept the Spark bench's work folder for inspection: " + work);
            } else {
                delete(work);
            }
        }
    }

    private void timedJobs(SparkBench spark, Path work, List<String> sentences) {
        BenchSettings s = ctx.s;
        Path input = BenchInputs.rowsFile(work, sentences, s.sparkRows());
        ctx.r.inputs.put("Spark command", "`" + spark.describe(input, s.sparkRows(), s.variants().get(0)) + "`");
        Table t = ctx.r.add(new Table(Labels.SPARK, "4. Spark embed job (launcher to Parquet, start-up included)",
                "./spark-encoders embed on local[*] (" + ctx.cores + " cores, one task per core with one"
                        + " intra-op thread each) in a child process with the launcher's java command, timed"
                        + " from process start to exit, once per engine (" + EngineSeam.ENGINE_KEY + ") and"
                        + " precision (" + EngineSeam.PRECISION_KEY + ", int8 rows named 'onnxruntime int8'). 'job'"
                        + " figures are the run report's (session start to written output). 'overhead' compares"
                        + " with the same engine's best bare layout at the same precision on " + ctx.cores + " cores, all-MiniLM-L6-v2,"
                        + " short sentences (section 1).",
                List.of("job", "rows", "cores", "engine"),
                List.of("wall s", SPS, "job s", "job rows/s", PEAK, OVERHEAD)));
        Figures figures = new Figures(ctx.r);
        for (EnginePrecision engine : s.variants()) {
            List<SparkBench.ChildRun> runs = new ArrayList<>();
            for (int i = 1; i <= s.runs(); i++) {
                SparkBench.ChildRun run = spark.embed(input, s.sparkRows(), engine);
                runs.add(run);
                Benchmark.log(String.format(Locale.ROOT, "Spark embed on %s, run %d/%d: %.1f s wall, %s rows/s,"
                                + " peak RSS %s MiB", engine.label(), i, s.runs(), run.wallSeconds(),
                        Stats.number(s.sparkRows() / run.wallSeconds()), Stats.number(run.peakKb() / 1024.0)));
            }
            Map<String, Stats> metrics = new LinkedHashMap<>();
            metrics.put("wall s", Stats.of(runs.stream().map(SparkBench.ChildRun::wallSeconds).toList()));
            metrics.put(SPS, Stats.of(runs.stream().map(x -> s.sparkRows() / x.wallSeconds()).toList()));
            metrics.put("job s", Stats.of(runs.stream().map(SparkBench.ChildRun::jobSeconds).toList()));
            metrics.put("job rows/s", Stats.of(runs.stream().map(x -> x.rowsOut() / x.jobSeconds()).toList()));
            if (runs.stream().allMatch(x -> x.peakKb() > 0)) {
                metrics.put(PEAK, Stats.of(runs.stream().map(x -> x.peakKb() / 1024.0).toList()));
            }
            Optional<Stats> bare = figures.best(Labels.ENGINE,
                    Figures.of(MINILM, SHORT, ctx.cores).and(Figures.on(engine)), SPS);
            bare.ifPresent(e -> metrics.put(OVERHEAD, Stats.of(runs.stream()
                    .map(x -> 100 * (1 - s.sparkRows() / x.wallSeconds() / e.median())).toList())));
            String rows = String.format(Locale.ROOT, "%,d", s.sparkRows());
            t.add(List.of("embed", rows, "local[*]", engine.label()), metrics, ctx.cores);
            if (metrics.containsKey(PEAK)) {
                ctx.memory.add(List.of("embed child", rows + " rows on " + engine.label() + " (section 4)"),
                        Map.of(PEAK, metrics.get(PEAK)));
            }
        }
    }

    /**
     * Section 4c: the sql job's {@value SparkBench#SQL_QUERY} against the embed job on the same file, alternating,
     * on the first engine.
     */
    private void sqlVsEmbed(SparkBench spark, Path work, List<String> sentences) {
        EnginePrecision engine = ctx.s.variants().get(0);
        int rows = ctx.s.sqlRows();
        Path input = BenchInputs.rowsFile(work, sentences, rows);
        int warmRows = Math.min(200, rows);
        Benchmark.log("SQL warm-up on " + engine.label() + ": the sql job over " + warmRows + " rows");
        spark.sql(BenchInputs.rowsFile(work, sentences, warmRows), warmRows, engine);
        List<Double> embed = new ArrayList<>();
        List<Double> sql = new ArrayList<>();
        for (int i = 1; i <= ctx.s.runs(); i++) {
            embed.add(spark.embed(input, rows, engine).wallSeconds());
            sql.add(spark.sql(input, rows, engine).wallSeconds());
            Benchmark.log(String.format(Locale.ROOT, "SQL vs embed on %s, run %d/%d: embed job %.1f s, sql job %.1f s",
                    engine.label(), i, ctx.s.runs(), embed.get(i - 1), sql.get(i - 1)));
        }
        Table t = ctx.r.add(new Table(Labels.SQL, "4c. SQL functions vs the embed job",
                String.format(Locale.ROOT, "The sql job running `%s` over %,d short sentences (a text file, one per"
                        + " line) against the embed job on the same file, both to Parquet on local[*] with %s,"
                        + " launcher to exit, alternating after a warm-up run of the sql job on a few rows (the embed"
                        + " job's was section 4's). '%s' divides the medians.", SparkBench.SQL_QUERY, rows,
                        EngineSeam.describe(engine), SQL_RATIO),
                List.of("job", "rows"), List.of("wall s", SPS, SQL_RATIO)));
        String count = String.format(Locale.ROOT, "%,d", rows);
        Stats embedWall = Stats.of(embed);
        Stats sqlWall = Stats.of(sql);
        t.add(List.of(EMBED_JOB, count), Map.of("wall s", embedWall,
                SPS, Stats.of(embed.stream().map(x -> rows / x).toList())));
        t.add(List.of(SQL_JOB, count), Map.of("wall s", sqlWall, SPS, Stats.of(sql.stream().map(x -> rows / x).toList()),
                SQL_RATIO, Stats.single(sqlWall.median() / embedWall.median())));
        t.notes.add("Commands: `" + spark.describeSql(input, rows, engine) + "` and `"
                + spark.describe(input, rows, engine) + "`.");
    }

    static final String SQL_RATIO = "÷ embed job";
    static final String EMBED_JOB = "embed job";
    static final String SQL_JOB = "sql: SELECT value, embed(value)";
    static final String MEMORY_GROWTH = "difference of the medians, % of the first";

    /**
     * Peak RSS of the embed job over each of the two row counts, {@code bench.runs} rounds alternating the two
     * sizes; the growth compares the medians (the growth of one pair of runs differs from the next by tens of percent).
     */
    private void memoryCheck(SparkBench spark, Path work, List<String> sentences) {
        EnginePrecision engine = ctx.s.variants().get(0);
        List<Integer> rowCounts = ctx.s.memoryRows();
        List<Path> inputs = rowCounts.stream().map(rows -> BenchInputs.rowsFile(work, sentences, rows)).toList();
        List<List<SparkBench.ChildRun>> runs = rowCounts.stream().map(rows -> new ArrayList<SparkBench.ChildRun>())
                .collect(Collectors.toList());
        for (int round = 1; round <= ctx.s.runs(); round++) {
            for (int i = 0; i < rowCounts.size(); i++) {
                Benchmark.log("memory check " + round + "/" + ctx.s.runs() + ": embed over " + rowCounts.get(i)
                        + " rows on " + engine.label());
                runs.get(i).add(spark.embed(inputs.get(i), rowCounts.get(i), engine));
            }
        }
        List<Stats> peaks = new ArrayList<>();
        for (int i = 0; i < rowCounts.size(); i++) {
            peaks.add(Stats.of(runs.get(i).stream().map(x -> x.peakKb() / 1024.0).toList()));
            double wall = Stats.of(runs.get(i).stream().map(SparkBench.ChildRun::wallSeconds).toList()).median();
            ctx.memory.add(List.of("embed child", String.format(Locale.ROOT, "%,d rows on %s (memory check, %.0f s)",
                    rowCounts.get(i), engine.label(), wall)), Map.of(PEAK, peaks.get(i)));
        }
        if (runs.stream().flatMap(List::stream).allMatch(x -> x.peakKb() > 0)) {
            double small = peaks.get(0).median();
            ctx.memory.add(List.of("embed child", MEMORY_GROWTH),
                    Map.of(PEAK, Stats.single(100 * (peaks.get(1).median() - small) / small)));
        } else {
            ctx.r.notes.add("The memory check has no result: the embed child processes' peak RSS could not be"
                    + " read (no /proc).");
        }
    }

    /** Deletes {@code dir} and everything in it; a file that will not go is logged, not fatal. */
    static void delete(Path dir) {
        try {
            Folders.deleteTree(dir);
        } catch (IOException e) {
            Benchmark.log("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
