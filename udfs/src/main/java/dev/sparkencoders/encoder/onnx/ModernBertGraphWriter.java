package dev.sparkencoders.encoder.onnx;

import dev.sparkencoders.encoder.FamilyLayout;
import dev.sparkencoders.encoder.RotaryTables;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.encoder.WeightLoader;
import dev.sparkencoders.encoder.onnx.OnnxModelFile.Attribute;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.model.ModernBertConfig;
import dev.sparkencoders.model.ModernBertConfig.AttentionScope;
import dev.sparkencoders.model.SafetensorsFile;

import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a ModernBERT encoder body as an ONNX graph with inputs {@code input_ids} and {@code attention_mask} (int64
 * [batch, sequence]) and output {@code last_hidden_state}, the same computation as
 * {@link dev.sparkencoders.encoder.ModernBertEncoder} in plain opset-12 operators:
 * <ul>
 *   <li>rotary embeddings: cos/sin tables of every position as initializers (one pair per rotary base), gathered by
 *       position and applied as q * cos + rotate_half(q) * sin, rotate_half being Slice/Neg/Concat;</li>
 *   <li>the sliding window of local layers: an additive [batch, 1, sequence, sequence] bias made from the distance
 *       between positions (Sub/Abs/Greater/Cast/Mul), added to the padding bias;</li>
 *   <li>GeGLU: the two halves of {@code mlp.Wi}'s output by Slice, act(first) * second.</li>
 * </ul>
 * Linear layers and LayerNorms have biases only where config.json says so. ONNX Runtime's attention fusion does not
 * apply to rotary attention; its LayerNorm and GELU fusions still may.
 */
final class ModernBertGraphWriter {

    /** The additive bias that removes a key from a row's softmax. */
    private static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final ModernBertConfig modern;
    private final WeightLoader weights;
    private final OnnxModelFile model = new OnnxModelFile(EncoderGraphWriter.OPSET);
    private final GraphOps ops;

    private ModernBertGraphWriter(Checkpoint checkpoint, SafetensorsFile file, Precision precision) {
        this.config = checkpoint.config();
        this.modern = ModernBertConfig.of(config);
        FamilyLayout layout = FamilyLayout.of(config.family());
        String prefix = WeightLoader.detectPrefix(file, layout.wordEmbeddings() + ".weight", layout.prefix(), "");
        this.weights = new WeightLoader(file, null, prefix, checkpoint.dir());
        this.ops = new GraphOps(model, file, weights, config.layerNormEps(), precision);
    }

