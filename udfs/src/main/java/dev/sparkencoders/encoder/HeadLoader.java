package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.model.ModelFamily;
import dev.sparkencoders.model.Pooling;
import dev.sparkencoders.model.SafetensorsFile;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Builds task heads with HuggingFace transformers' parameter names and semantics per family, e.g. BERT's
 * classifier on the tanh pooler, RoBERTa's dense + tanh + out_proj on &lt;s&gt;, masked-LM decoders tied to the
 * word embeddings; ModernBERT's heads are built by {@link ModernBertHead}. A checkpoint without the head's weights
 * fails with the missing parameter names. Heads are independent of the engine that runs the encoder body: their
 * weights are read from the checkpoint into the given PyTorch manager (the word embeddings too, when a masked-LM
 * decoder is tied to them).
 *
 * <pre>{@code
 * Head classifier = HeadLoader.load(HeadKind.SEQUENCE_CLASSIFICATION, checkpoint, headManager);
 * }</pre>
 */
public final class HeadLoader {

    private static final String MISSING_HEAD =
            "the checkpoint does not carry this head; use one fine-tuned or pre-trained with it";

    private HeadLoader() {}

    /** Loads the checkpoint's head of this kind with its weights in {@code manager} (a PyTorch manager). */
    public static Head load(HeadKind kind, Checkpoint checkpoint, NDManager manager) {
        ModelConfig c = checkpoint.config();
        ModelFamily family = c.family();
        String action = "Cannot use model " + checkpoint.dir() + " with " + kind.description();
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.weightsFile())) {
            FamilyLayout layout = FamilyLayout.of(family);
            String prefix = WeightLoader.detectPrefix(file, layout.wordEmbeddings() + ".weight", layout.prefix(), "");
            WeightLoader heads = new WeightLoader(file, manager, "", checkpoint.dir());
            WeightLoader base = new WeightLoader(file, manager, prefix, checkpoint.dir());
            if (family == ModelFamily.MODERNBERT) {
                Head head = ModernBertHead.load(kind, c, heads, base, layout, action);
                heads.verify(action, MISSING_HEAD);
                base.verify(action, MISSING_HEAD);
                return head;
            }
            long h = c.hiddenSize();
            List<UnaryOperator<NDArray>> steps = new ArrayList<>();
            Pooling pooling = null;
            int outputs;
            switch (kind) {
                case SEQUENCE_CLASSIFICATION -> {
                    outputs = labels(c, heads, family == ModelFamily.ROBERTA || family == ModelFamily.ELECTRA
                            ? "classifier.out_proj.weight" : "classifier.weight", action);
                    pooling = Pooling.CLS;
                    switch (family) {
                        case BERT, ALBERT -> {
                            addPooler(steps, base, family, h);
                            steps.add(Dense.load(heads, "classifier", outputs, h)::apply);
                        }
                        case ROBERTA, ELECTRA -> {
                            steps.add(Dense.load(heads, "classifier.dense", h, h)::apply);
                            steps.add((family == ModelFamily.ROBERTA ? FeedForwardActivation.TANH
                                    : FeedForwardActivation.GELU)::apply);
                            steps.add(Dense.load(heads, "classifier.out_proj", outputs, h)::apply);
                        }
                        case DISTILBERT -> {
                            steps.add(Dense.load(heads, "pre_classifier", h, h)::apply);
                            steps.add(FeedForwardActivation.RELU::apply);
                            steps.add(Dense.load(heads, "classifier", outputs, h)::apply);
                        }
                    }
                }
                case TOKEN_CLASSIFICATION -> {
                    outputs = labels(c, heads, "classifier.weight", action);
                    steps.add(Dense.load(heads, "classifier", outputs, h)::apply);
                }
                case NEXT_SENTENCE -> {
                    outputs = 2;
                    String classifier = switch (family) {
                        case BERT -> "cls.seq_relationship";
                        case ALBERT -> "sop_classifier.classifier";
                        default -> throw new CheckpointException(action + ": " + c.modelType()
                                + " models have no next-sentence or sentence-order head (use BERT or ALBERT, or a"
                                + " cross-encoder with pairs.mode=cross-encoder)");
                    };
                    pooling = Pooling.CLS;
                    addPooler(steps, base, family, h);
                    steps.add(Dense.load(heads, classifier, 2, h)::apply);
                }
                case MASKED_LM -> outputs = addMaskedLm(steps, heads, base, layout, c, action);
                case REPLACED_TOKEN -> {
                    if (family != ModelFamily.ELECTRA) {
                        throw new CheckpointException(action + ": replaced-token detection needs an ELECTRA"
                                + " discriminator, not a " + c.modelType() + " model");
                    }
                    outputs = 1;
                    steps.add(Dense.load(heads, "discriminator_predictions.dense", h, h)::apply);
                    steps.add(FeedForwardActivation.of(c.activation())::apply);
                    steps.add(Dense.load(heads, "discriminator_predictions.dense_prediction", 1, h)::apply);
                    steps.add(x -> x.squeeze(-1));
                }
                case QUESTION_ANSWERING -> {
                    outputs = 2;
                    steps.add(Dense.load(heads, "qa_outputs", 2, h)::apply);
                }
                default -> throw new IllegalStateException("unknown head " + kind);
            }
            heads.verify(action, MISSING_HEAD);
            base.verify(action, MISSING_HEAD);
            return new Head(kind, pooling, steps, outputs);
        }
    }

    /** BERT's pooler is {@code pooler.dense}; ALBERT's is a bare {@code pooler} linear layer. Both end in tanh. */
    private static void addPooler(List<UnaryOperator<NDArray>> steps, WeightLoader base,
                                  ModelFamily family, long h) {
        steps.add(Dense.load(base, family == ModelFamily.ALBERT ? "pooler" : "pooler.dense", h, h)::apply);
        steps.add(FeedForwardActivation.TANH::apply);
    }

    private static int addMaskedLm(List<UnaryOperator<NDArray>> steps, WeightLoader heads, WeightLoader base,
                                   FamilyLayout layout, ModelConfig c, String action) {
        long h = c.hiddenSize();
        long e = c.embeddingSize();
        long v = c.vocabSize();
        String dense;
        String norm;
        String bias;
        String decoder;
        long width = h;
        FeedForwardActivation activation = FeedForwardActivation.of(c.activation());
        switch (c.family()) {
            case BERT -> {
                dense = "cls.predictions.transform.dense";
                norm = "cls.predictions.transform.LayerNorm";
                bias = "cls.predictions.bias";
                decoder = "cls.predictions.decoder.weight";
            }
            case ROBERTA -> {
                dense = "lm_head.dense";
                norm = "lm_head.layer_norm";
                bias = "lm_head.bias";
                decoder = "lm_head.decoder.weight";
                activation = FeedForwardActivation.GELU;
            }
            case ALBERT -> {
                dense = "predictions.dense";
                norm = "predictions.LayerNorm";
                bias = "predictions.bias";
                decoder = "predictions.decoder.weight";
                width = e;
            }
            case ELECTRA -> {
                dense = "generator_predictions.dense";
                norm = "generator_predictions.LayerNorm";
                bias = "generator_lm_head.bias";
                decoder = "generator_lm_head.weight";
                width = e;
                activation = FeedForwardActivation.GELU;
            }
            case DISTILBERT -> {
                dense = "vocab_transform";
                norm = "vocab_layer_norm";
                bias = "vocab_projector.bias";
                decoder = "vocab_projector.weight";
            }
            default -> throw new CheckpointException(action + ": unsupported family " + c.family());
        }
        steps.add(Dense.load(heads, dense, width, h)::apply);
        steps.add(activation::apply);
        steps.add(Norm.load(heads, norm, width, c.layerNormEps())::apply);
        var decoderWeight = heads.has(decoder) ? heads.load(decoder, v, width)
                : base.load(layout.wordEmbeddings() + ".weight", v, width);
        steps.add(new Dense(decoderWeight, heads.load(bias, v))::apply);
        return (int) v;
    }

    /** The number of labels: id2label when the config has it, else the classifier's rows. */
    static int labels(ModelConfig c, WeightLoader heads, String classifierWeight, String action) {
        int fromConfig = c.labels().size();
        long fromWeights = heads.rows(classifierWeight);
        if (fromConfig > 0 && fromWeights >= 0 && fromConfig != fromWeights) {
            throw new CheckpointException(action + ": config.json id2label has " + fromConfig + " labels but "
                    + classifierWeight + " has " + fromWeights + " rows (the config does not belong to these weights)");
        }
        return fromConfig > 0 ? fromConfig : (int) Math.max(fromWeights, 1);
    }
}
