package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.model.ModernBertConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * ModernBERT's task heads as HuggingFace defines them: every head starts with the prediction head
 * {@code head.norm(act(head.dense(x)))} (activation {@code classifier_activation}, dense bias per
 * {@code classifier_bias}, LayerNorm bias per {@code norm_bias}); then {@code classifier} (with its bias) for
 * sequence classification (after {@code classifier_pooling}: the first token or the mean over the attention mask),
 * token classification and question answering (two outputs: start, end), or the {@code decoder} for masked-LM
 * (tied to {@code embeddings.tok_embeddings} when not stored, bias per {@code decoder_bias}). ModernBERT has no
 * next-sentence or replaced-token head.
 */
final class ModernBertHead {

    private ModernBertHead() {}

    /** The head of this kind; the caller verifies the loaders afterwards (missing weights load as null). */
    static Head load(HeadKind kind, ModelConfig c, WeightLoader heads, WeightLoader base, FamilyLayout layout,
                     String action) {
        ModernBertConfig modern = ModernBertConfig.of(c);
        long h = c.hiddenSize();
        List<UnaryOperator<NDArray>> steps = new ArrayList<>();
        steps.add(Dense.load(heads, "head.dense", h, h, modern.classifierBias())::apply);
        steps.add(FeedForwardActivation.of(modern.classifierActivation())::apply);
        steps.add(Norm.load(heads, "head.norm", h, c.layerNormEps(), modern.normBias())::apply);
        return switch (kind) {
            case SEQUENCE_CLASSIFICATION -> {
                int labels = HeadLoader.labels(c, heads, "classifier.weight", action);
                steps.add(Dense.load(heads, "classifier", labels, h)::apply);
                yield new Head(kind, modern.classifierPooling(), steps, labels);
            }
            case TOKEN_CLASSIFICATION -> {
                int labels = HeadLoader.labels(c, heads, "classifier.weight", action);
                steps.add(Dense.load(heads, "classifier", labels, h)::apply);
                yield new Head(kind, null, steps, labels);
            }
            case QUESTION_ANSWERING -> {
                steps.add(Dense.load(heads, "classifier", 2, h)::apply);
                yield new Head(kind, null, steps, 2);
            }
            case MASKED_LM -> {
                long v = c.vocabSize();
                NDArray decoder = heads.has("decoder.weight") ? heads.load("decoder.weight", v, h)
                        : base.load(layout.wordEmbeddings() + ".weight", v, h);
                NDArray bias = modern.decoderBias() ? heads.load("decoder.bias", v) : null;
                steps.add(new Dense(decoder, bias)::apply);
                yield new Head(kind, null, steps, (int) v);
            }
            case NEXT_SENTENCE, REPLACED_TOKEN -> throw new CheckpointException(action + ": modernbert models have"
                    + " no such head in HuggingFace transformers (use a masked-LM, sequence-classification,"
                    + " token-classification or question-answering checkpoint)");
        };
    }
}
