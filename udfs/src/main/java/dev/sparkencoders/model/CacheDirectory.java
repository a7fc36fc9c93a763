package dev.sparkencoders.model;

import java.nio.file.Path;

/**
 * The local cache root shared by everything the project derives from a model and keeps between runs (the imported
 * bundled model, encoder graphs written for ONNX Runtime): system property {@code spark.encoders.cache.dir}, else
 * environment variable {@code SPARK_ENCODERS_CACHE}, else {@code ${user.home}/.cache/spark-encoders}.
 *
 * <pre>{@code
 * Path graphs = CacheDirectory.root().resolve("onnx");
 * }</pre>
 */
public final class CacheDirectory {

    /** System property naming the cache root. */
    public static final String PROPERTY = "spark.encoders.cache.dir";

    /** Environment variable naming the cache root when the system property is not set. */
    public static final String ENV = "SPARK_ENCODERS_CACHE";

    private CacheDirectory() {}

    /** The cache root from the system property, the environment, or the home directory. */
    public static Path root() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(ENV);
        }
        if (dir == null || dir.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".cache", "spark-encoders");
        }
        return Path.of(dir);
    }
}
