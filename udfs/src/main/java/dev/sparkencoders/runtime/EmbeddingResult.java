package dev.sparkencoders.runtime;

/** The outcome for one input row: an embedding, or an error message and no embedding. */
public record EmbeddingResult(float[] embedding, String error, int tokens, boolean truncated) {

    public static EmbeddingResult failed(String error) {
        return new EmbeddingResult(null, error, 0, false);
    }

    public boolean ok() {
        return error == null;
    }
}
