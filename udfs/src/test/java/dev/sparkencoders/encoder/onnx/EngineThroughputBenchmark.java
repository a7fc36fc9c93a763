package dev.sparkencoders.encoder.onnx;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import dev.sparkencoders.TestCorpora;
import dev.sparkencoders.encoder.Encoder;
import dev.sparkencoders.encoder.Encoders;
import dev.sparkencoders.encoder.Engine;
import dev.sparkencoders.encoder.PaddedBatch;
import dev.sparkencoders.importer.BundledModel;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.text.TextTokenizer;
import dev.sparkencoders.text.TokenizedText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of the bundled all-MiniLM-L6-v2 encoder body, side by side in one JVM: (a) PyTorch, (b) ONNX Runtime
 * on our written graph, (c) ONNX Runtime on langchain4j's own ONNX export; each with 2 callers x 1 thread (one shared
 * ONNX Runtime session; run with -Dai.djl.pytorch.num_threads=1). 2,000 STS-B dev sentences in length-sorted batches
 * of 64, and 512-token documents one per call and in batches of 2, 4, 8. Prints wall-clock rates and rates per 2
 * CPU-seconds of the calling threads (the second is steadier when other processes share the cores). Not part of
 * the default suite (no *Test suffix) and asserts nothing about speed:
 * <pre>
 * mvn -B -o -q test -pl udfs -Dtest=EngineThroughputBenchmark -Dai.djl.pytorch.num_threads=1 -Dbench.reps=3
 * </pre>
 */
class EngineThroughputBenchmark {

    private interface Runner {
        void run(List<TokenizedText> rows) throws Exception;
    }

    @TempDir
    Path dir;

