package dev.sparkencoders.encoder.onnx;

import dev.sparkencoders.encoder.FamilyLayout;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.encoder.WeightLoader;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.model.ModelFamily;
import dev.sparkencoders.model.SafetensorsFile;
import dev.sparkencoders.encoder.onnx.OnnxModelFile.Attribute;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes the encoder body of a checkpoint ({@code config.json} + {@code model.safetensors}, any supported family)
 * as an ONNX graph with inputs {@code input_ids}, {@code attention_mask} and, where the family has segment
 * embeddings, {@code token_type_ids} (int64 [batch, sequence]) and output {@code last_hidden_state} (float
 * [batch, sequence, hidden]).
 *
 * <p>The graph has the shape of a HuggingFace/PyTorch export at opset 12, because that is what ONNX Runtime's graph
 * optimizer recognises: LayerNorm as ReduceMean/Sub/Pow/Sqrt/Div, separate query/key/value MatMul + Add, Reshape
 * to constant [0, 0, heads, head size], Transpose, MatMul, Div by sqrt(head size), the additive mask
 * (1 - mask) * -10000 made by Unsqueeze/Unsqueeze/Cast/Sub/Mul, Softmax, MatMul, Transpose, Reshape, GELU as
 * Div/Erf/Add/Mul/Mul (tanh form: Pow/Mul/Add/Mul/Tanh/Add/Mul). At load ONNX Runtime fuses these into
 * LayerNormalization, Attention, SkipLayerNormalization and BiasGelu/FastGelu. Attention fusion needs the opset-12
 * node versions (Unsqueeze with an axes attribute, Cast-9, Add-7), hence the opset.
 *
 * <p>ModernBERT, a different architecture, is written by {@link ModernBertGraphWriter}.
 *
 * <pre>{@code
 * try (OutputStream out = Files.newOutputStream(file)) {
 *     EncoderGraphWriter.write(Checkpoint.open(dir), Precision.FP32, out);
 * }
 * }</pre>
 */
public final class EncoderGraphWriter {

    static final int OPSET = 12;

    private final ModelConfig config;
    private final FamilyLayout layout;
    private final WeightLoader weights;
    private final OnnxModelFile model = new OnnxModelFile(OPSET);
    private final GraphOps ops;

    private EncoderGraphWriter(Checkpoint checkpoint, SafetensorsFile file, Precision precision) {
        this.config = checkpoint.config();
        this.layout = FamilyLayout.of(config.family());
        String prefix = WeightLoader.detectPrefix(file, layout.wordEmbeddings() + ".weight", layout.prefix(), "");
        this.weights = new WeightLoader(file, null, prefix, checkpoint.dir());
        this.ops = new GraphOps(model, file, weights, config.layerNormEps(), precision);
    }

    /** True when the checkpoint's family has segment (token type) embeddings, i.e. a token_type_ids input. */
    public static boolean hasTokenTypes(ModelConfig config) {
        return FamilyLayout.of(config.family()).typeEmbeddings() != null && config.typeVocabSize() > 0;
    }

