package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.Precision;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

import static dev.sparkencoders.jobs.bench.Labels.BERT;
import static dev.sparkencoders.jobs.bench.Labels.DOCS;
import static dev.sparkencoders.jobs.bench.Labels.GFLOPS;
import static dev.sparkencoders.jobs.bench.Labels.MINILM;
import static dev.sparkencoders.jobs.bench.Labels.OVERHEAD;
import static dev.sparkencoders.jobs.bench.Labels.SHORT;
import static dev.sparkencoders.jobs.bench.Labels.SPS;

/**
 * Judges the targets of issue 14 from a run's figures, once per engine of {@code bench.engines} and precision of
 * {@code bench.precisions} it runs ({@link EnginePrecision}): every comparison is on all {@code cores} cores, between
 * figures measured in the same run at the same precision (at int8, "ONNX Runtime at its best" is ONNX Runtime on
 * langchain4j's quantized export, and the ceiling the best int8 GEMM); then the start-up and SQL targets (issue 16)
 * and the memory, scaling and soak targets (issue 15), once each. A target whose figures were not measured is N/A.
 */
final class TargetJudge {

    /** The row count the embed-job targets are set for. */
    static final int TARGET_ROWS = 46_000;
    static final String ONE_PER_CALL = OrtPeer.Batching.fixed(1).label();
    /** The most the embed job's start-up may take, as a multiple of the plain ONNX Runtime program's. */
    static final double STARTUP_RATIO = 3.0;
    /** The most the SQL function may take over a file, as a multiple of the embed job's time on it. */
    static final double SQL_RATIO = 1.25;
    /** The least two executors must give over one, in task rows/s. */
    static final double SCALING = 1.8;
    /** The most the embed job's peak resident set may change from the memory check's first row count to its second, in %. */
    static final double MEMORY_CHANGE = 10;
    /** The most an executor's resident set may change between the soak's first and last tenth, in %. */
    static final double SOAK_DRIFT = 10;

    private final Results r;
    private final Figures figures;
    private final int cores;

    TargetJudge(Results results, int cores) {
        this.r = results;
        this.figures = new Figures(results);
        this.cores = cores;
    }

    /**
     * The targets of every engine and precision, in {@link BenchSettings#variants()} order, then the start-up, SQL,
     * memory, scaling and soak targets.
     */
    List<Target> judge(List<EnginePrecision> variants) {
        List<Target> out = new ArrayList<>();
        for (EnginePrecision variant : variants) {
            out.addAll(judge(variant));
        }
        out.add(startup());
        out.add(sql());
        out.add(memory());
        out.add(scaling());
        out.add(soakMemory());
        out.add(soakFailures());
        return out;
    }

    /** The engine and precision the single-run parts ran on: the first pair of the settings. */
    private String first() {
        return r.settings.variants().get(0).label();
    }

    /** The embed job's peak RSS over the memory check's larger row count against its smaller one (section 6). */
    Target memory() {
        String name = "Embed job memory flat [" + first() + "]";
        List<Integer> rows = r.settings.memoryRows();
        String counts = String.format(Locale.ROOT, "%,d vs %,d rows", rows.get(rows.size() - 1), rows.get(0));
        Optional<Stats> growth = figures.first(Labels.MEMORY, x -> x.key(1).equals(SparkPart.MEMORY_GROWTH),
                Labels.PEAK);
        return Target.atMost(name, String.format(Locale.ROOT, "<= %.0f%%, peak RSS, %s", MEMORY_CHANGE, counts),
                growth.map(x -> Math.abs(x.median())).orElse(null), MEMORY_CHANGE, "%",
                growth.isEmpty() ? "memory part not run" : "change, either way, of the median of the embed job's"
                        + " whole-process peak RSS (launcher to exit) from the smaller to the larger file (section 6)");
    }

