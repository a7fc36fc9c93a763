package dev.sparkencoders.encoder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Embedding;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.norm.LayerNorm;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.model.SafetensorsFile;
import dev.sparkencoders.model.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * BERT's encoder body on DJL's PyTorch engine: word + position + segment embeddings with LayerNorm, then
 * post-LayerNorm transformer layers. Loads HuggingFace parameter names with or without the {@code bert.} prefix
 * ({@code BertModel}, {@code BertForMaskedLM}, {@code BertForSequenceClassification}, ...).
 *
 * <pre>{@code
 * try (BertEncoder encoder = BertEncoder.load(Checkpoint.open(dir))) { ... }
 * }</pre>
 */
public final class BertEncoder implements Encoder {

    private final ModelConfig config;
    private final NDManager manager;
    private final NDArray wordEmbeddings;
    private final NDArray positionEmbeddings;
    private final NDArray typeEmbeddings;
    private final NDArray embeddingNormWeight;
    private final NDArray embeddingNormBias;
    private final List<TransformerLayer> layers;

    private BertEncoder(ModelConfig config, NDManager manager, NDArray wordEmbeddings, NDArray positionEmbeddings,
                        NDArray typeEmbeddings, NDArray embeddingNormWeight, NDArray embeddingNormBias,
                        List<TransformerLayer> layers) {
        this.config = config;
        this.manager = manager;
        this.wordEmbeddings = wordEmbeddings;
        this.positionEmbeddings = positionEmbeddings;
        this.typeEmbeddings = typeEmbeddings;
        this.embeddingNormWeight = embeddingNormWeight;
        this.embeddingNormBias = embeddingNormBias;
        this.layers = layers;
    }

    public static BertEncoder load(Checkpoint checkpoint) {
        ModelConfig c = checkpoint.config();
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.weightsFile())) {
            String prefix = WeightLoader.detectPrefix(file, "embeddings.word_embeddings.weight", "bert.", "");
            WeightLoader w = new WeightLoader(file, manager, prefix, checkpoint.dir());
            long h = c.hiddenSize();
            NDArray words = w.load("embeddings.word_embeddings.weight", c.vocabSize(), h);
            NDArray positions = w.load("embeddings.position_embeddings.weight", c.maxPositions(), h);
            NDArray types = w.load("embeddings.token_type_embeddings.weight", c.typeVocabSize(), h);
            NDArray normWeight = w.load("embeddings.LayerNorm.weight", h);
            NDArray normBias = w.load("embeddings.LayerNorm.bias", h);
            List<TransformerLayer> layers = new ArrayList<>();
            for (int i = 0; i < c.numLayers(); i++) {
                layers.add(loadLayer(w, manager, c, "encoder.layer." + i + "."));
            }
            w.verify();
            return new BertEncoder(c, manager, words, positions, types, normWeight, normBias, List.copyOf(layers));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static TransformerLayer loadLayer(WeightLoader w, NDManager manager, ModelConfig c, String p) {
        long h = c.hiddenSize();
        long ffn = c.intermediateSize();
        float scale = (float) (1 / Math.sqrt(c.headSize()));
        Tensor qw = w.read(p + "attention.self.query.weight", h, h);
        Tensor qb = w.read(p + "attention.self.query.bias", h);
        Tensor kw = w.read(p + "attention.self.key.weight", h, h);
        Tensor kb = w.read(p + "attention.self.key.bias", h);
        Tensor vw = w.read(p + "attention.self.value.weight", h, h);
        Tensor vb = w.read(p + "attention.self.value.bias", h);
        NDArray qkvWeight = null;
        NDArray qkvBias = null;
        if (qw != null && qb != null && kw != null && kb != null && vw != null && vb != null) {
            qkvWeight = manager.create(concat(scaled(qw.data(), scale), kw.data(), vw.data()), new Shape(3 * h, h));
            qkvBias = manager.create(concat(scaled(qb.data(), scale), kb.data(), vb.data()), new Shape(3 * h));
        }
        return new TransformerLayer(qkvWeight, qkvBias,
                w.load(p + "attention.output.dense.weight", h, h),
                w.load(p + "attention.output.dense.bias", h),
                w.load(p + "attention.output.LayerNorm.weight", h),
                w.load(p + "attention.output.LayerNorm.bias", h),
                w.load(p + "intermediate.dense.weight", ffn, h),
                w.load(p + "intermediate.dense.bias", ffn),
                w.load(p + "output.dense.weight", h, ffn),
                w.load(p + "output.dense.bias", h),
                w.load(p + "output.LayerNorm.weight", h),
                w.load(p + "output.LayerNorm.bias", h),
                c.numHeads(), c.layerNormEps(), FeedForwardActivation.of(c.activation()));
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
        if (batch.width() > config.maxPositions()) {
            throw new IllegalArgumentException("Cannot encode a batch of " + batch.width() + " tokens per row: the"
                    + " model has " + config.maxPositions() + " positions (truncate to max_position_embeddings)");
        }
        NDManager scope = batch.ids().getManager();
        NDArray x;
        try (NDArray positionIds = scope.arange(0, batch.width(), 1).reshape(1, batch.width());
             NDArray words = embed(batch.ids(), wordEmbeddings);
             NDArray positions = embed(positionIds, positionEmbeddings);
             NDArray types = embed(batch.typeIds(), typeEmbeddings);
             NDArray sum = words.add(positions).addi(types)) {
            x = LayerNorm.layerNorm(sum, new Shape(config.hiddenSize()), embeddingNormWeight, embeddingNormBias,
                    config.layerNormEps()).singletonOrThrow();
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

    private static NDArray embed(NDArray ids, NDArray table) {
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
