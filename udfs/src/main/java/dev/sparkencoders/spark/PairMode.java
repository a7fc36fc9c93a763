package dev.sparkencoders.spark;

import java.util.Locale;

/** How the {@code pairs} job scores a text pair. */
public enum PairMode {
    /** BERT next-sentence prediction or ALBERT sentence-order prediction: probability that B follows A. */
    NSP,
    /** A cross-encoder (sequence classification over the pair): sigmoid of a single logit, or P(last label). */
    CROSS_ENCODER,
    /** Cosine similarity of the two texts' sentence embeddings. */
    COSINE;

    public static PairMode parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot use pairs.mode=" + name + ": unknown mode (use nsp,"
                    + " cross-encoder or cosine)");
        }
    }
}