    /** Two executors' task rows/s over one executor's (section 8). */
    Target scaling() {
        String name = "Executor scaling [" + first() + "]";
        String requirement = String.format(Locale.ROOT, ">= %.1fx, 2 executors vs 1 of one core each", SCALING);
        Optional<Stats> ratio = figures.first(Labels.SCALING, x -> x.key(0).equals("2"), ClusterPart.SCALING_RATIO);
        return Target.atLeast(name, requirement, ratio.map(Stats::median).orElse(null), SCALING, "x",
                r.table(Labels.SCALING) == null ? "scaling part not run" : "task rows/s of the embed job on "
                        + ClusterPart.master(2) + " over " + ClusterPart.master(1) + ", "
                        + String.format(Locale.ROOT, "%,d", r.settings.scalingRows()) + " rows (section 8)");
    }

    /** The largest change of an executor's resident set between the soak's first and last tenth (section 9). */
    Target soakMemory() {
        String name = "Soak: executor memory flat [" + first() + "]";
        String requirement = String.format(Locale.ROOT, "<= %.0f%%, peak RSS of each executor, first vs last 10%%",
                SOAK_DRIFT);
        Table soak = r.table(Labels.SOAK);
        Double worst = soak == null ? null : soak.rows.stream().map(x -> x.metric(ClusterPart.RSS_CHANGE))
                .flatMap(Optional::stream).map(x -> Math.abs(x.median())).max(Double::compare).orElse(null);
        return Target.atMost(name, requirement, worst, SOAK_DRIFT, "%", soak == null ? "soak part not run"
                : "largest change between the peaks of an executor's VmRSS in the first and the last 10% of "
                        + String.format(Locale.ROOT, "%,d", r.settings.soakRows()) + " rows on "
                        + ClusterPart.master(2) + " (section 9)");
    }

    /** Failed task attempts during the soak (section 9). */
    Target soakFailures() {
        String name = "Soak: no task failures [" + first() + "]";
        Optional<Stats> failed = figures.first(Labels.SOAK, x -> x.key(0).startsWith(ClusterPart.TASKS_ROW),
                ClusterPart.FAILED);
        return Target.atMost(name, "0 failed task attempts", failed.map(Stats::median).orElse(null), 0, "",
                r.table(Labels.SOAK) == null ? "soak part not run" : "Spark's event log of the soak (section 9)");
    }

    /** The sql job's median wall time over the embed job's on the same file (section 4c). */
    Target sql() {
        String name = "SQL embed() vs embed job [" + first() + "]";
        String requirement = String.format(Locale.ROOT, "<= %.2fx, same file, launcher to exit", SQL_RATIO);
        if (r.table(Labels.SQL) == null) {
            return Target.atMost(name, requirement, null, SQL_RATIO, "x", "sql part not run");
        }
        Optional<Stats> ratio = figures.first(Labels.SQL, x -> x.key(0).equals(SparkPart.SQL_JOB), SparkPart.SQL_RATIO);
        return Target.atMost(name, requirement, ratio.map(Stats::median).orElse(null), SQL_RATIO, "x",
                String.format(Locale.ROOT, "median wall seconds of the sql job's `%s` over %,d short sentences over"
                        + " the embed job's on the same file (section 4c)", SparkBench.SQL_QUERY, r.settings.sqlRows()));
    }

