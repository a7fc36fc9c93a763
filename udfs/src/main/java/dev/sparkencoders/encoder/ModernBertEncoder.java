package dev.sparkencoders.encoder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.model.ModernBertConfig;
import dev.sparkencoders.model.ModernBertConfig.AttentionScope;
import dev.sparkencoders.model.SafetensorsFile;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The ModernBERT encoder body on DJL's PyTorch engine, with HuggingFace's parameter names (under {@code model.} or
 * none): token embeddings and their LayerNorm ({@code embeddings.tok_embeddings}, {@code embeddings.norm}), then
 * pre-LayerNorm layers ({@code layers.N.attn_norm}, {@code attn.Wqkv}, {@code attn.Wo}, {@code mlp_norm},
 * {@code mlp.Wi}, {@code mlp.Wo}; see {@link ModernBertLayer}) and {@code final_norm}. Positions are 0, 1, 2, ... as
 * rotary embeddings (no position table, no segment embeddings); global layers attend to every token and use
 * {@code global_rope_theta}, local layers attend within |i - j| &lt;= local_attention / 2 and use
 * {@code local_rope_theta}. Biases and LayerNorm biases are read only where config.json says the model has them.
 * A padded batch with its attention mask gives each row what the row alone gives (HuggingFace's unpadded path).
 *
 * <pre>{@code
 * try (ModernBertEncoder encoder = ModernBertEncoder.load(Checkpoint.open(dir))) { ... }
 * }</pre>
 */
public final class ModernBertEncoder implements Encoder {

    /** The additive bias that removes a key from a row's softmax. */
    private static final float MASKED = -1e30f;

    private final ModelConfig config;
    private final ModernBertConfig modern;
    private final NDManager manager;
    private final NDArray tokenEmbeddings;
    private final Norm embeddingNorm;
    private final List<ModernBertLayer> layers;
    private final Norm finalNorm;
    private final Map<AttentionScope, NDArray[]> rotary;

    private ModernBertEncoder(ModelConfig config, ModernBertConfig modern, NDManager manager, NDArray tokenEmbeddings,
                              Norm embeddingNorm, List<ModernBertLayer> layers, Norm finalNorm,
                              Map<AttentionScope, NDArray[]> rotary) {
        this.config = config;
        this.modern = modern;
        this.manager = manager;
        this.tokenEmbeddings = tokenEmbeddings;
        this.embeddingNorm = embeddingNorm;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.rotary = rotary;
    }

    public static ModernBertEncoder load(Checkpoint checkpoint) {
        ModelConfig c = checkpoint.config();
        ModernBertConfig modern = ModernBertConfig.of(c);
        FamilyLayout layout = FamilyLayout.of(c.family());
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.weightsFile())) {
            String prefix = WeightLoader.detectPrefix(file, layout.wordEmbeddings() + ".weight", layout.prefix(), "");
            WeightLoader w = new WeightLoader(file, manager, prefix, checkpoint.dir());
            long h = c.hiddenSize();
            float eps = c.layerNormEps();
            boolean normBias = modern.normBias();
            NDArray tokens = w.load(layout.wordEmbeddings() + ".weight", c.vocabSize(), h);
            Norm embeddingNorm = Norm.load(w, layout.embeddingNorm(), h, eps, normBias);
            List<ModernBertLayer> layers = new ArrayList<>();
            for (int i = 0; i < c.numLayers(); i++) {
                layers.add(loadLayer(w, c, modern, i));
            }
            Norm finalNorm = Norm.load(w, "final_norm", h, eps, normBias);
            w.verify();
            Map<AttentionScope, NDArray[]> rotary = new EnumMap<>(AttentionScope.class);
            for (AttentionScope scope : modern.scopes()) {
                rotary.computeIfAbsent(scope, s -> {
                    RotaryTables t = RotaryTables.of(c.maxPositions(), c.headSize(), modern.ropeTheta(s));
                    Shape shape = new Shape(t.positions(), t.headSize());
                    return new NDArray[] {manager.create(t.cos(), shape), manager.create(t.sin(), shape)};
                });
            }
            return new ModernBertEncoder(c, modern, manager, tokens, embeddingNorm, List.copyOf(layers), finalNorm,
                    rotary);
        } catch (RuntimeException ex) {
            manager.close();
            throw ex;
        }
    }

    private static ModernBertLayer loadLayer(WeightLoader w, ModelConfig c, ModernBertConfig modern, int index) {
        String p = "layers." + index + ".";
        long h = c.hiddenSize();
        long ffn = c.intermediateSize();
        float eps = c.layerNormEps();
        return new ModernBertLayer(
                index == 0 ? null : Norm.load(w, p + "attn_norm", h, eps, modern.normBias()),
                Dense.load(w, p + "attn.Wqkv", 3 * h, h, modern.attentionBias()),
                Dense.load(w, p + "attn.Wo", h, h, modern.attentionBias()),
                Norm.load(w, p + "mlp_norm", h, eps, modern.normBias()),
                Dense.load(w, p + "mlp.Wi", 2 * ffn, h, modern.mlpBias()),
                Dense.load(w, p + "mlp.Wo", h, ffn, modern.mlpBias()),
                c.numHeads(), ffn, FeedForwardActivation.of(c.activation()));
    }

    @Override
    public Engine engine() {
        return Engine.PYTORCH;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public long padTokenId() {
        return config.padTokenId();
    }

    @Override
    public NDManager newBatchManager() {
        return manager.newSubManager();
    }

    @Override
    public NDArray lastHiddenState(PaddedBatch batch) {
        FamilyLayout.requirePositions(config, batch.width());
        int width = batch.width();
        NDArray x;
        try (NDArray tokens = Embedding.embedding(batch.ids(), tokenEmbeddings, SparseFormat.DENSE).singletonOrThrow()) {
            x = embeddingNorm.apply(tokens);
        }
        String rows = "0:" + width;
        try (NDArray global = batch.attentionBias();
             NDArray window = windowBias(batch.ids().getManager(), width);
             NDArray local = global.add(window);
             NDArray globalCos = rotary.get(AttentionScope.GLOBAL) == null ? null
                     : rotary.get(AttentionScope.GLOBAL)[0].get(rows);
             NDArray globalSin = rotary.get(AttentionScope.GLOBAL) == null ? null
                     : rotary.get(AttentionScope.GLOBAL)[1].get(rows);
             NDArray localCos = rotary.get(AttentionScope.LOCAL) == null ? null
                     : rotary.get(AttentionScope.LOCAL)[0].get(rows);
             NDArray localSin = rotary.get(AttentionScope.LOCAL) == null ? null
                     : rotary.get(AttentionScope.LOCAL)[1].get(rows)) {
            for (int i = 0; i < layers.size(); i++) {
                boolean isLocal = modern.scope(i) == AttentionScope.LOCAL;
                NDArray next = layers.get(i).forward(x, isLocal ? local : global, isLocal ? localCos : globalCos,
                        isLocal ? localSin : globalSin);
                x.close();
                x = next;
            }
        }
        try (NDArray last = x) {
            return finalNorm.apply(last);
        }
    }

    /** [1, 1, L, L]: 0 where |i - j| &lt;= local_attention / 2, a large negative number elsewhere. */
    private NDArray windowBias(NDManager scope, int width) {
        try (NDArray positions = scope.arange(0, width, 1, DataType.FLOAT32);
             NDArray rows = positions.reshape(width, 1);
             NDArray columns = positions.reshape(1, width);
             NDArray distance = rows.sub(columns).abs();
             NDArray outside = distance.gt(modern.halfWindow());
             NDArray flags = outside.toType(DataType.FLOAT32, false)) {
            return flags.mul(MASKED).reshape(1, 1, width, width);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
