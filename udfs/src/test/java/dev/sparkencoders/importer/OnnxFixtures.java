package dev.sparkencoders.importer;

import dev.sparkencoders.model.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test helpers: a protobuf writer (independent of the importer's reader), a builder of small synthetic ONNX
 * BERT graphs, and a byte-pattern scan that finds an initializer's raw data in a real ONNX file without parsing it.
 */
final class OnnxFixtures {

    private OnnxFixtures() {}

    /** Minimal protobuf message writer. */
    static final class Msg {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Msg varintField(int field, long value) {
            varint((long) field << 3);
            varint(value);
            return this;
        }

        Msg bytesField(int field, byte[] bytes) {
            varint((long) field << 3 | 2);
            varint(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        Msg stringField(int field, String s) {
            return bytesField(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Msg msgField(int field, Msg m) {
            return bytesField(field, m.bytes());
        }

        Msg fixed32Field(int field, float f) {
            varint((long) field << 3 | 5);
            int bits = Float.floatToIntBits(f);
            for (int i = 0; i < 4; i++) {
                out.write(bits >>> (8 * i));
            }
            return this;
        }

        private void varint(long v) {
            while ((v & ~0x7fL) != 0) {
                out.write((int) (v & 0x7f) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static byte[] floatsLE(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static Msg tensor(String name, long[] dims, int dataType, byte[] raw) {
        Msg t = new Msg();
        for (long d : dims) {
            t.varintField(1, d);
        }
        t.varintField(2, dataType);
        if (name != null) {
            t.stringField(8, name);
        }
        if (raw != null) {
            t.bytesField(9, raw);
        }
        return t;
    }

    static Msg int64Tensor(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return tensor(null, new long[] {values.length}, OnnxGraph.INT64, b.array());
    }

    static Msg attrFloat(String name, float f) {
        return new Msg().stringField(1, name).fixed32Field(2, f).varintField(20, 1);
    }

    static Msg attrInt(String name, long i) {
        return new Msg().stringField(1, name).varintField(3, i).varintField(20, 2);
    }

    static Msg attrTensor(String name, Msg tensor) {
        return new Msg().stringField(1, name).msgField(5, tensor).varintField(20, 4);
    }

    /** Builder of a GraphProto wrapped in a ModelProto. */
    static final class Graph {
        final List<Msg> nodes = new ArrayList<>();
        final List<Msg> initializers = new ArrayList<>();
        private int counter;

        String fresh(String prefix) {
            return prefix + "_" + counter++;
        }

        Graph init(String name, long[] dims, float[] data) {
            initializers.add(tensor(name, dims, OnnxGraph.FLOAT, floatsLE(data)));
            return this;
        }

        /** An initializer whose values are in float_data instead of raw_data. */
        Graph initFloatData(String name, long[] dims, float[] data) {
            Msg t = new Msg();
            for (long d : dims) {
                t.varintField(1, d);
            }
            t.varintField(2, OnnxGraph.FLOAT);
            t.bytesField(4, floatsLE(data)); // packed repeated float
            t.stringField(8, name);
            initializers.add(t);
            return this;
        }

        Graph node(String op, List<String> inputs, List<String> outputs, Msg... attributes) {
            Msg n = new Msg();
            inputs.forEach(i -> n.stringField(1, i));
            outputs.forEach(o -> n.stringField(2, o));
            n.stringField(3, fresh("/" + op));
            n.stringField(4, op);
            for (Msg a : attributes) {
                n.msgField(5, a);
            }
            nodes.add(n);
            return this;
        }

        byte[] build() {
            Msg g = new Msg();
            nodes.forEach(n -> g.msgField(1, n));
            g.stringField(2, "synthetic");
            initializers.forEach(i -> g.msgField(5, i));
            Msg model = new Msg().varintField(1, 8).stringField(2, "test");
            model.msgField(7, g);
            return model.bytes();
        }
    }

    /** Switches of the synthetic BERT. */
    record TinyBert(String prefix, boolean gammaBeta, boolean tanhGelu, boolean reshapeHeads, boolean pooler,
                    boolean poolerGemm, boolean layerNormNodes, String dropParameter, boolean unmappedMatMul,
                    boolean floatDataBias) {

        static TinyBert plain() {
            return new TinyBert("", false, false, true, false, false, false, null, false, false);
        }
    }

    static final int H = 8;
    static final int HEADS = 2;
    static final int I = 16;
    static final int V = 11;
    static final int P = 7;
    static final int T = 2;
    static final int LAYERS = 2;
    static final float LN_EPS = 1e-6f;

    /**
     * A synthetic ONNX BERT with the torch.onnx.export structure the importer relies on. {@code expected} receives
     * every HuggingFace parameter in HuggingFace layout ([out, in] for dense weights).
     */
    static byte[] tinyBert(TinyBert spec, Map<String, Tensor> expected) {
        Random random = new Random(42);
        Graph g = new Graph();
        String p = spec.prefix();
        String x = "input_embeds";
        for (String name : List.of("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight")) {
            long rows = name.contains("word") ? V : name.contains("position") ? P : T;
            float[] data = values(random, (int) rows * H);
            g.init(p + name, new long[] {rows, H}, data);
            expected.put(name, new Tensor(name, new long[] {rows, H}, data));
            g.node("Gather", List.of(p + name, "ids"), List.of(g.fresh("gathered")));
        }
        x = layerNorm(g, spec, random, "embeddings.LayerNorm", x, expected);
        for (int l = 0; l < LAYERS; l++) {
            String layer = "encoder.layer." + l + ".";
            String q = dense(g, spec, random, layer + "attention.self.query", x, H, H, expected);
            String k = dense(g, spec, random, layer + "attention.self.key", x, H, H, expected);
            String v = dense(g, spec, random, layer + "attention.self.value", x, H, H, expected);
            if (spec.reshapeHeads()) {
                for (String projection : List.of(q, k, v)) {
                    // torch.onnx.export style: Concat(Unsqueeze(batch), Unsqueeze(seq), [heads], [head_dim])
                    String batch = g.fresh("batch");
                    String seq = g.fresh("seq");
                    g.node("Unsqueeze", List.of(g.fresh("gather_b")), List.of(batch));
                    g.node("Unsqueeze", List.of(g.fresh("gather_s")), List.of(seq));
                    String heads = g.fresh("heads");
                    String dim = g.fresh("dim");
                    g.node("Constant", List.of(), List.of(heads), attrTensor("value", int64Tensor(HEADS)));
                    g.node("Constant", List.of(), List.of(dim), attrTensor("value", int64Tensor(H / HEADS)));
                    String shape = g.fresh("shape");
                    g.node("Concat", List.of(batch, seq, heads, dim), List.of(shape), attrInt("axis", 0));
                    g.node("Reshape", List.of(projection, shape), List.of(g.fresh("reshaped")));
                }
            }
            String context = g.fresh("context");
            g.node("MatMul", List.of(q, k), List.of(context)); // activation x activation: not a weight
            String attn = dense(g, spec, random, layer + "attention.output.dense", context, H, H, expected);
            x = layerNorm(g, spec, random, layer + "attention.output.LayerNorm", attn, expected);
            String inter = dense(g, spec, random, layer + "intermediate.dense", x, H, I, expected);
            String act = g.fresh("act");
            if (spec.tanhGelu()) {
                g.node("Tanh", List.of(inter), List.of(act));
            } else {
                g.node("Erf", List.of(inter), List.of(act));
            }
            String out = dense(g, spec, random, layer + "output.dense", act, I, H, expected);
            x = layerNorm(g, spec, random, layer + "output.LayerNorm", out, expected);
        }
        if (spec.pooler()) {
            String pooled;
            if (spec.poolerGemm()) {
                float[] w = values(random, H * H); // [out, in] because transB = 1
                float[] b = values(random, H);
                String wName = "onnx::Gemm_pooler";
                g.init(wName, new long[] {H, H}, w);
                g.init(p + "pooler.dense.bias", new long[] {H}, b);
                expected.put("pooler.dense.weight", new Tensor("pooler.dense.weight", new long[] {H, H}, w));
                expected.put("pooler.dense.bias", new Tensor("pooler.dense.bias", new long[] {H}, b));
                pooled = g.fresh("pooled");
                g.node("Gemm", List.of(x, wName, p + "pooler.dense.bias"), List.of(pooled), attrInt("transB", 1));
            } else {
                pooled = dense(g, spec, random, "pooler.dense", x, H, H, expected);
            }
            g.node("Tanh", List.of(pooled), List.of("pooler_output"));
        }
        if (spec.unmappedMatMul()) {
            g.init("onnx::MatMul_orphan", new long[] {H, 3}, values(random, H * 3));
            g.node("MatMul", List.of(x, "onnx::MatMul_orphan"), List.of("logits"));
        }
        if (spec.dropParameter() != null) {
            String dropped = spec.dropParameter();
            g.initializers.removeIf(t -> new String(t.bytes(), StandardCharsets.ISO_8859_1).contains(p + dropped));
            expected.remove(dropped);
        }
        return g.build();
    }

    private static int matmulCounter = 1000;

    /** MatMul(x, W[in, out]) -> Add(bias, .), as torch.onnx.export writes nn.Linear. */
    private static String dense(Graph g, TinyBert spec, Random random, String module, String x, int in, int out,
                                Map<String, Tensor> expected) {
        float[] w = values(random, in * out); // [in, out]
        float[] b = values(random, out);
        String wName = "onnx::MatMul_" + matmulCounter++;
        g.init(wName, new long[] {in, out}, w);
        String biasName = spec.prefix() + module + ".bias";
        if (spec.floatDataBias() && module.endsWith("query")) {
            g.initFloatData(biasName, new long[] {out}, b);
        } else {
            g.init(biasName, new long[] {out}, b);
        }
        Tensor onnxLayout = new Tensor(wName, new long[] {in, out}, w);
        expected.put(module + ".weight", onnxLayout.transposed2d(module + ".weight"));
        expected.put(module + ".bias", new Tensor(module + ".bias", new long[] {out}, b));
        String product = g.fresh("matmul");
        g.node("MatMul", List.of(x, wName), List.of(product));
        String sum = g.fresh("add");
        g.node("Add", List.of(biasName, product), List.of(sum));
        return sum;
    }

    private static String layerNorm(Graph g, TinyBert spec, Random random, String module, String x,
                                    Map<String, Tensor> expected) {
        float[] w = values(random, H);
        float[] b = values(random, H);
        String wName = spec.prefix() + module + (spec.gammaBeta() ? ".gamma" : ".weight");
        String bName = spec.prefix() + module + (spec.gammaBeta() ? ".beta" : ".bias");
        g.init(wName, new long[] {H}, w);
        g.init(bName, new long[] {H}, b);
        expected.put(module + ".weight", new Tensor(module + ".weight", new long[] {H}, w));
        expected.put(module + ".bias", new Tensor(module + ".bias", new long[] {H}, b));
        String y = g.fresh("ln");
        if (spec.layerNormNodes()) {
            g.node("LayerNormalization", List.of(x, wName, bName), List.of(y), attrFloat("epsilon", LN_EPS),
                    attrInt("axis", -1));
        } else {
            // decomposed: (x - mean) / sqrt(var + eps) * w + b
            String mean = g.fresh("mean");
            String centered = g.fresh("centered");
            String variance = g.fresh("var");
            String eps = g.fresh("eps");
            String shifted = g.fresh("shifted");
            String root = g.fresh("sqrt");
            String normed = g.fresh("normed");
            String scaled = g.fresh("scaled");
            g.node("ReduceMean", List.of(x), List.of(mean));
            g.node("Sub", List.of(x, mean), List.of(centered));
            g.node("ReduceMean", List.of(centered), List.of(variance));
            g.node("Constant", List.of(), List.of(eps), attrTensor("value",
                    tensor(null, new long[0], OnnxGraph.FLOAT, floatsLE(new float[] {LN_EPS}))));
            g.node("Add", List.of(variance, eps), List.of(shifted));
            g.node("Sqrt", List.of(shifted), List.of(root));
            g.node("Div", List.of(centered, root), List.of(normed));
            g.node("Mul", List.of(normed, wName), List.of(scaled));
            g.node("Add", List.of(scaled, bName), List.of(y));
        }
        return y;
    }

    private static float[] values(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /**
     * Finds the raw float32 data of a named initializer in a serialized ONNX model by byte pattern only: a
     * TensorProto serializes {@code name} (field 8) right before {@code raw_data} (field 9), so the pattern is
     * {@code 0x42 <len> <name> 0x4a <varint len> <data>}. Fails unless exactly one occurrence exists.
     */
    static float[] scanRawInitializer(byte[] onnx, String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] pattern = new byte[nameBytes.length + 3];
        pattern[0] = 0x42;
        pattern[1] = (byte) nameBytes.length; // names here are shorter than 128 bytes
        System.arraycopy(nameBytes, 0, pattern, 2, nameBytes.length);
        pattern[pattern.length - 1] = 0x4a;
        List<float[]> found = new ArrayList<>();
        outer:
        for (int i = 0; i + pattern.length < onnx.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (onnx[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            int pos = i + pattern.length;
            long length = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = onnx[pos++];
                length |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    break;
                }
            }
            float[] values = new float[(int) (length / 4)];
            ByteBuffer.wrap(onnx, pos, (int) length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            found.add(values);
        }
        if (found.size() != 1) {
            throw new AssertionError("expected one raw initializer named " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    static Map<String, Tensor> newExpected() {
        return new LinkedHashMap<>();
    }
}
