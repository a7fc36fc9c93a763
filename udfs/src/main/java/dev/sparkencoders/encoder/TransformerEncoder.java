package dev.sparkencoders.encoder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.LayerNorm;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.model.ModelFamily;
import dev.sparkencoders.model.SafetensorsFile;
import dev.sparkencoders.model.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The encoder body of the post-LayerNorm families (all but ModernBERT, see {@link ModernBertEncoder}) on DJL's
 * PyTorch engine: embeddings (word + position [+ segment]),
 * LayerNorm, an optional projection to the hidden size (ALBERT's factorised embeddings, ELECTRA's
 * {@code embeddings_project}), then post-LayerNorm transformer layers (shared across layers for ALBERT's layer
 * groups). Parameters load under HuggingFace's names with or without the base-model prefix ({@code bert.},
 * {@code roberta.}, {@code albert.}, {@code electra.}, {@code distilbert.}).
 *
 * <pre>{@code
 * try (TransformerEncoder encoder = TransformerEncoder.load(Checkpoint.open(dir))) { ... }
 * }</pre>
 */
public final class TransformerEncoder implements Encoder {

    private final ModelConfig config;
    private final FamilyLayout layout;
    private final NDManager manager;
    private final NDArray wordEmbeddings;
    private final NDArray positionEmbeddings;
    private final NDArray typeEmbeddings;
    private final NDArray embeddingNormWeight;
    private final NDArray embeddingNormBias;
    private final Dense projection;
    private final List<TransformerLayer> layers;

    private TransformerEncoder(ModelConfig config, FamilyLayout layout, NDManager manager, NDArray wordEmbeddings,
                               NDArray positionEmbeddings, NDArray typeEmbeddings, NDArray embeddingNormWeight,
                               NDArray embeddingNormBias, Dense projection, List<TransformerLayer> layers) {
        this.config = config;
        this.layout = layout;
        this.manager = manager;
        this.wordEmbeddings = wordEmbeddings;
        this.positionEmbeddings = positionEmbeddings;
        this.typeEmbeddings = typeEmbeddings;
        this.embeddingNormWeight = embeddingNormWeight;
        this.embeddingNormBias = embeddingNormBias;
        this.projection = projection;
        this.layers = layers;
    }

    public static TransformerEncoder load(Checkpoint checkpoint) {
        ModelConfig c = checkpoint.config();
        FamilyLayout layout = FamilyLayout.of(c.family());
        if (c.numLayers() % c.numHiddenGroups() != 0) {
            throw new CheckpointException("Cannot load model " + checkpoint.dir() + ": num_hidden_layers "
                    + c.numLayers() + " is not a multiple of num_hidden_groups " + c.numHiddenGroups()
                    + " (fix config.json)");
        }
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.weightsFile())) {
            String prefix = WeightLoader.detectPrefix(file, layout.wordEmbeddings() + ".weight", layout.prefix(), "");
            WeightLoader w = new WeightLoader(file, manager, prefix, checkpoint.dir());
            long h = c.hiddenSize();
            long e = c.embeddingSize();
            NDArray words = w.load(layout.wordEmbeddings() + ".weight", c.vocabSize(), e);
            NDArray positions = w.load(layout.positionEmbeddings() + ".weight", c.maxPositions(), e);
            NDArray types = layout.typeEmbeddings() == null || c.typeVocabSize() == 0 ? null
                    : w.load(layout.typeEmbeddings() + ".weight", c.typeVocabSize(), e);
            NDArray normWeight = w.load(layout.embeddingNorm() + ".weight", e);
            NDArray normBias = w.load(layout.embeddingNorm() + ".bias", e);
            Dense projection = layout.embeddingProjection() != null && e != h
                    ? Dense.load(w, layout.embeddingProjection(), h, e) : null;
            int blocks = c.family() == ModelFamily.ALBERT ? c.numHiddenGroups() : c.numLayers();
            List<TransformerLayer> distinct = new ArrayList<>();
            for (int i = 0; i < blocks; i++) {
                distinct.add(loadLayer(w, manager, c, layout.layers(), i));
            }
            w.verify();
            List<TransformerLayer> layers = new ArrayList<>();
            for (int i = 0; i < c.numLayers(); i++) {
                layers.add(distinct.get(i * blocks / c.numLayers()));
            }
            return new TransformerEncoder(c, layout, manager, words, positions, types, normWeight, normBias,
                    projection, List.copyOf(layers));
        } catch (RuntimeException ex) {
            manager.close();
            throw ex;
        }
    }

    private static TransformerLayer loadLayer(WeightLoader w, NDManager manager, ModelConfig c,
                                              FamilyLayout.LayerNames names, int index) {
        String p = names.at(index);
        long h = c.hiddenSize();
        long ffn = c.intermediateSize();
        float scale = (float) (1 / Math.sqrt(c.headSize()));
        Tensor qw = w.read(p + names.query() + ".weight", h, h);
        Tensor qb = w.read(p + names.query() + ".bias", h);
        Tensor kw = w.read(p + names.key() + ".weight", h, h);
        Tensor kb = w.read(p + names.key() + ".bias", h);
        Tensor vw = w.read(p + names.value() + ".weight", h, h);
        Tensor vb = w.read(p + names.value() + ".bias", h);
        Dense qkv = null;
        if (qw != null && qb != null && kw != null && kb != null && vw != null && vb != null) {
            qkv = new Dense(manager.create(concat(scaled(qw.data(), scale), kw.data(), vw.data()), new Shape(3 * h, h)),
                    manager.create(concat(scaled(qb.data(), scale), kb.data(), vb.data()), new Shape(3 * h)));
        }
        return new TransformerLayer(qkv,
                Dense.load(w, p + names.attentionOut(), h, h),
                Norm.load(w, p + names.attentionNorm(), h, c.layerNormEps()),
                Dense.load(w, p + names.ffnIn(), ffn, h),
                Dense.load(w, p + names.ffnOut(), h, ffn),
                Norm.load(w, p + names.outputNorm(), h, c.layerNormEps()),
                c.numHeads(), FeedForwardActivation.of(c.activation()));
    }

    private static float[] scaled(float[] values, float factor) {
        float[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= factor;
        }
        return out;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
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
        NDArray x;
        try (NDArray positionIds = positionIds(batch);
             NDArray words = embed(batch.ids(), wordEmbeddings);
             NDArray positions = embed(positionIds, positionEmbeddings);
             NDArray sum = words.addi(positions)) {
            if (typeEmbeddings != null) {
                try (NDArray types = embed(batch.segmentIds(config), typeEmbeddings)) {
                    sum.addi(types);
                }
            }
            x = LayerNorm.layerNorm(sum, new Shape(config.embeddingSize()), embeddingNormWeight, embeddingNormBias,
                    config.layerNormEps()).singletonOrThrow();
        }
        if (projection != null) {
            try (NDArray small = x) {
                x = projection.apply(small);
            }
        }
        try (NDArray bias = batch.attentionBias()) {
            for (TransformerLayer layer : layers) {
                NDArray next = layer.forward(x, bias);
                x.close();
                x = next;
            }
        }
        return x;
    }

    private NDArray positionIds(PaddedBatch batch) {
        NDManager scope = batch.ids().getManager();
        if (layout.positions() == FamilyLayout.PositionScheme.ABSOLUTE) {
            return scope.arange(0, batch.width(), 1).reshape(1, batch.width());
        }
        try (NDArray counts = batch.mask().cumSum(1).muli(batch.mask()).addi(config.padTokenId())) {
            return counts.toType(DataType.INT64, false);
        }
    }

    private static NDArray embed(NDArray ids, NDArray table) {
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
