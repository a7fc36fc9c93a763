package dev.sparkencoders.importer;

import dev.sparkencoders.model.CheckpointException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Streams the planned tensors out of a bundle's data shards: each shard once, sequentially in offset order, every
 * offset and size checked against the shard before anything is allocated, and each tensor's CRC32C checked when the
 * index records one.
 *
 * <pre>{@code
 * Map<String, float[]> values = TfTensorReader.read(source, index, plan); // keyed by TensorFlow name
 * }</pre>
 */
final class TfTensorReader {

    private TfTensorReader() {}

    /** Reads the planned tensors shard by shard, each shard sequentially in offset order. Keyed by TF name. */
    static Map<String, float[]> read(TfSource src, TfBundleIndex index, TfImportPlan plan) throws IOException {
        Map<Integer, List<TfBundleIndex.Entry>> byShard = new TreeMap<>();
        for (TfImportPlan.Mapping m : plan.mappings) {
            byShard.computeIfAbsent(m.entry().shardId(), s -> new ArrayList<>()).add(m.entry());
        }
        byShard.values().forEach(l -> l.sort(Comparator.comparingLong(TfBundleIndex.Entry::offset)));
        Map<String, float[]> out = new HashMap<>();
        Set<Integer> done = new LinkedHashSet<>();
        src.readShards(index.numShards(), byShard.keySet(), (shard, name, in, size) -> {
            if (!done.add(shard)) {
                throw new CheckpointException("Cannot read " + name + ": the shard appears twice in the source");
            }
            List<TfBundleIndex.Entry> list = byShard.get(shard);
            // Checked before any allocation: a lying offset or size must not cost a huge array.
            for (TfBundleIndex.Entry e : list) {
                if (size >= 0 && (e.offset() > size || e.size() > size - e.offset())) {
                    throw new CheckpointException("Cannot read tensor '" + e.key() + "' from " + name
                            + ": it lies at bytes " + e.offset() + ".." + (e.offset() + e.size()) + " of a " + size
                            + "-byte file (the data file is truncated or does not belong to this index)");
                }
            }
            long position = 0;
            byte[] buffer = new byte[TfSource.COPY_BUFFER];
            for (TfBundleIndex.Entry e : list) {
                if (e.offset() < position) {
                    throw new CheckpointException("Cannot read tensor '" + e.key() + "' from " + name
                            + ": it overlaps the tensor before it (the index is corrupt)");
                }
                skipFully(in, e.offset() - position, buffer, name);
                out.put(e.key(), readFloats(in, e, size >= 0, buffer, name));
                position = e.offset() + e.size();
            }
        });
        if (!done.containsAll(byShard.keySet())) {
            Set<Integer> missing = new LinkedHashSet<>(byShard.keySet());
            missing.removeAll(done);
            throw new CheckpointException("Cannot import TensorFlow checkpoint: data shard(s) " + missing + " of "
                    + index.numShards() + " are missing from " + src.describe("variables/")
                    + " (copy every variables.data-* file)");
        }
        return out;
    }

    /**
     * Reads one float32 tensor. When the file size is unknown (a deflated entry of a nested zip), the bytes are
     * read first, so that an index lying about the size runs into the end of the file instead of allocating.
     */
    private static float[] readFloats(InputStream in, TfBundleIndex.Entry e, boolean sizeKnown, byte[] buffer,
                                      String file) throws IOException {
        if (!sizeKnown) {
            byte[] raw = in.readNBytes((int) e.size()); // grows with the data actually present
            if (raw.length < e.size()) {
                throw new CheckpointException("Cannot read tensor '" + e.key() + "' from " + file + ": the file ends "
                        + (e.size() - raw.length) + " bytes before the tensor does (the data file is truncated)");
            }
            return readFloats(new java.io.ByteArrayInputStream(raw), e, true, buffer, file);
        }
        float[] values = new float[Math.toIntExact(e.elementCount())];
        CRC32C crc = new CRC32C();
        int done = 0;
        long remaining = e.size();
        while (remaining > 0) {
            int want = (int) Math.min(buffer.length, remaining);
            int got = in.readNBytes(buffer, 0, want);
            if (got < want) {
                throw new CheckpointException("Cannot read tensor '" + e.key() + "' from " + file + ": the file ends "
                        + (remaining - got) + " bytes before the tensor does (the data file is truncated)");
            }
            crc.update(buffer, 0, got);
            ByteBuffer.wrap(buffer, 0, got).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, done, got / 4);
            done += got / 4;
            remaining -= got;
        }
        if (e.crc32c() != null && TfBundleIndex.maskCrc((int) crc.getValue()) != e.crc32c()) {
            throw new CheckpointException("Cannot read tensor '" + e.key() + "' from " + file
                    + ": its bytes fail the CRC32C check of the index (the data file is corrupt or does not belong to"
                    + " this index)");
        }
        return values;
    }

    private static void skipFully(InputStream in, long n, byte[] buffer, String file) throws IOException {
        while (n > 0) {
            int got = in.read(buffer, 0, (int) Math.min(buffer.length, n));
            if (got < 0) {
                throw new CheckpointException("Cannot read " + file + ": it ends before the tensors the index points to"
                        + " (the data file is truncated)");
            }
            n -= got;
        }
    }
}