    /** The embed job's median wall time on a one-line file over the plain ONNX Runtime program's (section 4b). */
    Target startup() {
        String name = "Start-up vs plain ONNX Runtime program [" + StartupBench.ENGINE.id() + "]";
        String requirement = String.format(Locale.ROOT, "<= %.1fx, one-line file, launcher to exit", STARTUP_RATIO);
        if (r.table(Labels.STARTUP) == null) {
            return Target.atMost(name, requirement, null, STARTUP_RATIO, "x", "startup part not run");
        }
        Optional<Stats> embed = figures.first(Labels.STARTUP, x -> x.key(0).equals(StartupPart.EMBED_ROW),
                StartupPart.WALL);
        Optional<Stats> plain = figures.first(Labels.STARTUP, x -> x.key(0).equals(StartupPart.PLAIN_ROW),
                StartupPart.WALL);
        return Target.atMost(name, requirement, Figures.ratio(embed, plain), STARTUP_RATIO, "x",
                "median wall seconds of ./spark-encoders embed (" + EngineSeam.ENGINE_KEY + "="
                        + StartupBench.ENGINE.id() + ") on a one-line file, launcher to exit"
                        + embed.map(x -> " (" + Stats.number(x.median()) + " s)").orElse("") + ", over a plain"
                        + " in-process ONNX Runtime program that starts a JVM, loads all-MiniLM-L6-v2, embeds one"
                        + " sentence and exits" + plain.map(x -> " (" + Stats.number(x.median()) + " s)").orElse("")
                        + " (section 4b)");
    }

    /** The targets of one engine at one precision: against ONNX Runtime at its best, the ceiling and Spark. */
    List<Target> judge(EnginePrecision variant) {
        String on = " [" + variant.label() + "]";
        Precision precision = variant.precision();
        Predicate<Table.Row> ours = Figures.on(variant);
        Predicate<Table.Row> sparkRow = Figures.on(variant);
        Predicate<Table.Row> ortFile = Figures.ortFile(precision);
        // at fp32 the peer is named as it always was; at int8 the 'from' column says which file it ran
        String peer = switch (precision) {
            case FP32 -> "";
            case INT8 -> " on langchain4j's int8 export " + OrtPeerPart.file(precision).resource()
                    + " (ONNX Runtime at its best at int8)";
            case BF16 -> " at fp32 (ONNX Runtime's CPU kernels have no bf16 products)";
        };
        List<Target> out = new ArrayList<>();

        Optional<Table.Row> ortBatched = figures.bestRow(Labels.ORT_PEER, Figures.of(MINILM, SHORT, cores)
                .and(ortFile).and(x -> !x.key(2).equals(ONE_PER_CALL)), SPS);
        Optional<Stats> spark = figures.first(Labels.SPARK, sparkRow, SPS);
        int rows = r.settings.sparkRows();
        out.add(Target.atLeast("Embed job vs ONNX Runtime at its best" + on,
                ">= 1.0x, 46,000 short sentences, start-up included",
                Figures.ratio(spark, ortBatched.map(x -> x.metrics().get(SPS))), 1.0, "x",
                "embed job's wall-clock sentences/s over " + String.format(Locale.ROOT, "%,d", rows) + " rows"
                        + " (section 4) over ONNX Runtime's best batched configuration" + peer + " on the short"
                        + " sentences on "
                        + cores + " cores (section 3b" + ortBatched.map(x -> ": " + x.key(2) + ", " + x.key(3))
                        .orElse("") + ")" + (rows < TARGET_ROWS ? "; NOTE: only " + rows + " rows" : "")));

        out.add(docsVsOrt(on, peer, ours, ortFile));

        out.add(ofCeiling("BERT-base docs vs measured ceiling" + on, ">= 70% on the 512-token docs", 70,
                BERT, DOCS, ours, precision, r.settings.bertPath() == null ? "bench.bert-path not set" : null));
        out.add(ofCeiling("Bare engine vs measured ceiling" + on, ">= 80% on the short sentences", 80,
                MINILM, SHORT, ours, precision, null));

        Optional<Stats> overhead = figures.first(Labels.SPARK, sparkRow, OVERHEAD);
        out.add(Target.atMost("Spark overhead vs bare engine" + on, "<= 10% at equal cores, 46,000 rows,"
                        + " start-up included", overhead.map(Stats::median).orElse(null), 10, "%",
                "1 - embed job's sentences/s (section 4) over the same engine's best bare layout"
                        + (precision == Precision.FP32 ? "" : " at " + precision.id()) + " on " + cores
                        + " cores (section 1), all-MiniLM-L6-v2, short sentences"
                        + (rows < TARGET_ROWS ? "; NOTE: only " + rows + " rows" : "")));
        return out;
    }

