package dev.sparkencoders.runtime;

import dev.sparkencoders.importer.BundledModel;
import dev.sparkencoders.encoder.Engine;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.model.Pooling;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * What model to run and how to pool it, small enough to ship to executors. Null fields take the checkpoint's own
 * settings (sentence-transformers pooling files, the model's position limit); a null {@code path} means the
 * bundled all-MiniLM-L6-v2. A path on a Hadoop file system ({@code hdfs://...}, {@code s3a://...}) carries the
 * SHA-256 of the content the driver checked ({@code contentSha256}), which every executor's local copy must match
 * (see {@link RemoteModelCache}).
 *
 * <pre>{@code
 * ModelSpec spec = new ModelSpec("/models/bge-small", Pooling.CLS, true, 512);
 * }</pre>
 */
public record ModelSpec(String path, Pooling pooling, Boolean normalize, Integer maxLength, Engine engine,
                        Precision precision, String contentSha256) implements Serializable {

    /** A spec of a local checkpoint (or the bundled model when {@code path} is null) on the default engine, fp32. */
    public ModelSpec(String path, Pooling pooling, Boolean normalize, Integer maxLength) {
        this(path, pooling, normalize, maxLength, null, null, null);
    }

    /** The precision of the encoder body's matrix products: the spec's, or {@link Precision#FP32} when unset. */
    public Precision precisionOrFp32() {
        return precision == null ? Precision.FP32 : precision;
    }

    /** The engine that runs the encoder body: the spec's, or {@link Engine#AUTO} when unset. */
    public Engine engineOrAuto() {
        return engine == null ? Engine.AUTO : engine;
    }

    /** The same model on another engine (null = auto). */
    public ModelSpec withEngine(Engine other) {
        return new ModelSpec(path, pooling, normalize, maxLength, other, precision, contentSha256);
    }

    /** The same model at another precision (null = fp32). */
    public ModelSpec withPrecision(Precision other) {
        return new ModelSpec(path, pooling, normalize, maxLength, engine, other, contentSha256);
    }

    /** The bundled default model with its own settings. */
    public static ModelSpec bundled() {
        return new ModelSpec(null, null, null, null);
    }

    /**
     * A spec built on the driver: an empty or null {@code path} means the bundled model, and a relative path is made
     * absolute against the driver's working directory, since executors load the model with their own working
     * directories (on a local-cluster, a folder under $SPARK_HOME/work). Paths with a scheme are kept as they are; a
     * path on a Hadoop file system is copied into the driver's local cache here, which gives the hash of its
     * content that executors verify their copies against.
     */
    public static ModelSpec onDriver(String path, Pooling pooling, Boolean normalize, Integer maxLength,
                                     Engine engine, Precision precision) {
        if (RemoteModelCache.isRemote(path)) {
            return new ModelSpec(path, pooling, normalize, maxLength, engine, precision,
                    RemoteModelCache.fetch(path).sha256());
        }
        String absolute = path == null || path.isEmpty() ? null
                : path.contains(":") ? path : Path.of(path).toAbsolutePath().normalize().toString();
        return new ModelSpec(absolute, pooling, normalize, maxLength, engine, precision, null);
    }

    /** How reports name the model: its path as given (a URI stays a URI), or the bundled model's id. */
    public String modelId() {
        return path == null ? BundledModel.ID : path;
    }

    /** The local checkpoint directory: the bundled model's, this machine's copy of a remote one, or the path. */
    public Path localDirectory() {
        if (path == null) {
            return BundledModel.path();
        }
        if (RemoteModelCache.isRemote(path)) {
            if (contentSha256 == null) {
                return RemoteModelCache.fetch(path).dir();
            }
            return RemoteModelCache.localCopy(path, contentSha256);
        }
        return RemoteModelCache.localPath(path);
    }
}
