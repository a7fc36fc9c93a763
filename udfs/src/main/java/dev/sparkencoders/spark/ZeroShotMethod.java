package dev.sparkencoders.spark;

import dev.sparkencoders.runtime.EncoderModel;

import java.util.Locale;

/**
 * How {@code classify} ranks labels it was not trained on.
 *
 * <pre>{@code
 * ZeroShotMethod method = ZeroShotMethod.parse("auto").resolve(model); // NLI for an NLI model, else EMBEDDING
 * }</pre>
 */
public enum ZeroShotMethod {
    /** {@link #NLI} when the model's labels name an entailment label, else {@link #EMBEDDING}. */
    AUTO,
    /** An NLI cross-encoder scores each (text, description) pair: {@link ZeroShotNliTask}. */
    NLI,
    /** Cosine between the text's and each description's sentence embedding: {@link ZeroShotEmbeddingTask}. */
    EMBEDDING;

    public static ZeroShotMethod parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot use zero-shot.method=" + name + ": unknown method (use auto,"
                    + " nli or embedding)");
        }
    }

    /** The method for this model: {@link #AUTO} picks one, the others stay. */
    public ZeroShotMethod resolve(EncoderModel model) {
        return this != AUTO ? this : ZeroShotNliTask.isNli(model) ? NLI : EMBEDDING;
    }
}
