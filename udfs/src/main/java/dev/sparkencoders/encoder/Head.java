package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A task head: a short chain of operations applied to the encoder's last hidden state. Sequence-level heads start
 * by taking the first token ([CLS] / &lt;s&gt;); token-level heads apply to every position they are given.
 *
 * <pre>{@code
 * NDArray logits = model.head(HeadKind.SEQUENCE_CLASSIFICATION).apply(hidden); // [B, labels]
 * }</pre>
 */
public final class Head {

    private final HeadKind kind;
    private final List<UnaryOperator<NDArray>> steps;
    private final int outputs;

    Head(HeadKind kind, List<UnaryOperator<NDArray>> steps, int outputs) {
        this.kind = kind;
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

    /** Applies the head; intermediates are closed, the input is left open. */
    public NDArray apply(NDArray hidden) {
        NDArray x = hidden;
        for (UnaryOperator<NDArray> step : steps) {
            NDArray next = step.apply(x);
            if (x != hidden) {
                x.close();
            }
            x = next;
        }
        return x;
    }

    static UnaryOperator<NDArray> firstToken() {
        return x -> x.get(":, 0, :");
    }
}
