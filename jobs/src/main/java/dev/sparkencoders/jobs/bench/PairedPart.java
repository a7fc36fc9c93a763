package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.text.TextTokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

import static dev.sparkencoders.jobs.bench.Labels.DOCS;
import static dev.sparkencoders.jobs.bench.Labels.MINILM;
import static dev.sparkencoders.jobs.bench.Labels.SHORT;

/**
 * Section 3c: our bare engine and ONNX Runtime at its best in alternating passes over the same texts, in the layout
 * the jobs run (one task per core, one intra-op thread each), once per ONNX Runtime variant of the run and for
 * PyTorch at bf16 (against ONNX Runtime at fp32, in ONNX Runtime's own fp32 batches: it has no bf16). Sections 1 and
 * 3b measure the two minutes apart, and a shared machine's speed can drift by as much as they differ: here
 * each pass of ours has a pass of the peer next to it (the order swapped from pair to pair), and the figure is the
 * median of the pairs' ratios. Short sentences go in our engine's own batches on both sides (the same batches);
 * the 512-token documents one per call. Before any pass, the peer's vectors must match our engine's on the checked
 * texts, as in section 3b ({@link OrtPeerPart#requireSameWork}).
 */
final class PairedPart {

    static final String OURS = "ours sentences/s";
    static final String PEER = "ONNX Runtime sentences/s";
    static final String RATIO = "ours ÷ ONNX Runtime";

    private final BenchContext ctx;

    PairedPart(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run(BenchModel minilm, List<String> sentences, List<String> docs, TextTokenizer tokenizer) {
        if (!OrtPeerPart.available()) {
            ctx.r.notes.add("No paired figures (section 3c): ONNX Runtime is not on the class path.");
            return;
        }
        Layout layout = new Layout(ctx.cores, 1);
        Table t = ctx.r.add(new Table(Labels.PAIRED, "3c. Paired: our engine against ONNX Runtime, alternating passes",
                "Our bare engine (section 1) and ONNX Runtime at its best (section 3b) take turns over the same texts,"
                        + " " + layout.label() + ": " + pairs() + " pairs of passes after one warm-up pair, ours"
                        + " first in odd pairs and second in even ones; '" + RATIO + "' is the median (min-max) of"
                        + " the pairs' ratios. Short sentences in our engine's own batches on both sides, documents"
                        + " one per call; ONNX Runtime on the ONNX file of the engine's precision.",
                List.of("model", "input", "layout", "engine", "batching"), List.of(OURS, PEER, RATIO)));
        List<String> checked = OrtPeerPart.checkedTexts(sentences, docs);
        List<float[]> reference = OrtPeerPart.engineVectors(minilm, EnginePrecision.fp32(BenchEngine.PYTORCH),
                checked);
        ExecutorService pool = BenchContext.pool(layout.tasks());
        try {
            for (EnginePrecision v : ctx.s.variants()) {
                if (v.engine() != BenchEngine.ONNXRUNTIME && v.precision() != Precision.BF16) {
                    continue;
                }
                OrtPeerPart.OnnxFile file = OrtPeerPart.file(v.precision());
                Benchmark.log("paired passes: " + v.label() + " against ONNX Runtime on " + file.label());
                byte[] onnx = OrtPeerPart.onnxModel(file);
                OrtPeerPart.requireSameWork(minilm, file, onnx, checked, reference, tokenizer);
                try (EncoderModel model = EncoderModel.load(minilm.spec(v), layout.threads());
                     OrtPeer peer = OrtPeer.open(onnx, tokenizer, minilm.config(), layout)) {
                    EngineBench bench = new EngineBench(v.engine(), model, ctx.s.budget(), ctx.s.chunkRows(),
                            ctx.s.naiveBatch());
                    OrtPeer.Batching batches = OrtPeer.Batching.engineBudget(ctx.s.budget(),
                            v.precision() == Precision.BF16 ? Precision.FP32 : v.precision(), ctx.s.chunkRows());
                    measure(t, List.of(MINILM, SHORT, layout.label(), v.label(), batches.label()),
                            () -> bench.run(sentences, layout, EngineBench.Batching.SORTED, pool),
                            () -> peer.run(sentences, batches, pool));
                    if (!docs.isEmpty()) {
                        OrtPeer.Batching one = OrtPeer.Batching.fixed(1);
                        measure(t, List.of(MINILM, DOCS, layout.label(), v.label(), one.label()),
                                () -> bench.run(docs, layout, EngineBench.Batching.SORTED, pool),
                                () -> peer.run(docs, one, pool));
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (t.rows.isEmpty()) {
            t.notes.add("Not run: bench.engines has no onnxruntime engine (the pairs compare ONNX Runtime with itself"
                    + " driven directly).");
        }
    }

    /** Pairs of passes: twice bench.runs, so that each order runs as often. */
    private int pairs() {
        return 2 * ctx.s.runs();
    }

    private void measure(Table t, List<String> keys, Supplier<EngineBench.Sample> ours,
                         Supplier<EngineBench.Sample> peer) {
        ours.get();
        peer.get();
        List<Double> oursRates = new ArrayList<>();
        List<Double> peerRates = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < pairs(); i++) {
            double o;
            double p;
            if (i % 2 == 0) {
                o = ours.get().sentencesPerSecond();
                p = peer.get().sentencesPerSecond();
            } else {
                p = peer.get().sentencesPerSecond();
                o = ours.get().sentencesPerSecond();
            }
            oursRates.add(o);
            peerRates.add(p);
            ratios.add(o / p);
            Benchmark.log("paired " + String.join(" / ", keys) + ": pair " + (i + 1) + "/" + pairs() + ": ours "
                    + Stats.number(o) + ", ONNX Runtime " + Stats.number(p) + " sentences/s");
        }
        Map<String, Stats> metrics = new LinkedHashMap<>();
        metrics.put(OURS, Stats.of(oursRates));
        metrics.put(PEER, Stats.of(peerRates));
        metrics.put(RATIO, Stats.of(ratios));
        t.add(keys, metrics, ctx.cores);
    }
}
