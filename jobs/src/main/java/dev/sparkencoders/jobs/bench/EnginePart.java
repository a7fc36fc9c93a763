package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.Engine;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.runtime.EncoderModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;

import static dev.sparkencoders.jobs.bench.Labels.AT_CEILING;
import static dev.sparkencoders.jobs.bench.Labels.DOCS;
import static dev.sparkencoders.jobs.bench.Labels.GFLOPS;
import static dev.sparkencoders.jobs.bench.Labels.OF_CEILING;
import static dev.sparkencoders.jobs.bench.Labels.PAD;
import static dev.sparkencoders.jobs.bench.Labels.SHORT;
import static dev.sparkencoders.jobs.bench.Labels.SPS;
import static dev.sparkencoders.jobs.bench.Labels.TOK;
import static dev.sparkencoders.jobs.bench.Labels.TPS;

/**
 * Sections 1 and 2: our bare engine (no Spark) with the jobs' length-sorted token-budget batches, and the naive
 * baseline (fixed-count batches in arrival order), once per engine of {@code bench.engines} and precision of
 * {@code bench.precisions} that engine runs ({@link EnginePrecision}), and per model.
 */
final class EnginePart {

    private static final String SORTED_OVER_NAIVE = "sorted ÷ naive";

    private final BenchContext ctx;

