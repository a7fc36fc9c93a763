package dev.sparkencoders.runtime;

import dev.sparkencoders.model.CacheDirectory;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.Folders;
import dev.sparkencoders.model.SentencePooling;
import dev.sparkencoders.model.SentencePrompts;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Checkpoints that live on a Hadoop file system ({@code hdfs://}, {@code s3a://}, {@code abfs://}, {@code gs://},
 * ...) are copied once per machine into a local cache, keyed by the SHA-256 of their content, so that tasks never
 * read model bytes over the network twice. The driver copies first and learns the hash; executors are given that
 * hash, copy under a file lock into a staging folder, verify the hash and rename the folder into place. Entries
 * not used for a while are evicted when the cache grows past its budget.
 *
 * <p>Only the files a checkpoint is loaded from are copied ({@link #FILES}). The cache lives under the project's
 * cache root ({@link CacheDirectory#root()}) in {@code remote-models/}; its budget is the system property
 * {@value #MAX_BYTES_PROPERTY} or the environment variable {@value #MAX_BYTES_ENV} in bytes (default 20 GiB).
 *
 * <pre>{@code
 * RemoteModelCache.Copy copy = RemoteModelCache.fetch("hdfs://nn:8020/models/minilm");        // driver
 * java.nio.file.Path dir = RemoteModelCache.localCopy("hdfs://nn:8020/models/minilm", copy.sha256()); // executor
 * }</pre>
 */
public final class RemoteModelCache {

    /**
     * The files of a checkpoint directory that loading reads, relative to it; absent optional ones are skipped. The
     * pooling module's file, in the folder {@value SentencePooling#MODULES} names, is copied as well.
     */
    static final List<String> FILES = List.of(Checkpoint.CONFIG, Checkpoint.TOKENIZER, Checkpoint.WEIGHTS,
            SentencePooling.MODULES, SentencePooling.SBERT_CONFIG, SentencePrompts.FILE);
    private static final List<String> REQUIRED = List.of(Checkpoint.CONFIG, Checkpoint.TOKENIZER, Checkpoint.WEIGHTS);

    public static final String MAX_BYTES_PROPERTY = "spark.encoders.cache.max-bytes";
    public static final String MAX_BYTES_ENV = "SPARK_ENCODERS_CACHE_MAX_BYTES";
    private static final long DEFAULT_MAX_BYTES = 20L << 30;
    private static final String COMPLETE = ".complete";
    /** Staging folders older than this are leftovers of processes killed while copying. */
    private static final java.time.Duration STALE_STAGING = java.time.Duration.ofHours(1);

    /** A local copy of a remote checkpoint and the SHA-256 of its content. */
    public record Copy(java.nio.file.Path dir, String sha256) {}

    private RemoteModelCache() {}

    /** True for a path with a scheme other than {@code file}: it is read through Hadoop and cached locally. */
    public static boolean isRemote(String path) {
        if (path == null) {
            return false;
        }
        String scheme = scheme(path);
        return scheme != null && !scheme.equals("file");
    }

    /** The local path of a {@code file:} URI, or the path itself. */
    public static java.nio.file.Path localPath(String path) {
        return "file".equals(scheme(path)) ? java.nio.file.Path.of(URI.create(path)) : java.nio.file.Path.of(path);
    }

    private static String scheme(String path) {
        int colon = path.indexOf(':');
        // "C:\..." style or no scheme at all: a local path.
        if (colon < 2 || path.startsWith("/")) {
            return null;
        }
        String scheme = path.substring(0, colon).toLowerCase(Locale.ROOT);
        return scheme.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')
                ? scheme : null;
    }

    /** Copies the checkpoint (or reuses this machine's copy of the same content) and returns it with its hash. */
    public static Copy fetch(String uri) {
        java.nio.file.Path root = root();
        synchronized (RemoteModelCache.class) {
            java.nio.file.Path staging = staging(root);
            try {
                String sha = copy(uri, staging);
                try (FileChannel channel = lockFile(root, sha);
                     FileLock ignored = channel.lock()) {
                    return new Copy(install(root, staging, sha), sha);
                } catch (IOException e) {
                    throw cannotLock(root, e);
                }
            } finally {
                Folders.deleteQuietly(staging);
            }
        }
    }

    /**
     * The local copy of {@code uri} whose content hashes to {@code sha256}: this machine's cached copy when it has
     * one, else a fresh copy whose hash is verified.
     */
    public static java.nio.file.Path localCopy(String uri, String sha256) {
        java.nio.file.Path root = root();
        java.nio.file.Path dir = root.resolve(sha256);
        synchronized (RemoteModelCache.class) {
            if (isComplete(dir)) {
                touch(dir);
                return dir;
            }
            try (FileChannel channel = lockFile(root, sha256);
                 FileLock ignored = channel.lock()) {
                if (isComplete(dir)) {
                    touch(dir);
                    return dir;
                }
                java.nio.file.Path staging = staging(root);
                try {
                    String actual = copy(uri, staging);
                    if (!actual.equals(sha256)) {
                        throw new CheckpointException("Cannot load model " + uri + " on " + host() + ": its files"
                                + " changed since the driver checked them (content SHA-256 " + actual + ", expected "
                                + sha256 + "; do not replace a model while a job reads it)");
                    }
                    return install(root, staging, sha256);
                } finally {
                    Folders.deleteQuietly(staging);
                }
            } catch (IOException e) {
                throw cannotLock(root, e);
            }
        }
    }

    /** The file whose lock serialises the processes of this machine that install one hash. */
    private static FileChannel lockFile(java.nio.file.Path root, String sha256) throws IOException {
        return FileChannel.open(root.resolve(sha256 + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private static CheckpointException cannotLock(java.nio.file.Path root, IOException e) {
        return new CheckpointException("Cannot lock the model cache " + root + " on " + host() + ": "
                + e.getMessage() + " (set " + CacheDirectory.ENV + " to a writable local folder)", e);
    }

    private static java.nio.file.Path root() {
        java.nio.file.Path root = CacheDirectory.root().resolve("remote-models");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new CheckpointException("Cannot create the model cache " + root + " on " + host() + ": "
                    + e.getMessage() + " (set " + CacheDirectory.ENV + " to a writable local folder)", e);
        }
        return root;
    }

    private static java.nio.file.Path staging(java.nio.file.Path root) {
        try {
            return Files.createTempDirectory(root, ".staging-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the checkpoint files into {@code target} and returns the SHA-256 of their content. */
    private static String copy(String uri, java.nio.file.Path target) {
        TreeMap<String, String> hashes = new TreeMap<>();
        try {
            Path dir = new Path(uri);
            FileSystem fs = dir.getFileSystem(HadoopConfigurations.current());
            if (!fs.getFileStatus(dir).isDirectory()) {
                throw new CheckpointException("Cannot load model " + uri + ": it is not a directory (model.path must"
                        + " point to a HuggingFace checkpoint directory)");
            }
            List<String> names = new ArrayList<>(FILES);
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                java.nio.file.Path local = target.resolve(name).normalize();
                if (!local.startsWith(target)) {
                    throw new CheckpointException("Cannot load model " + uri + ": " + SentencePooling.MODULES
                            + " names the file " + name + " outside the checkpoint (fix the module's path)");
                }
                Path file = new Path(dir, name);
                if (!fs.exists(file)) {
                    if (REQUIRED.contains(name)) {
                        throw new CheckpointException("Cannot load model " + uri + ": " + name + " is missing (a"
                                + " checkpoint needs config.json, tokenizer.json and model.safetensors)");
                    }
                    continue;
                }
                Files.createDirectories(local.getParent());
                MessageDigest digest = sha256();
                try (InputStream in = new DigestInputStream(fs.open(file), digest);
                     OutputStream out = Files.newOutputStream(local)) {
                    in.transferTo(out);
                }
                hashes.put(name, HexFormat.of().formatHex(digest.digest()));
                if (name.equals(SentencePooling.MODULES)) {
                    names.addAll(SentencePooling.moduleFiles(local));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException("Cannot copy the model to " + host() + ": " + uri + " cannot be read ("
                    + e.getMessage() + "; make model.path readable from the driver and every executor, with the"
                    + " file system's settings passed as spark.hadoop.* keys)", e);
        }
        MessageDigest content = sha256();
        hashes.forEach((name, hash) -> content.update((name + "\0" + hash + "\n").getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(content.digest());
    }

    /**
     * Renames a verified staging folder into place, or keeps the copy another process installed first; the caller
     * holds the hash's file lock, so a complete copy is never replaced while another process may read it.
     */
    private static java.nio.file.Path install(java.nio.file.Path root, java.nio.file.Path staging, String sha) {
        java.nio.file.Path dir = root.resolve(sha);
        try {
            if (!isComplete(dir)) {
                Files.writeString(staging.resolve(COMPLETE), sha);
                Folders.deleteQuietly(dir);
                try {
                    Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(staging, dir);
                }
            }
            touch(dir);
            evict(root, dir);
            return dir;
        } catch (IOException e) {
            if (isComplete(dir)) {
                return dir;
            }
            throw new CheckpointException("Cannot install the model copy " + dir + " on " + host() + ": "
                    + e.getMessage() + " (check free space in " + root + ")", e);
        }
    }

    /**
     * Deletes the least recently used complete entries (never {@code keep}) while the cache is over budget, and
     * staging folders that killed copies left behind.
     */
    private static void evict(java.nio.file.Path root, java.nio.file.Path keep) throws IOException {
        long budget = maxBytes();
        List<java.nio.file.Path> entries = new ArrayList<>();
        Instant stale = Instant.now().minus(STALE_STAGING);
        try (Stream<java.nio.file.Path> list = Files.list(root)) {
            for (java.nio.file.Path entry : list.toList()) {
                if (isComplete(entry)) {
                    entries.add(entry);
                } else if (entry.getFileName().toString().startsWith(".staging-")
                        && Files.getLastModifiedTime(entry).toInstant().isBefore(stale)) {
                    Folders.deleteQuietly(entry);   // left by a process killed while copying
                }
            }
        }
        long total = 0;
        for (java.nio.file.Path entry : entries) {
            total += size(entry);
        }
        entries.sort(Comparator.comparing(RemoteModelCache::lastUsed));
        for (java.nio.file.Path entry : entries) {
            if (total <= budget) {
                break;
            }
            if (!entry.equals(keep)) {
                long size = size(entry);
                Folders.deleteQuietly(entry);
                total -= size;
            }
        }
    }

    static long maxBytes() {
        String value = System.getProperty(MAX_BYTES_PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(MAX_BYTES_ENV);
        }
        if (value == null || value.isBlank()) {
            return DEFAULT_MAX_BYTES;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new CheckpointException("Cannot use a model cache budget of '" + value + "' bytes: not a number"
                    + " (set " + MAX_BYTES_PROPERTY + " or " + MAX_BYTES_ENV + " to a byte count)", e);
        }
    }

    private static boolean isComplete(java.nio.file.Path dir) {
        return Files.isRegularFile(dir.resolve(COMPLETE));
    }

    private static void touch(java.nio.file.Path dir) {
        try {
            Files.setLastModifiedTime(dir.resolve(COMPLETE), FileTime.from(Instant.now()));
        } catch (IOException ignored) {
            // the use time only orders eviction
        }
    }

    private static FileTime lastUsed(java.nio.file.Path dir) {
        try {
            return Files.getLastModifiedTime(dir.resolve(COMPLETE));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static long size(java.nio.file.Path dir) {
        try (Stream<java.nio.file.Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this host";
        }
    }
}
