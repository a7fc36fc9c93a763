package dev.sparkencoders.runtime;

import dev.sparkencoders.model.Pooling;

import java.io.Serializable;
import java.nio.file.Path;

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

    /**
     * A spec built on the driver: an empty or null {@code path} means the bundled model, and a relative path is made
     * absolute against the driver's working directory, since executors load the model with their own working
     * directories (on a local-cluster, a folder under $SPARK_HOME/work). Paths with a scheme are kept as they are.
     */
    public static ModelSpec onDriver(String path, Pooling pooling, Boolean normalize, Integer maxLength) {
        String absolute = path == null || path.isEmpty() ? null
                : path.contains(":") ? path : Path.of(path).toAbsolutePath().normalize().toString();
        return new ModelSpec(absolute, pooling, normalize, maxLength);
    }
}