    EnginePart(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run(List<BenchModel> models, List<String> docs) {
        BenchSettings s = ctx.s;
        Table engine = s.has(Part.ENGINE) ? ctx.r.add(new Table(Labels.ENGINE, "1. Bare engine (no Spark)",
                "Our BatchRunner as the jobs run it, on each engine of bench.engines at each precision of"
                        + " bench.precisions it runs (int8: onnxruntime only; the engine column names int8 rows"
                        + " 'onnxruntime int8', fp32 rows by the engine alone): each task tokenizes its share,"
                        + " then chunks of batch.chunk-rows rows are sorted by length and cut by the token budget ("
                        + (s.budget().engineTokens() ? "each engine's own token count: onnxruntime "
                                + Engine.ONNXRUNTIME.batchTokens(Precision.FP32) + " (int8 "
                                + Engine.ONNXRUNTIME.batchTokens(Precision.INT8) + "), pytorch "
                                + Engine.PYTORCH.batchTokens(Precision.FP32)
                                : s.budget().maxTokens() + " tokens") + ", " + s.budget().maxRows()
                        + " rows). sentences/s and"
                        + " tokens/s count tokenization; GFLOP/s is the matmul FLOPs of the batches run (padding"
                        + " included) over the encoding time (int8 rows: the same count of matmul operations, so"
                        + " GOP/s); '% of ceiling' divides it by the measured ceiling of its precision at the"
                        + " layout's cores (section 5: fp32 rows the best fp32 or bf16 GEMM, int8 rows the best int8"
                        + " GEMM); 'sentences/s at ceiling' is what that ceiling would give for those FLOPs with no"
                        + " time lost anywhere (tokenization not counted).",
                List.of("model", "input", "layout", "engine"),
                List.of(SPS, TPS, GFLOPS, OF_CEILING, AT_CEILING, TOK, PAD))) : null;
        Table naive = s.has(Part.NAIVE) ? ctx.r.add(new Table(Labels.NAIVE, "2. Naive baseline: fixed-count batches"
                        + " in arrival order",
                "The same engine with batches of " + s.naiveBatch() + " rows in input order, each padded to its"
                        + " longest row (how DJL's Spark extension batches), at the layouts using the most cores"
                        + " measured (" + ctx.widest() + "). 'sorted ÷ naive' is the engine's median over the naive"
                        + " median at the same layout.",
                List.of("model", "input", "layout", "engine"), List.of(SPS, TPS, GFLOPS, PAD, SORTED_OVER_NAIVE)))
                : null;
        if (naive != null && !docs.isEmpty()) {
            naive.notes.add("Not run on the 512-token documents: they all have 512 tokens, so arrival order and"
                    + " length order pad the same (not at all).");
        }
        for (EnginePrecision v : s.variants()) {
            BenchEngine e = v.engine();
            for (BenchModel m : models) {
                MemoryProbe.resetPeak();
                for (int threads : modelThreads(e)) {
                    Benchmark.log("loading " + m.name() + " on " + v.label()
                            + (threads > 0 ? " with " + threads + " intra-op threads" : ""));
                    try (EncoderModel model = threads > 0 ? EncoderModel.load(m.spec(v), threads)
                            : EncoderModel.load(m.spec(v))) {
                        EngineBench bench = new EngineBench(e, model, s.budget(), s.chunkRows(), s.naiveBatch());
                        Map<String, List<String>> inputs = new LinkedHashMap<>();
                        inputs.put(SHORT, m.shortTexts());
                        if (!docs.isEmpty()) {
                            inputs.put(DOCS, docs);
                        }
                        for (var input : inputs.entrySet()) {
                            for (Layout layout : ctx.layouts) {
                                if (threads > 0 && layout.threads() != threads) {
                                    continue;
                                }
                                List<String> keys = List.of(m.name(), input.getKey(), layout.label(), v.label());
                                measure(bench, engine, naive, keys, input.getValue(), layout,
                                        input.getKey().equals(SHORT), v.precision());
                            }
                        }
                    }
                }
                ctx.notePeak("engine " + v.label() + ", " + m.name() + " loaded");
            }
        }
    }

    /**
     * The intra-op thread counts to load the model with: PyTorch sets its threads per calling task, so one load
     * (0) serves every layout; ONNX Runtime fixes them per session, so one load per thread count of the layouts.
     */
    private List<Integer> modelThreads(BenchEngine e) {
        return e == BenchEngine.PYTORCH ? List.of(0)
                : ctx.layouts.stream().map(Layout::threads).distinct().toList();
    }

    private void measure(EngineBench bench, Table engine, Table naive, List<String> keys, List<String> texts,
                         Layout layout, boolean shortTexts, Precision precision) {
        ExecutorService pool = BenchContext.pool(layout.tasks());
        try {
            Stats sorted = null;
            if (engine != null) {
                List<EngineBench.Sample> samples = ctx.repeat("engine " + String.join(" / ", keys),
                        () -> bench.run(texts, layout, EngineBench.Batching.SORTED, pool), EnginePart::describe);
                Map<String, Stats> metrics = metrics(samples, ctx.ceiling(precision, layout.cores()));
                sorted = metrics.get(SPS);
                engine.add(keys, metrics, layout.cores());
            }
            if (naive != null && shortTexts && layout.cores() == ctx.widest()) {
                List<EngineBench.Sample> samples = ctx.repeat("naive " + String.join(" / ", keys),
                        () -> bench.run(texts, layout, EngineBench.Batching.NAIVE, pool), EnginePart::describe);
                Map<String, Stats> metrics = new LinkedHashMap<>();
                metrics.put(SPS, BenchContext.of(samples, EngineBench.Sample::sentencesPerSecond));
                metrics.put(TPS, BenchContext.of(samples, EngineBench.Sample::tokensPerSecond));
                metrics.put(GFLOPS, BenchContext.of(samples, EngineBench.Sample::gflops));
                metrics.put(PAD, BenchContext.of(samples, x -> 100 * x.paddingShare()));
                if (sorted != null) {
                    metrics.put(SORTED_OVER_NAIVE, Stats.single(sorted.median() / metrics.get(SPS).median()));
                }
                naive.add(keys, metrics, layout.cores());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** sentences/s, tokens/s, GFLOP/s, share of the ceiling, tokenization and padding of a pass's samples. */
    static Map<String, Stats> metrics(List<EngineBench.Sample> samples, Double ceiling) {
        Map<String, Stats> m = new LinkedHashMap<>();
        m.put(SPS, BenchContext.of(samples, EngineBench.Sample::sentencesPerSecond));
        m.put(TPS, BenchContext.of(samples, EngineBench.Sample::tokensPerSecond));
        m.put(GFLOPS, BenchContext.of(samples, EngineBench.Sample::gflops));
        if (ceiling != null) {
            m.put(OF_CEILING, BenchContext.of(samples, x -> 100 * x.gflops() / ceiling));
            m.put(AT_CEILING, BenchContext.of(samples, x -> ceiling * 1e9 * x.rows() / x.flops()));
        }
        m.put(TOK, BenchContext.of(samples, x -> 100 * x.tokenizeShare()));
        m.put(PAD, BenchContext.of(samples, x -> 100 * x.paddingShare()));
        return m;
    }

    static String describe(EngineBench.Sample x) {
        return String.format(Locale.ROOT, "%s sentences/s, %s tokens/s, %s GFLOP/s, tokenization %s%%",
                Stats.number(x.sentencesPerSecond()), Stats.number(x.tokensPerSecond()), Stats.number(x.gflops()),
                Stats.number(100 * x.tokenizeShare()));
    }
}