    /**
     * Documents/s of our engine over ONNX Runtime's with one document per call: the median of the paired passes'
     * ratios (section 3c) where they ran, else the ratio of the best layouts' medians of sections 1 and 3b.
     */
    private Target docsVsOrt(String on, String peer, Predicate<Table.Row> ours, Predicate<Table.Row> ortFile) {
        String name = "512-token docs vs ONNX Runtime one per call" + on;
        String requirement = ">= 1.0x, steady state, MiniLM";
        Optional<Stats> paired = figures.first(Labels.PAIRED, Figures.of(MINILM, DOCS, cores).and(ours),
                PairedPart.RATIO);
        if (paired.isPresent()) {
            return Target.atLeast(name, requirement, paired.get().median(), 1.0, "x", "median of the ratios of "
                    + paired.get().runs() + " alternating pairs of passes, bare engine against ONNX Runtime with"
                    + " one document per call" + peer + ", " + new Layout(cores, 1).label()
                    + " (section 3c; pairs ranged "
                    + Stats.number(paired.get().min()) + "-" + Stats.number(paired.get().max())
                    + "), all-MiniLM-L6-v2, documents/s");
        }
        Optional<Stats> engineDocs = figures.best(Labels.ENGINE, Figures.of(MINILM, DOCS, cores).and(ours), SPS);
        Optional<Stats> ortDocs = figures.best(Labels.ORT_PEER, Figures.of(MINILM, DOCS, cores)
                .and(ortFile).and(x -> x.key(2).equals(ONE_PER_CALL)), SPS);
        return Target.atLeast(name, requirement, Figures.ratio(engineDocs, ortDocs), 1.0, "x",
                "bare engine's best layout on " + cores + " cores after its warm-up (section 1) over ONNX Runtime's"
                        + " best layout with one document per call" + peer + " (section 3b), all-MiniLM-L6-v2,"
                        + " documents/s");
    }

    /**
     * Our engine's best matmul GFLOP/s on a model and input over the ceiling of its precision (fp32: the best fp32
     * or bf16 GEMM; int8: the best int8 GEMM, in GOP/s), both on every core.
     */
    private Target ofCeiling(String name, String requirement, double threshold, String model, String input,
                             Predicate<Table.Row> ours, Precision precision, String missing) {
        Optional<Table.Row> best = figures.bestRow(Labels.ENGINE, Figures.of(model, input, cores).and(ours), GFLOPS);
        Double ceiling = r.ceiling(precision, cores);
        if (missing != null || best.isEmpty() || ceiling == null) {
            String why = missing != null ? missing : ceiling == null ? (precision == Precision.INT8 ? "int8 "
                    : "") + "ceiling not measured at " + cores + " cores"
                    : model + " " + input + " not measured on " + cores + " cores";
            return Target.atLeast(name, requirement, null, threshold, "%", why);
        }
        double g = best.get().metrics().get(GFLOPS).median();
        String basis = precision != Precision.INT8
                ? "%s on the %s, best layout on %d cores (%s): %s GFLOP/s over the %d-core ceiling %s GFLOP/s (best"
                        + " GEMM of any engine, section 5)"
                : "%s on the %s, best layout on %d cores (%s): %s GOP/s over the %d-core int8 ceiling %s GOP/s (best"
                        + " int8 GEMM, ONNX Runtime's DynamicQuantizeMatMul, section 5)";
        return Target.atLeast(name, requirement, 100 * g / ceiling, threshold, "%", String.format(Locale.ROOT,
                basis, model, input, cores, best.get().key(2), Stats.number(g), cores, Stats.number(ceiling)));
    }
}
