package dev.sparkencoders.runtime;

import dev.sparkencoders.encoder.Pooling;

import java.io.Serializable;

/**
 * What model to run and how to pool it, small enough to ship to executors. Null fields take the checkpoint's own
 * settings (sentence-transformers pooling files, the model's position limit); a null {@code path} means the
 * bundled all-MiniLM-L6-v2.
 *
 * <pre>{@code
 * ModelSpec spec = new ModelSpec("/models/bge-small", Pooling.CLS, true, 512);
 * }</pre>
 */
public record ModelSpec(String path, Pooling pooling, Boolean normalize, Integer maxLength) implements Serializable {

    /** The bundled default model with its own settings. */
    public static ModelSpec bundled() {
        return new ModelSpec(null, null, null, null);
    }
}