    /**
     * Writes the graph of the checkpoint's encoder body at {@code precision} to {@code out}. Fails with a {@link CheckpointException}
     * naming every missing or mis-shaped parameter, or when the graph would exceed protobuf's 2 GB.
     */
    public static void write(Checkpoint checkpoint, Precision precision, OutputStream out) throws IOException {
        ModelConfig c = checkpoint.config();
        if (c.family() == ModelFamily.MODERNBERT) {
            ModernBertGraphWriter.write(checkpoint, precision, out);
            return;
        }
        if (c.numLayers() % c.numHiddenGroups() != 0) {
            throw new CheckpointException("Cannot load model " + checkpoint.dir() + ": num_hidden_layers "
                    + c.numLayers() + " is not a multiple of num_hidden_groups " + c.numHiddenGroups()
                    + " (fix config.json)");
        }
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.weightsFile())) {
            EncoderGraphWriter writer = new EncoderGraphWriter(checkpoint, file, precision);
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
        model.input("input_ids", OnnxModelFile.INT64, "batch", "sequence");
        model.input("attention_mask", OnnxModelFile.INT64, "batch", "sequence");
        String x = embeddings();
        if (layout.embeddingProjection() != null && config.embeddingSize() != h) {
            x = linear(x, layout.embeddingProjection(), h, config.embeddingSize());
        }
        String bias = attentionBias();
        int blocks = config.family() == ModelFamily.ALBERT ? config.numHiddenGroups() : config.numLayers();
        for (int i = 0; i < config.numLayers(); i++) {
            x = layer(x, bias, layout.layers().at(i * blocks / config.numLayers()));
        }
        model.output(x, "last_hidden_state", OnnxModelFile.FLOAT, "batch", "sequence", h);
    }

    /** Word + segment + position embeddings, then LayerNorm (of the embedding size). */
    private String embeddings() {
        long e = config.embeddingSize();
        String sum = model.node("Gather", List.of(weight(layout.wordEmbeddings() + ".weight", config.vocabSize(), e),
                "input_ids"));
        if (hasTokenTypes(config)) {
            model.input("token_type_ids", OnnxModelFile.INT64, "batch", "sequence");
            String types = model.node("Gather", List.of(
                    weight(layout.typeEmbeddings() + ".weight", config.typeVocabSize(), e), "token_type_ids"));
            sum = model.node("Add", List.of(sum, types));
        }
        String positions = model.node("Gather", List.of(
                weight(layout.positionEmbeddings() + ".weight", config.maxPositions(), e), positionIds()));
        sum = model.node("Add", List.of(sum, positions));
        return layerNorm(sum, layout.embeddingNorm(), e);
    }

    /**
     * Absolute positions 0, 1, 2, ... per row, as cumsum(ones like input_ids) - 1. RoBERTa: cumsum(mask) * mask +
     * padding_idx, so padding gets padding_idx and tokens count up from padding_idx + 1. Both keep the symbolic
     * [batch, sequence] shape of the inputs, which ONNX Runtime's fusions check downstream.
     */
    private String positionIds() {
        String one = model.int64s(new long[0], 1);
        if (layout.positions() == FamilyLayout.PositionScheme.AFTER_PADDING_IDX) {
            String counts = model.node("CumSum", List.of("attention_mask", one));
            String tokens = model.node("Mul", List.of(counts, "attention_mask"));
            return model.node("Add", List.of(tokens, model.int64s(new long[0], config.padTokenId())));
        }
        String zero = model.int64s(new long[0], 0);
        String ones = model.node("Add", List.of(model.node("Mul", List.of("input_ids", zero)), one));
        return model.node("Sub", List.of(model.node("CumSum", List.of(ones, one)), one));
    }

    /** (1 - mask) * -10000 as [batch, 1, 1, sequence], shared by every layer. */
    private String attentionBias() {
        String unsqueezed = model.node("Unsqueeze", List.of("attention_mask"), Attribute.ints("axes", 1));
        String expanded = model.node("Unsqueeze", List.of(unsqueezed), Attribute.ints("axes", 2));
        String mask = model.node("Cast", List.of(expanded), Attribute.integer("to", OnnxModelFile.FLOAT));
        String inverted = model.node("Sub", List.of(model.scalar(1f), mask));
        return model.node("Mul", List.of(inverted, model.scalar(-10000f)));
    }

    /** One post-LayerNorm transformer layer; {@code p} is the name prefix of its parameters. */
    private String layer(String x, String bias, String p) {
        FamilyLayout.LayerNames n = layout.layers();
        long h = config.hiddenSize();
        long heads = config.numHeads();
        long headSize = config.headSize();
        String splitShape = model.int64s(new long[] {4}, 0, 0, heads, headSize);
        String q = model.node("Transpose", List.of(model.node("Reshape", List.of(linear(x, p + n.query(), h, h),
                splitShape))), Attribute.ints("perm", 0, 2, 1, 3));
        String k = model.node("Transpose", List.of(model.node("Reshape", List.of(linear(x, p + n.key(), h, h),
                splitShape))), Attribute.ints("perm", 0, 2, 3, 1));
        String v = model.node("Transpose", List.of(model.node("Reshape", List.of(linear(x, p + n.value(), h, h),
                splitShape))), Attribute.ints("perm", 0, 2, 1, 3));
        String scores = model.node("Div", List.of(model.node("MatMul", List.of(q, k)),
                model.scalar((float) Math.sqrt(headSize))));
        String probs = model.node("Softmax", List.of(model.node("Add", List.of(scores, bias))),
                Attribute.integer("axis", 3));
        String context = model.node("Transpose", List.of(model.node("MatMul", List.of(probs, v))),
                Attribute.ints("perm", 0, 2, 1, 3));
        String merged = model.node("Reshape", List.of(context, model.int64s(new long[] {3}, 0, 0, h)));
        String attended = layerNorm(model.node("Add", List.of(linear(merged, p + n.attentionOut(), h, h), x)),
                p + n.attentionNorm(), h);
        String inner = ops.activation(linear(attended, p + n.ffnIn(), config.intermediateSize(), h), config.activation());
        String out = model.node("Add", List.of(linear(inner, p + n.ffnOut(), h, config.intermediateSize()), attended));
        return layerNorm(out, p + n.outputNorm(), h);
    }

    private String layerNorm(String x, String name, long size) {
        return ops.layerNorm(x, name, size);
    }

    private String linear(String x, String name, long out, long in) {
        return ops.linear(x, name, out, in);
    }

    private String weight(String name, long... shape) {
        return ops.weight(name, shape);
    }
}
