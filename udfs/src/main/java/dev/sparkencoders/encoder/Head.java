package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import dev.sparkencoders.model.Pooling;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A task head: a short chain of operations applied to the encoder's last hidden state. Sequence-level heads start
 * by pooling the tokens: the first token ([CLS] / &lt;s&gt;), or for ModernBERT with {@code classifier_pooling: mean}
 * the mean over the attention mask; token-level heads apply to every position they are given.
 *
 * <pre>{@code
 * NDArray logits = model.head(HeadKind.SEQUENCE_CLASSIFICATION).apply(hidden, batch.mask()); // [B, labels]
 * }</pre>
 */
public final class Head {

    private final HeadKind kind;
    private final Pooling pooling;
    private final List<UnaryOperator<NDArray>> steps;
    private final int outputs;

    /** {@code pooling} is null for token-level heads, else CLS or MEAN. */
    Head(HeadKind kind, Pooling pooling, List<UnaryOperator<NDArray>> steps, int outputs) {
        if (pooling == Pooling.MAX) {
            throw new IllegalArgumentException("Cannot build a head that pools by maximum: no HuggingFace head does");
        }
        this.kind = kind;
        this.pooling = pooling;
        this.steps = List.copyOf(steps);
        this.outputs = outputs;
    }

    public HeadKind kind() {
        return kind;
    }

    /** Size of the last output dimension: labels, 2, vocabulary size, or 1. */
    public int outputs() {
        return outputs;
    }

    /** True when the head reads the attention mask ({@link #apply(NDArray, NDArray)} needs it). */
    public boolean needsMask() {
        return pooling == Pooling.MEAN;
    }

    /** Applies a head that does not need the attention mask (see {@link #needsMask()}). */
    public NDArray apply(NDArray hidden) {
        return apply(hidden, null);
    }

    /**
     * Applies the head to a last hidden state [B, L, H] (or, for token-level heads, any [..., H]) with the batch's
     * attention mask [B, L] (1 = token), which only mean-pooling heads read; intermediates are closed, the inputs
     * are left open.
     */
    public NDArray apply(NDArray hidden, NDArray mask) {
        NDArray x = hidden;
        if (pooling != null) {
            x = pool(hidden, mask);
        }
        for (UnaryOperator<NDArray> step : steps) {
            NDArray next = step.apply(x);
            if (x != hidden) {
                x.close();
            }
            x = next;
        }
        return x;
    }

    private NDArray pool(NDArray hidden, NDArray mask) {
        if (pooling == Pooling.CLS) {
            return hidden.get(":, 0, :");
        }
        if (mask == null) {
            throw new IllegalArgumentException("Cannot apply " + kind.description() + " that mean-pools its"
                    + " tokens: no attention mask was given (pass the batch's mask)");
        }
        try (NDArray weights = mask.expandDims(2);
             NDArray weighted = hidden.mul(weights);
             NDArray sum = weighted.sum(new int[] {1});
             NDArray count = mask.sum(new int[] {1}, true)) {
            return sum.div(count);
        }
    }
}
