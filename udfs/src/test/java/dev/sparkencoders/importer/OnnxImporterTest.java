package dev.sparkencoders.importer;

import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.Pooling;
import dev.sparkencoders.model.SafetensorsDtype;
import dev.sparkencoders.model.SafetensorsFile;
import dev.sparkencoders.model.Tensor;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxImporterTest {

    private static final OnnxImportOptions MINILM = new OnnxImportOptions(null, Pooling.MEAN, true, 256);

    @TempDir
    static Path shared;

    static byte[] onnx;
    static byte[] tokenizer;
    static Path model;

    @BeforeAll
    static void importMiniLm() throws IOException {
        onnx = resource(BundledModel.ONNX_RESOURCE);
        tokenizer = resource(BundledModel.TOKENIZER_RESOURCE);
        model = shared.resolve("minilm");
        long start = System.nanoTime();
        OnnxImporter.importModel(new ByteArrayInputStream(onnx), new ByteArrayInputStream(tokenizer), model, MINILM);
        System.out.printf("OnnxImporterTest: imported MiniLM (%d MB ONNX) in %d ms%n", onnx.length >> 20,
                (System.nanoTime() - start) / 1_000_000);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = OnnxImporterTest.class.getClassLoader().getResourceAsStream(name)) {
            assertTrue(in != null, "resource " + name + " on the test class path");
            return in.readAllBytes();
        }
    }

    @Test
    void safetensorsHasExactlyTheBertModelNamesAndShapes() {
        Set<String> expected = new HashSet<>(OnnxImporter.EMBEDDING_PARAMS);
        for (int l = 0; l < 6; l++) {
            for (String p : OnnxImporter.LAYER_PARAMS) {
                expected.add("encoder.layer." + l + "." + p);
            }
        }
        assertEquals(5 + 6 * 16, expected.size());
        try (SafetensorsFile file = SafetensorsFile.open(model.resolve("model.safetensors"))) {
            assertEquals(expected, file.entries().keySet());
            assertEquals("pt", file.metadata().get("format"));
            long dense = file.entries().values().stream()
                    .filter(e -> e.shape().length == 2 && e.name().startsWith("encoder.")).count();
            assertEquals(36, dense, "6 layers x (query, key, value, attention output, intermediate, output)");
            file.entries().values().forEach(e -> assertEquals(SafetensorsDtype.F32, e.dtype()));
            assertShape(file, "embeddings.word_embeddings.weight", 30522, 384);
            assertShape(file, "embeddings.position_embeddings.weight", 512, 384);
            assertShape(file, "embeddings.token_type_embeddings.weight", 2, 384);
            assertShape(file, "embeddings.LayerNorm.weight", 384);
            for (int l = 0; l < 6; l++) {
                String p = "encoder.layer." + l + ".";
                assertShape(file, p + "attention.self.query.weight", 384, 384);
                assertShape(file, p + "attention.output.dense.weight", 384, 384);
                assertShape(file, p + "intermediate.dense.weight", 1536, 384);
                assertShape(file, p + "intermediate.dense.bias", 1536);
                assertShape(file, p + "output.dense.weight", 384, 1536);
                assertShape(file, p + "output.LayerNorm.bias", 384);
            }
        }
    }

    private static void assertShape(SafetensorsFile file, String name, long... shape) {
        assertArrayEquals(shape, file.entries().get(name).shape(), name);
    }

    /**
     * The graph (dumped independently) wires {@code /encoder/layer.0/attention/self/query/MatMul} to
     * {@code onnx::MatMul_787}, {@code layer.0/intermediate/dense/MatMul} to {@code onnx::MatMul_798} and
     * {@code layer.5/output/dense/MatMul} to {@code onnx::MatMul_864}. Their raw data is located here by a byte
     * pattern scan, not by the importer's reader.
     */
    @Test
    void denseWeightsAreTheTransposedOnnxInitializers() {
        try (SafetensorsFile file = SafetensorsFile.open(model.resolve("model.safetensors"))) {
            assertTransposed(file.read("encoder.layer.0.attention.self.query.weight"),
                    OnnxFixtures.scanRawInitializer(onnx, "onnx::MatMul_787"), 384, 384);
            assertTransposed(file.read("encoder.layer.0.intermediate.dense.weight"),
                    OnnxFixtures.scanRawInitializer(onnx, "onnx::MatMul_798"), 384, 1536);
            assertTransposed(file.read("encoder.layer.5.output.dense.weight"),
                    OnnxFixtures.scanRawInitializer(onnx, "onnx::MatMul_864"), 1536, 384);
            Tensor query = file.read("encoder.layer.0.attention.self.query.weight");
            float[] raw = OnnxFixtures.scanRawInitializer(onnx, "onnx::MatMul_787");
            for (int i = 0; i < 384; i++) {
                assertEquals(raw[i * 384], query.data()[i], "query.weight row 0 = column 0 of the ONNX matrix");
            }
            // named tensors are copied unchanged
            assertArrayEquals(OnnxFixtures.scanRawInitializer(onnx, "embeddings.word_embeddings.weight"),
                    file.read("embeddings.word_embeddings.weight").data());
            assertArrayEquals(OnnxFixtures.scanRawInitializer(onnx, "encoder.layer.3.attention.self.key.bias"),
                    file.read("encoder.layer.3.attention.self.key.bias").data());
        }
    }

    private static void assertTransposed(Tensor hf, float[] onnxInOut, int in, int out) {
        assertArrayEquals(new long[] {out, in}, hf.shape());
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                if (hf.data()[o * in + i] != onnxInOut[i * out + o]) {
                    throw new AssertionError(hf.name() + "[" + o + "][" + i + "] != onnx[" + i + "][" + o + "]");
                }
            }
        }
        Tensor back = hf.transposed2d("back").transposed2d(hf.name());
        assertArrayEquals(hf.data(), back.data(), "transposed2d round trip");
    }

    @Test
    void configDescribesMiniLm() throws IOException {
        JsonObject c = json(model.resolve("config.json")).getAsJsonObject();
        assertEquals("BertModel", c.getAsJsonArray("architectures").get(0).getAsString());
        assertEquals("bert", c.get("model_type").getAsString());
        assertEquals(384, c.get("hidden_size").getAsInt());
        assertEquals(6, c.get("num_hidden_layers").getAsInt());
        assertEquals(12, c.get("num_attention_heads").getAsInt(), "inferred from the graph: options gave none");
        assertEquals(1536, c.get("intermediate_size").getAsInt());
        assertEquals(30522, c.get("vocab_size").getAsInt());
        assertEquals(512, c.get("max_position_embeddings").getAsInt());
        assertEquals(2, c.get("type_vocab_size").getAsInt());
        assertEquals("gelu", c.get("hidden_act").getAsString());
        assertEquals(1e-12, c.get("layer_norm_eps").getAsDouble(), 0.0);
        assertEquals(0, c.get("pad_token_id").getAsInt());
    }

    @Test
    void tokenizerIsCopiedByteForByte() throws IOException {
        assertArrayEquals(tokenizer, Files.readAllBytes(model.resolve("tokenizer.json")));
    }

    @Test
    void sentenceTransformersFilesDescribeMeanPoolingAndNormalize() throws IOException {
        JsonArray modules = json(model.resolve("modules.json")).getAsJsonArray();
        assertEquals(3, modules.size());
        assertModule(modules.get(0).getAsJsonObject(), 0, "", "sentence_transformers.models.Transformer");
        assertModule(modules.get(1).getAsJsonObject(), 1, "1_Pooling", "sentence_transformers.models.Pooling");
        assertModule(modules.get(2).getAsJsonObject(), 2, "2_Normalize", "sentence_transformers.models.Normalize");
        assertTrue(Files.isDirectory(model.resolve("2_Normalize")));
        JsonObject pooling = json(model.resolve("1_Pooling/config.json")).getAsJsonObject();
        assertEquals(384, pooling.get("word_embedding_dimension").getAsInt());
        assertFalse(pooling.get("pooling_mode_cls_token").getAsBoolean());
        assertTrue(pooling.get("pooling_mode_mean_tokens").getAsBoolean());
        assertFalse(pooling.get("pooling_mode_max_tokens").getAsBoolean());
        assertFalse(pooling.get("pooling_mode_mean_sqrt_len_tokens").getAsBoolean());
        JsonObject sbert = json(model.resolve("sentence_bert_config.json")).getAsJsonObject();
        assertEquals(256, sbert.get("max_seq_length").getAsInt());
        assertFalse(sbert.get("do_lower_case").getAsBoolean());
    }

    private static void assertModule(JsonObject m, int idx, String path, String type) {
        assertEquals(idx, m.get("idx").getAsInt());
        assertEquals(String.valueOf(idx), m.get("name").getAsString());
        assertEquals(path, m.get("path").getAsString());
        assertEquals(type, m.get("type").getAsString());
    }

    @Test
    void importLeavesNoTemporaryDirectory() throws IOException {
        try (Stream<Path> siblings = Files.list(shared)) {
            assertEquals(List.of(model), siblings.toList());
        }
    }

    @Test
    void headsFromOptionsMustAgreeWithTheGraph(@TempDir Path dir) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> OnnxImporter.importModel(
                new ByteArrayInputStream(onnx), new ByteArrayInputStream(tokenizer), dir.resolve("m"),
                new OnnxImportOptions(6, null, false, null)));
        assertTrue(e.getMessage().startsWith("Cannot use numAttentionHeads 6: the graph splits attention into 12"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("m")));
    }

    @Test
    void plainImportWritesNoSentenceTransformersFiles(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("plain");
        OnnxImporter.importModel(new ByteArrayInputStream(onnx), new ByteArrayInputStream(tokenizer), out,
                new OnnxImportOptions(12, null, false, null));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(Set.of("model.safetensors", "config.json", "tokenizer.json"),
                    new HashSet<>(files.map(p -> p.getFileName().toString()).toList()));
        }
    }

    @Test
    void pathOverloadAndExistingDirectory(@TempDir Path dir) throws IOException {
        Path onnxFile = dir.resolve("model.onnx");
        Path tokenizerFile = dir.resolve("tokenizer-in.json");
        Files.write(onnxFile, onnx);
        Files.write(tokenizerFile, tokenizer);
        Path out = dir.resolve("out");
        Files.createDirectory(out); // an empty directory is fine
        OnnxImporter.importModel(onnxFile, tokenizerFile, out, new OnnxImportOptions(null, Pooling.CLS, false, null));
        JsonObject pooling = json(out.resolve("1_Pooling/config.json")).getAsJsonObject();
        assertTrue(pooling.get("pooling_mode_cls_token").getAsBoolean());
        assertEquals(512, json(out.resolve("sentence_bert_config.json")).getAsJsonObject()
                .get("max_seq_length").getAsInt());
        assertEquals(2, json(out.resolve("modules.json")).getAsJsonArray().size());
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> OnnxImporter.importModel(onnxFile, tokenizerFile, out, OnnxImportOptions.defaults()));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    /**
     * End to end: a plain-Java BERT forward pass that reads only the imported checkpoint and config.json matches
     * ONNX Runtime running the original export. This exercises every name mapping, the transposes, the heads,
     * the LayerNorm eps and the activation at once.
     */
    @Test
    void checkpointReproducesOnnxRuntime() throws Exception {
        long[] ids = {101, 1996, 3007, 1997, 2605, 2003, 3000, 1012, 102}; // [CLS] the capital of france is paris . [SEP]
        float[][] reference;
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (var session = env.createSession(onnx, new ai.onnxruntime.OrtSession.SessionOptions());
             var inputIds = ai.onnxruntime.OnnxTensor.createTensor(env, new long[][] {ids});
             var mask = ai.onnxruntime.OnnxTensor.createTensor(env, new long[][] {filled(ids.length, 1)});
             var types = ai.onnxruntime.OnnxTensor.createTensor(env, new long[][] {filled(ids.length, 0)});
             var result = session.run(Map.of("input_ids", inputIds, "attention_mask", mask, "token_type_ids", types))) {
            reference = ((float[][][]) result.get(0).getValue())[0];
        }
        float[][] ours = JavaBert.forward(model, ids);
        float maxDiff = 0;
        for (int s = 0; s < ids.length; s++) {
            for (int h = 0; h < 384; h++) {
                maxDiff = Math.max(maxDiff, Math.abs(ours[s][h] - reference[s][h]));
            }
        }
        System.out.println("OnnxImporterTest: max |java - onnxruntime| = " + maxDiff);
        assertTrue(maxDiff < 1e-4f, "max abs difference " + maxDiff);
    }

    private static long[] filled(int n, long value) {
        long[] a = new long[n];
        Arrays.fill(a, value);
        return a;
    }

    /** A naive float32 BERT encoder over a HuggingFace checkpoint directory (test oracle only). */
    static final class JavaBert {
        static float[][] forward(Path dir, long[] ids) throws IOException {
            JsonObject c = json(dir.resolve("config.json")).getAsJsonObject();
            int hidden = c.get("hidden_size").getAsInt();
            int heads = c.get("num_attention_heads").getAsInt();
            int layers = c.get("num_hidden_layers").getAsInt();
            float eps = c.get("layer_norm_eps").getAsFloat();
            boolean erfGelu = c.get("hidden_act").getAsString().equals("gelu");
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
                int n = ids.length;
                float[] word = f.read("embeddings.word_embeddings.weight").data();
                float[] pos = f.read("embeddings.position_embeddings.weight").data();
                float[] type = f.read("embeddings.token_type_embeddings.weight").data();
                float[][] x = new float[n][hidden];
                for (int s = 0; s < n; s++) {
                    for (int h = 0; h < hidden; h++) {
                        x[s][h] = word[(int) ids[s] * hidden + h] + pos[s * hidden + h] + type[h];
                    }
                }
                x = layerNorm(x, f, "embeddings.LayerNorm", eps);
                for (int l = 0; l < layers; l++) {
                    String p = "encoder.layer." + l + ".";
                    float[][] q = linear(x, f, p + "attention.self.query");
                    float[][] k = linear(x, f, p + "attention.self.key");
                    float[][] v = linear(x, f, p + "attention.self.value");
                    int d = hidden / heads;
                    float[][] ctx = new float[n][hidden];
                    for (int head = 0; head < heads; head++) {
                        for (int s = 0; s < n; s++) {
                            double[] scores = new double[n];
                            double max = Double.NEGATIVE_INFINITY;
                            for (int t = 0; t < n; t++) {
                                double dot = 0;
                                for (int j = 0; j < d; j++) {
                                    dot += q[s][head * d + j] * k[t][head * d + j];
                                }
                                scores[t] = dot / Math.sqrt(d);
                                max = Math.max(max, scores[t]);
                            }
                            double sum = 0;
                            for (int t = 0; t < n; t++) {
                                scores[t] = Math.exp(scores[t] - max);
                                sum += scores[t];
                            }
                            for (int j = 0; j < d; j++) {
                                double acc = 0;
                                for (int t = 0; t < n; t++) {
                                    acc += scores[t] / sum * v[t][head * d + j];
                                }
                                ctx[s][head * d + j] = (float) acc;
                            }
                        }
                    }
                    x = layerNorm(add(linear(ctx, f, p + "attention.output.dense"), x), f,
                            p + "attention.output.LayerNorm", eps);
                    float[][] inter = linear(x, f, p + "intermediate.dense");
                    for (float[] row : inter) {
                        for (int i = 0; i < row.length; i++) {
                            double z = row[i];
                            row[i] = (float) (erfGelu ? 0.5 * z * (1 + erf(z / Math.sqrt(2)))
                                    : 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z))));
                        }
                    }
                    x = layerNorm(add(linear(inter, f, p + "output.dense"), x), f, p + "output.LayerNorm", eps);
                }
                return x;
            }
        }

        /** y = x W^T + b with W in nn.Linear [out, in] layout. */
        private static float[][] linear(float[][] x, SafetensorsFile f, String module) {
            Tensor w = f.read(module + ".weight");
            float[] b = f.read(module + ".bias").data();
            int out = (int) w.shape()[0];
            int in = (int) w.shape()[1];
            float[][] y = new float[x.length][out];
            for (int s = 0; s < x.length; s++) {
                for (int o = 0; o < out; o++) {
                    double acc = b[o];
                    for (int i = 0; i < in; i++) {
                        acc += x[s][i] * w.data()[o * in + i];
                    }
                    y[s][o] = (float) acc;
                }
            }
            return y;
        }

        private static float[][] add(float[][] a, float[][] b) {
            for (int s = 0; s < a.length; s++) {
                for (int h = 0; h < a[s].length; h++) {
                    a[s][h] += b[s][h];
                }
            }
            return a;
        }

        private static float[][] layerNorm(float[][] x, SafetensorsFile f, String module, float eps) {
            float[] g = f.read(module + ".weight").data();
            float[] b = f.read(module + ".bias").data();
            float[][] y = new float[x.length][];
            for (int s = 0; s < x.length; s++) {
                double mean = 0;
                for (float v : x[s]) {
                    mean += v;
                }
                mean /= x[s].length;
                double var = 0;
                for (float v : x[s]) {
                    var += (v - mean) * (v - mean);
                }
                var /= x[s].length;
                y[s] = new float[x[s].length];
                for (int h = 0; h < x[s].length; h++) {
                    y[s][h] = (float) ((x[s][h] - mean) / Math.sqrt(var + eps) * g[h] + b[h]);
                }
            }
            return y;
        }

        /** erf by its Maclaurin series for |z| < 3 and the asymptotic complement beyond (error below 1e-9). */
        static double erf(double z) {
            double a = Math.abs(z);
            double r;
            if (a < 3) {
                double term = a;
                double sum = a;
                for (int k = 1; k < 200 && Math.abs(term) > 1e-17; k++) {
                    term *= -a * a / k;
                    sum += term / (2 * k + 1);
                }
                r = 2 / Math.sqrt(Math.PI) * sum;
            } else if (a < 6) {
                // continued fraction for erfc
                double cf = 0;
                for (int k = 60; k >= 1; k--) {
                    cf = k / 2.0 / (a + cf);
                }
                r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + cf);
            } else {
                r = 1;
            }
            return z < 0 ? -r : r;
        }
    }

    // ---- bad input ---------------------------------------------------------------------------------------

    @Test
    void truncatedFilesFailCleanly(@TempDir Path dir) {
        for (int length : new int[] {0, 1, 7, 100, 4096, onnx.length / 2, onnx.length - 1}) {
            byte[] truncated = Arrays.copyOf(onnx, length);
            CheckpointException e = expectFailure(truncated, dir.resolve("t" + length));
            assertTrue(e.getMessage().startsWith("Cannot parse ONNX model: "), e.getMessage());
        }
    }

    @Test
    void randomBytesFailCleanly(@TempDir Path dir) {
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            byte[] garbage = new byte[1 + random.nextInt(1 << 20)];
            random.nextBytes(garbage);
            expectFailure(garbage, dir.resolve("r" + i));
        }
        // valid protobuf, but no graph
        expectFailure(new OnnxFixtures.Msg().varintField(1, 8).stringField(2, "x").bytes(), dir.resolve("ng"));
    }

    @Test
    void lyingLengthsFailWithoutAllocating(@TempDir Path dir) {
        // ModelProto.graph claiming 2^31 - 1 bytes, then a raw_data claiming 2^62 bytes inside a small graph
        byte[] lying = {0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x0a, 0x00};
        CheckpointException e = expectFailure(lying, dir.resolve("a"));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
        byte[] tensor = {0x4a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, 0x3f};
        byte[] graph = new OnnxFixtures.Msg().bytesField(5, tensor).bytes();
        byte[] model = new OnnxFixtures.Msg().bytesField(7, graph).bytes();
        e = expectFailure(model, dir.resolve("b"));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
        // an 11-byte varint
        byte[] longVarint = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
        expectFailure(longVarint, dir.resolve("c"));
    }

    private CheckpointException expectFailure(byte[] bytes, Path out) {
        CheckpointException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
                CheckpointException.class, () -> OnnxImporter.importModel(new ByteArrayInputStream(bytes),
                        new ByteArrayInputStream(tokenizer), out, OnnxImportOptions.defaults())));
        assertTrue(e.getMessage().startsWith("Cannot "), e.getMessage());
        assertFalse(Files.exists(out), "no output after a failure");
        return e;
    }

    @Test
    void notATokenizerFails(@TempDir Path dir) {
        Path out = dir.resolve("m");
        CheckpointException e = assertThrows(CheckpointException.class, () -> OnnxImporter.importModel(
                new ByteArrayInputStream(onnx), new ByteArrayInputStream("[1, 2]".getBytes(StandardCharsets.UTF_8)),
                out, OnnxImportOptions.defaults()));
        assertTrue(e.getMessage().startsWith("Cannot import tokenizer.json"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    // ---- synthetic graphs ------------------------------------------------------------------------------------

    @Test
    void syntheticExportWithPrefixGammaBetaTanhGeluAndLayerNormalizationNodes(@TempDir Path dir) {
        Map<String, Tensor> expected = OnnxFixtures.newExpected();
        var spec = new OnnxFixtures.TinyBert("bert.", true, true, true, true, false, true, null, false, false);
        Path out = importSynthetic(OnnxFixtures.tinyBert(spec, expected), dir, OnnxImportOptions.defaults());
        assertTensors(out, expected);
        JsonObject c = json(out.resolve("config.json")).getAsJsonObject();
        assertEquals("gelu_new", c.get("hidden_act").getAsString(), "Tanh GELU; the pooler Tanh is not GELU");
        assertEquals(1e-6, c.get("layer_norm_eps").getAsDouble(), 0.0, "LayerNormalization epsilon");
        assertEquals(OnnxFixtures.HEADS, c.get("num_attention_heads").getAsInt());
        assertEquals(OnnxFixtures.LAYERS, c.get("num_hidden_layers").getAsInt());
        assertEquals(OnnxFixtures.I, c.get("intermediate_size").getAsInt());
        assertEquals(OnnxFixtures.V, c.get("vocab_size").getAsInt());
        assertEquals(OnnxFixtures.P, c.get("max_position_embeddings").getAsInt());
    }

    @Test
    void syntheticExportWithGemmPoolerAndErf(@TempDir Path dir) {
        Map<String, Tensor> expected = OnnxFixtures.newExpected();
        var spec = new OnnxFixtures.TinyBert("", false, false, true, true, true, false, null, false, false);
        Path out = importSynthetic(OnnxFixtures.tinyBert(spec, expected), dir, OnnxImportOptions.defaults());
        assertTensors(out, expected);
        JsonObject c = json(out.resolve("config.json")).getAsJsonObject();
        assertEquals("gelu", c.get("hidden_act").getAsString());
        assertEquals(1e-6, c.get("layer_norm_eps").getAsDouble(), 0.0, "constant added before Sqrt");
    }

    @Test
    void headsComeFromOptionsWhenTheGraphHasNoReshape(@TempDir Path dir) {
        var spec = new OnnxFixtures.TinyBert("", false, false, false, false, false, false, null, false, false);
        byte[] bytes = OnnxFixtures.tinyBert(spec, OnnxFixtures.newExpected());
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> importSynthetic(bytes, dir, OnnxImportOptions.defaults()));
        assertTrue(e.getMessage().startsWith("Cannot infer num_attention_heads")
                && e.getMessage().contains("OnnxImportOptions.numAttentionHeads"), e.getMessage());
        Path out = importSynthetic(bytes, dir, new OnnxImportOptions(4, null, false, null));
        assertEquals(4, json(out.resolve("config.json")).getAsJsonObject().get("num_attention_heads").getAsInt());
        assertThrows(CheckpointException.class, () -> importSynthetic(bytes, dir,
                new OnnxImportOptions(3, null, false, null)), "8 is not a multiple of 3");
    }

    @Test
    void unmappableMatrixIsNamed(@TempDir Path dir) {
        var spec = new OnnxFixtures.TinyBert("", false, false, true, false, false, false, null, true, false);
        CheckpointException e = assertThrows(CheckpointException.class, () -> importSynthetic(
                OnnxFixtures.tinyBert(spec, OnnxFixtures.newExpected()), dir, OnnxImportOptions.defaults()));
        assertTrue(e.getMessage().startsWith("Cannot map ONNX weights to BERT parameters")
                && e.getMessage().contains("onnx::MatMul_orphan"), e.getMessage());
    }

    @Test
    void missingParameterIsNamed(@TempDir Path dir) {
        var spec = new OnnxFixtures.TinyBert("", false, false, true, false, false, false,
                "encoder.layer.1.output.LayerNorm.bias", false, false);
        CheckpointException e = assertThrows(CheckpointException.class, () -> importSynthetic(
                OnnxFixtures.tinyBert(spec, OnnxFixtures.newExpected()), dir, OnnxImportOptions.defaults()));
        assertTrue(e.getMessage().contains("encoder.layer.1.output.LayerNorm.bias"), e.getMessage());
    }

    @Test
    void floatDataEncodingOfANeededTensorFailsClearly(@TempDir Path dir) {
        var spec = new OnnxFixtures.TinyBert("", false, false, true, false, false, false, null, false, true);
        CheckpointException e = assertThrows(CheckpointException.class, () -> importSynthetic(
                OnnxFixtures.tinyBert(spec, OnnxFixtures.newExpected()), dir, OnnxImportOptions.defaults()));
        assertTrue(e.getMessage().startsWith("Cannot read ONNX tensor 'encoder.layer.0.attention.self.query.bias'")
                && e.getMessage().contains("float_data"), e.getMessage());
    }

    @Test
    void canonicalNames() {
        assertEquals("embeddings.LayerNorm.weight", OnnxImporter.canonicalName("bert.embeddings.LayerNorm.gamma"));
        assertEquals("encoder.layer.3.output.LayerNorm.bias",
                OnnxImporter.canonicalName("model.encoder.layer.3.output.LayerNorm.beta"));
        assertEquals("embeddings.position_embeddings.weight",
                OnnxImporter.canonicalName("embeddings.position_embeddings.weight"));
        assertEquals("onnx::MatMul_787", OnnxImporter.canonicalName("onnx::MatMul_787"));
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new OnnxImportOptions(0, null, false, null));
        assertThrows(IllegalArgumentException.class, () -> new OnnxImportOptions(null, null, true, null));
        assertEquals(Pooling.MEAN, new OnnxImportOptions(null, Pooling.MEAN, false, null).pooling());
    }

    private static int syntheticCounter;

    private static Path importSynthetic(byte[] bytes, Path dir, OnnxImportOptions options) {
        Path out = dir.resolve("synthetic" + syntheticCounter++);
        OnnxImporter.importModel(new ByteArrayInputStream(bytes), new ByteArrayInputStream(tokenizer), out, options);
        return out;
    }

    private static void assertTensors(Path out, Map<String, Tensor> expected) {
        try (SafetensorsFile file = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(expected.keySet(), file.entries().keySet());
            List<String> wrong = new ArrayList<>();
            for (Tensor t : expected.values()) {
                Tensor actual = file.read(t.name());
                if (!Arrays.equals(t.shape(), actual.shape()) || !Arrays.equals(t.data(), actual.data())) {
                    wrong.add(t.name());
                }
            }
            assertEquals(List.of(), wrong);
        }
    }

    private static com.google.gson.JsonElement json(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