    /** Writes the graph; fails naming every missing or mis-shaped parameter, or beyond protobuf's 2 GB. */
    static void write(Checkpoint checkpoint, Precision precision, OutputStream out) throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.weightsFile())) {
            ModernBertGraphWriter writer = new ModernBertGraphWriter(checkpoint, file, precision);
            writer.build();
            writer.weights.verify();
            long size = writer.model.size();
            if (size >= OnnxModelFile.MAX_BYTES) {
                throw new CheckpointException("Cannot run model " + checkpoint.dir() + " on ONNX Runtime: its"
                        + " graph would take " + size + " bytes, more than protobuf's 2 GB limit (use engine=pytorch)");
            }
            writer.model.writeTo(out);
        }
    }

    private void build() {
        long h = config.hiddenSize();
        boolean normBias = modern.normBias();
        model.input("input_ids", OnnxModelFile.INT64, "batch", "sequence");
        model.input("attention_mask", OnnxModelFile.INT64, "batch", "sequence");
        FamilyLayout layout = FamilyLayout.of(config.family());
        String tokens = model.node("Gather", List.of(ops.weight(layout.wordEmbeddings() + ".weight",
                config.vocabSize(), h), "input_ids"));
        String x = ops.layerNorm(tokens, layout.embeddingNorm(), h, normBias);
        String positions = positionIds();
        String global = paddingBias();
        String local = modern.scopes().contains(AttentionScope.LOCAL)
                ? model.node("Add", List.of(global, windowBias(positions))) : null;
        Map<AttentionScope, String[]> rotary = new EnumMap<>(AttentionScope.class);
        for (AttentionScope scope : modern.scopes()) {
            rotary.computeIfAbsent(scope, s -> rotaryAt(s, positions));
        }
        for (int i = 0; i < config.numLayers(); i++) {
            AttentionScope scope = modern.scope(i);
            x = layer(x, i, scope == AttentionScope.LOCAL ? local : global, rotary.get(scope));
        }
        x = ops.layerNorm(x, "final_norm", h, normBias);
        model.output(x, "last_hidden_state", OnnxModelFile.FLOAT, "batch", "sequence", h);
    }

    /** Positions 0, 1, 2, ... per row as cumsum(ones like input_ids) - 1, int64 [batch, sequence]. */
    private String positionIds() {
        String one = model.int64s(new long[0], 1);
        String zero = model.int64s(new long[0], 0);
        String ones = model.node("Add", List.of(model.node("Mul", List.of("input_ids", zero)), one));
        return model.node("Sub", List.of(model.node("CumSum", List.of(ones, one)), one));
    }

    /** (1 - mask) * MASKED as [batch, 1, 1, sequence]. */
    private String paddingBias() {
        String unsqueezed = model.node("Unsqueeze", List.of("attention_mask"), Attribute.ints("axes", 1));
        String expanded = model.node("Unsqueeze", List.of(unsqueezed), Attribute.ints("axes", 2));
        String mask = model.node("Cast", List.of(expanded), Attribute.integer("to", OnnxModelFile.FLOAT));
        String inverted = model.node("Sub", List.of(model.scalar(1f), mask));
        return model.node("Mul", List.of(inverted, model.scalar(MASKED)));
    }

    /** MASKED where |i - j| > local_attention / 2, else 0, as [batch, 1, sequence, sequence]. */
    private String windowBias(String positions) {
        String at = model.node("Cast", List.of(positions), Attribute.integer("to", OnnxModelFile.FLOAT));
        String rows = model.node("Unsqueeze", List.of(at), Attribute.ints("axes", 2));
        String columns = model.node("Unsqueeze", List.of(at), Attribute.ints("axes", 1));
        String distance = model.node("Abs", List.of(model.node("Sub", List.of(rows, columns))));
        String outside = model.node("Greater", List.of(distance, model.scalar(modern.halfWindow())));
        String flags = model.node("Cast", List.of(outside), Attribute.integer("to", OnnxModelFile.FLOAT));
        String bias = model.node("Mul", List.of(flags, model.scalar(MASKED)));
        return model.node("Unsqueeze", List.of(bias), Attribute.ints("axes", 1));
    }

    /** The cos and sin [batch, 1, sequence, head size] of a rotary base at the rows' positions. */
    private String[] rotaryAt(AttentionScope scope, String positions) {
        int headSize = config.headSize();
        int rows = config.maxPositions();
        RotaryTables tables = RotaryTables.of(rows, headSize, modern.ropeTheta(scope));
        String name = "rotary." + scope.name().toLowerCase(java.util.Locale.ROOT);
        long[] dims = {rows, headSize};
        String cosTable = model.floats(name + ".cos", dims, tables::cos);
        String sinTable = model.floats(name + ".sin", dims, tables::sin);
        String cos = model.node("Unsqueeze", List.of(model.node("Gather", List.of(cosTable, positions))),
                Attribute.ints("axes", 1));
        String sin = model.node("Unsqueeze", List.of(model.node("Gather", List.of(sinTable, positions))),
                Attribute.ints("axes", 1));
        return new String[] {cos, sin};
    }

    /** One pre-LayerNorm layer (attn_norm is the identity on layer 0). */
    private String layer(String x, int index, String bias, String[] rotary) {
        String p = "layers." + index + ".";
        long h = config.hiddenSize();
        long heads = config.numHeads();
        long headSize = config.headSize();
        long ffn = config.intermediateSize();
        boolean normBias = modern.normBias();
        boolean attentionBias = modern.attentionBias();
        String normed = index == 0 ? x : ops.layerNorm(x, p + "attn_norm", h, normBias);
        String qkv = ops.linear(normed, p + "attn.Wqkv", 3 * h, h, attentionBias);
        String split = model.node("Transpose", List.of(model.node("Reshape", List.of(qkv,
                model.int64s(new long[] {5}, 0, 0, 3, heads, headSize)))), Attribute.ints("perm", 2, 0, 3, 1, 4));
        String q = rotate(part(split, 0), rotary, headSize);
        String k = rotate(part(split, 1), rotary, headSize);
        String v = part(split, 2);
        String kt = model.node("Transpose", List.of(k), Attribute.ints("perm", 0, 1, 3, 2));
        String scores = model.node("Div", List.of(model.node("MatMul", List.of(q, kt)),
                model.scalar((float) Math.sqrt(headSize))));
        String probs = model.node("Softmax", List.of(model.node("Add", List.of(scores, bias))),
                Attribute.integer("axis", 3));
        String context = model.node("Transpose", List.of(model.node("MatMul", List.of(probs, v))),
                Attribute.ints("perm", 0, 2, 1, 3));
        String merged = model.node("Reshape", List.of(context, model.int64s(new long[] {3}, 0, 0, h)));
        String attended = model.node("Add", List.of(x, ops.linear(merged, p + "attn.Wo", h, h, attentionBias)));

        String mlpIn = ops.linear(ops.layerNorm(attended, p + "mlp_norm", h, normBias), p + "mlp.Wi", 2 * ffn, h,
                modern.mlpBias());
        String input = slice(mlpIn, 0, ffn, 2);
        String gate = slice(mlpIn, ffn, 2 * ffn, 2);
        String gated = model.node("Mul", List.of(ops.activation(input, config.activation()), gate));
        return model.node("Add", List.of(attended, ops.linear(gated, p + "mlp.Wo", h, ffn, modern.mlpBias())));
    }

    /** Query, key or value [batch, heads, sequence, head size] from the split projection [3, batch, ...]. */
    private String part(String split, long index) {
        return model.node("Gather", List.of(split, model.int64s(new long[0], index)), Attribute.integer("axis", 0));
    }

    /** x * cos + rotate_half(x) * sin over the last axis (axis 3). */
    private String rotate(String x, String[] rotary, long headSize) {
        long half = headSize / 2;
        String first = slice(x, 0, half, 3);
        String second = slice(x, half, headSize, 3);
        String rotated = model.node("Concat", List.of(model.node("Neg", List.of(second)), first),
                Attribute.integer("axis", 3));
        return model.node("Add", List.of(model.node("Mul", List.of(x, rotary[0])),
                model.node("Mul", List.of(rotated, rotary[1]))));
    }

    private String slice(String x, long start, long end, long axis) {
        return model.node("Slice", List.of(x, model.int64s(new long[] {1}, start), model.int64s(new long[] {1}, end),
                model.int64s(new long[] {1}, axis)));
    }
}
