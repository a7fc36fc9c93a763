package dev.sparkencoders.spark;

import dev.sparkencoders.encoder.HeadKind;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.runtime.EncoderModel;

import java.util.Locale;

/** How a text pair is scored (the {@code pairs} job, the {@code PairScorer} transformer). */
public enum PairMode {
    /** BERT next-sentence prediction or ALBERT sentence-order prediction: probability that B follows A. */
    NSP,
    /** A cross-encoder (sequence classification over the pair): sigmoid of a single logit, or P(last label). */
    CROSS_ENCODER,
    /** Cosine similarity of the two texts' sentence embeddings. */
    COSINE;

    /** The name of {@link #resolve}'s mode that picks the first mode the model supports. */
    public static final String AUTO = "auto";

    private static PairMode parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Cannot use pair mode '" + name + "': unknown mode (use nsp,"
                    + " cross-encoder, cosine or auto)");
        }
    }

    /**
     * The mode {@code name} names for this model; {@value #AUTO} picks the first the model supports: NSP/SOP when
     * it has that head, else cross-encoder when it has a sequence-classification head, else cosine.
     */
    public static PairMode resolve(String name, EncoderModel model) {
        if (!AUTO.equalsIgnoreCase(name == null ? "" : name.trim())) {
            return parse(name);
        }
        if (hasHead(model, HeadKind.NEXT_SENTENCE)) {
            return NSP;
        }
        return hasHead(model, HeadKind.SEQUENCE_CLASSIFICATION) ? CROSS_ENCODER : COSINE;
    }

    private static boolean hasHead(EncoderModel model, HeadKind kind) {
        try {
            model.head(kind);
            return true;
        } catch (CheckpointException e) {
            return false;
        }
    }
}