    @Test
    void compareEngines() throws Exception {
        int reps = Integer.getInteger("bench.reps", 2);
        Checkpoint checkpoint = Checkpoint.open(BundledModel.path());
        List<List<TokenizedText>> sentenceBatches = new ArrayList<>();
        List<TokenizedText> documents = new ArrayList<>();
        int sentences;
        try (TextTokenizer tokenizer = TextTokenizer.load(checkpoint.tokenizerFile(), 512)) {
            List<String> texts = TestCorpora.stsbSentences(Integer.MAX_VALUE);
            List<TokenizedText> rows = new ArrayList<>(texts.subList(0, Math.min(2000, texts.size())).stream()
                    .map(tokenizer::encode).toList());
            rows.sort(Comparator.comparingInt(TokenizedText::length));
            sentences = rows.size();
            for (int i = 0; i < rows.size(); i += 64) {
                sentenceBatches.add(rows.subList(i, Math.min(rows.size(), i + 64)));
            }
            StringBuilder text = new StringBuilder();
            for (int at = 0; documents.size() < 16; at++) {
                text.append(texts.get(at % texts.size())).append(' ');
                TokenizedText document = tokenizer.encode(text.toString());
                if (document.length() >= 512) {
                    documents.add(document);
                    text.setLength(0);
                }
            }
        }
        Path langchainFile = dir.resolve("all-minilm-l6-v2.onnx");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            Files.copy(in, langchainFile);
        }
        try (Encoder pytorch = Encoders.load(checkpoint, Engine.PYTORCH, 1);
             Encoder ours = Encoders.load(checkpoint, Engine.ONNXRUNTIME, 1);
             ZooModel<NDList, NDList> langchain = Criteria.builder().setTypes(NDList.class, NDList.class)
                     .optModelPath(langchainFile).optEngine(OnnxRuntimeEncoder.ENGINE)
                     .optTranslator(new NoopTranslator()).optOption("interOpNumThreads", "1")
                     .optOption("intraOpNumThreads", "1").optOption("optLevel", "ALL_OPT").build().loadModel()) {
            Map<String, Runner> engines = new LinkedHashMap<>();
            engines.put("(a) pytorch", rows -> hidden(pytorch, rows));
            engines.put("(b) ort, our graph", rows -> hidden(ours, rows));
            engines.put("(c) ort, langchain4j file", rows -> langchain(langchain, ours, rows));
            for (Runner runner : engines.values()) {
                runner.run(sentenceBatches.get(sentenceBatches.size() / 2));
                runner.run(documents.subList(0, 1));
            }
            System.out.println(System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors()
                    + " processors; " + sentences + " sentences, " + documents.size() + " documents of 512 tokens");
            for (int rep = 0; rep < reps; rep++) {
                for (var engine : engines.entrySet()) {
                    report(rep, engine.getKey(), "sentences, batches of 64", sentences, engine.getValue(),
                            sentenceBatches);
                    // PyTorch is an order of magnitude slower on documents: fewer of them keep the run short.
                    List<TokenizedText> docs = engine.getKey().startsWith("(a)") ? documents.subList(0, 4) : documents;
                    for (int size : new int[] {1, 2, 4, 8}) {
                        List<List<TokenizedText>> batches = new ArrayList<>();
                        for (int i = 0; i < docs.size(); i += size) {
                            batches.add(docs.subList(i, Math.min(docs.size(), i + size)));
                        }
                        report(rep, engine.getKey(), "documents, " + size + " per call", docs.size(),
                                engine.getValue(), batches);
                    }
                }
            }
        }
    }

    private static void report(int rep, String engine, String what, int items, Runner runner,
                               List<List<TokenizedText>> batches) throws Exception {
        double[] seconds = timed(runner, batches);
        System.out.printf("rep %d  %-26s %-26s %8.2f /s wall  %8.2f per 2 CPU-s%n", rep, engine, what,
                items / seconds[0], 2 * items / seconds[1]);
    }

    private static void hidden(Encoder encoder, List<TokenizedText> rows) {
        try (NDManager scope = encoder.newBatchManager()) {
            encoder.lastHiddenState(PaddedBatch.of(scope, rows, encoder.padTokenId())).toFloatArray();
        }
    }

    /** The same work as {@link OnnxRuntimeEncoder#lastHiddenState} on langchain4j's graph, output copied to PyTorch. */
    private static void langchain(ZooModel<NDList, NDList> model, Encoder ours, List<TokenizedText> rows)
            throws Exception {
        try (NDManager scope = ours.newBatchManager();
             NDManager inputs = model.getNDManager().newSubManager();
             Predictor<NDList, NDList> predictor = model.newPredictor()) {
            PaddedBatch batch = PaddedBatch.of(scope, rows, 0);
            Shape shape = new Shape(batch.size(), batch.width());
            float[] mask = batch.mask().toFloatArray();
            long[] longMask = new long[mask.length];
            for (int i = 0; i < mask.length; i++) {
                longMask[i] = (long) mask[i];
            }
            NDArray ids = inputs.create(batch.ids().toLongArray(), shape);
            ids.setName("input_ids");
            NDArray attention = inputs.create(longMask, shape);
            attention.setName("attention_mask");
            NDArray types = inputs.create(batch.typeIds().toLongArray(), shape);
            types.setName("token_type_ids");
            NDArray hidden = predictor.predict(new NDList(ids, attention, types)).get(0);
            scope.create(hidden.toFloatArray(), hidden.getShape()).toFloatArray();
        }
    }

    /** Two callers share the batches; wall seconds and CPU seconds of the two calling threads. */
    private static double[] timed(Runner runner, List<List<TokenizedText>> batches) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        AtomicInteger next = new AtomicInteger();
        AtomicLong cpu = new AtomicLong();
        Exception[] failure = new Exception[1];
        Thread[] callers = new Thread[2];
        long start = System.nanoTime();
        for (int i = 0; i < callers.length; i++) {
            callers[i] = new Thread(() -> {
                long cpuStart = threads.getCurrentThreadCpuTime();
                try {
                    for (int k; (k = next.getAndIncrement()) < batches.size(); ) {
                        runner.run(batches.get(k));
                    }
                } catch (Exception e) {
                    failure[0] = e;
                }
                cpu.addAndGet(threads.getCurrentThreadCpuTime() - cpuStart);
            });
            callers[i].start();
        }
        for (Thread caller : callers) {
            caller.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return new double[] {(System.nanoTime() - start) / 1e9, cpu.get() / 1e9};
    }
}
