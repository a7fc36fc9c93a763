package dev.sparkencoders.importer;

import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The {@code .index} file of a TensorFlow tensor bundle (the {@code variables/variables.index} of a SavedModel, the
 * {@code model.ckpt.index} of a checkpoint): an uncompressed LevelDB SSTable that maps each variable name to a
 * {@code BundleEntryProto} saying where its bytes lie in the {@code .data-NNNNN-of-NNNNN} shards.
 *
 * <p>Everything is read from an in-memory copy of the file and every length, offset and count is checked against
 * the bytes that are really there, so a corrupt or lying file fails with a {@link CheckpointException} after at most
 * one linear scan, without large allocations. Block and tensor checksums (masked CRC32C) are verified.
 */
final class TfBundleIndex {

    /** {@code tensorflow.DataType.DT_FLOAT}: little-endian IEEE float32. */
    static final int DT_FLOAT = 1;

    /** LevelDB table magic number, stored little-endian in the last 8 bytes. */
    static final long TABLE_MAGIC = 0xdb4775248b80fb57L;

    /** Footer: two block handles padded to 40 bytes, then the magic. */
    static final int FOOTER_BYTES = 48;

    /** A block is followed by a compression type byte and a masked CRC32C that its handle does not count. */
    static final int BLOCK_TRAILER_BYTES = 5;

    /** Shard counts beyond this are refused (real bundles have one shard, or a few). */
    static final int MAX_SHARDS = 1 << 16;

    /** Rank beyond this is refused (TensorFlow itself caps rank at 254). */
    static final int MAX_RANK = 254;

    /**
     * Where one tensor lies. {@code crc32c} is the masked CRC32C of its bytes, or null when the entry has none.
     * {@code sliced} marks a partitioned variable whose pieces are stored under other keys.
     */
    record Entry(String key, int dtype, long[] shape, int shardId, long offset, long size, Integer crc32c,
                 boolean sliced) {

        long elementCount() {
            return Tensor.elementCount(shape);
        }

        @Override
        public String toString() {
            return key + Arrays.toString(shape) + " dtype " + dtype + " shard " + shardId + " @" + offset + "+" + size;
        }
    }

    private final int numShards;
    private final Map<String, Entry> entries;

    private TfBundleIndex(int numShards, Map<String, Entry> entries) {
        this.numShards = numShards;
        this.entries = entries;
    }

    /** Number of data shards named by the bundle header. */
    int numShards() {
        return numShards;
    }

    /** Tensor entries in key order; the header entry (empty key) is not among them. */
    Map<String, Entry> entries() {
        return entries;
    }

    /** Parses an index file held in memory; {@code what} names it in error messages. */
    static TfBundleIndex parse(byte[] file, String what) {
        try {
            return new Parser(file, what).parse();
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            // Defensive: every read is bounds-checked, but a missed case must still surface as a checkpoint error.
            throw new Parser(file, what).corrupt("unexpected " + e);
        }
    }

    /** LevelDB's CRC mask: rotate right by 15 bits and add a constant. */
    static int maskCrc(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    /** Masked CRC32C of a byte range, as stored in block trailers and {@code BundleEntryProto.crc32c}. */
    static int maskedCrc32c(byte[] bytes, int offset, int length, byte... extra) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        crc.update(extra);
        return maskCrc((int) crc.getValue());
    }

    private static final class Parser {
        private final byte[] file;
        private final String what;
        /**
         * Bytes of keys still allowed to be rebuilt from the prefix compression. Real keys add up to about twice
         * the file size; without a budget a forged block of tiny entries that each share a long prefix would make
         * the rebuild quadratic.
         */
        private long keyBudget;

        Parser(byte[] file, String what) {
            this.file = file;
            this.what = what;
            this.keyBudget = 64L * file.length + (1 << 20);
        }

        TfBundleIndex parse() {
            if (file.length < FOOTER_BYTES) {
                throw corrupt("the file has " + file.length + " bytes, fewer than the " + FOOTER_BYTES
                        + "-byte table footer");
            }
            int footer = file.length - FOOTER_BYTES;
            long magic = ByteBuffer.wrap(file, file.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (magic != TABLE_MAGIC) {
                throw corrupt("the last 8 bytes are not the LevelDB table magic number (found 0x"
                        + Long.toHexString(magic) + ")");
            }
            ProtoReader f = reader(file, footer, FOOTER_BYTES - 8, "the footer");
            f.readVarint(); // meta-index block handle: TensorFlow writes an empty one and nothing reads it
            f.readVarint();
            long indexOffset = f.readVarint();
            long indexSize = f.readVarint();
            byte[][] index = block(indexOffset, indexSize, footer, "the index block");

            Map<String, Entry> entries = new LinkedHashMap<>();
            Integer numShards = null;
            byte[] previousKey = null;
            long previousBlockEnd = 0;
            int blocks = 0;
            for (int i = 0; i < index.length; i += 2) {
                ProtoReader handle = reader(index[i + 1], 0, index[i + 1].length, "an index block entry");
                long offset = handle.readVarint();
                long size = handle.readVarint();
                if (offset < previousBlockEnd) {
                    throw corrupt("data block " + blocks + " at byte " + offset + " overlaps the block before it");
                }
                byte[][] data = block(offset, size, footer, "data block " + blocks);
                previousBlockEnd = offset + size + BLOCK_TRAILER_BYTES;
                blocks++;
                for (int j = 0; j < data.length; j += 2) {
                    byte[] key = data[j];
                    if (previousKey != null && Arrays.compareUnsigned(previousKey, key) >= 0) {
                        throw corrupt("the keys are not strictly increasing at '" + utf8(key) + "'");
                    }
                    previousKey = key;
                    if (key.length == 0) {
                        numShards = header(data[j + 1]);
                    } else {
                        Entry e = entry(utf8(key), data[j + 1]);
                        entries.put(e.key(), e);
                    }
                }
            }
            if (numShards == null) {
                throw corrupt("it has no bundle header (the entry with the empty key)");
            }
            for (Entry e : entries.values()) {
                if (e.shardId() >= numShards) {
                    throw corrupt("tensor '" + e.key() + "' is in shard " + e.shardId() + " but the header declares "
                            + numShards + " shard(s)");
                }
            }
            return new TfBundleIndex(numShards, Collections.unmodifiableMap(entries));
        }

        /**
         * Reads one block and returns its entries as alternating key and value arrays. The block's restart array is
         * only bounds-checked: entries are decoded sequentially from the start.
         */
        private byte[][] block(long offset, long size, int limit, String name) {
            if (offset < 0 || size < 4 || offset > limit || size > limit - offset - BLOCK_TRAILER_BYTES) {
                throw corrupt(name + " (offset " + offset + ", size " + size + ") does not fit before the footer at byte "
                        + limit);
            }
            int start = (int) offset;
            int length = (int) size;
            int type = file[start + length] & 0xff;
            if (type != 0) {
                throw corrupt(name + " is compressed (type " + type + "); TensorFlow writes bundle indexes"
                        + " uncompressed and only those are supported");
            }
            int storedCrc = ByteBuffer.wrap(file, start + length + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (maskedCrc32c(file, start, length, (byte) 0) != storedCrc) {
                throw corrupt(name + " fails its CRC32C check");
            }
            long restarts = Integer.toUnsignedLong(
                    ByteBuffer.wrap(file, start + length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
            if (restarts > (length - 4) / 4) {
                throw corrupt(name + " claims " + restarts + " restart points, more than its " + length
                        + " bytes can hold");
            }
            int end = start + length - 4 - 4 * (int) restarts;
            ProtoReader w = reader(file, start, end - start, name);
            var out = new java.util.ArrayList<byte[]>();
            byte[] key = new byte[0];
            while (w.hasMore()) {
                long shared = w.readVarint();
                long unshared = w.readVarint();
                long valueLength = w.readVarint();
                if (shared > key.length) {
                    throw corrupt(name + " has an entry sharing " + shared + " key bytes with a " + key.length
                            + "-byte previous key");
                }
                byte[] suffix = w.readRaw(unshared);
                byte[] value = w.readRaw(valueLength);
                keyBudget -= shared + suffix.length;
                if (keyBudget < 0) {
                    throw corrupt(name + " rebuilds more key bytes from shared prefixes than a real index holds");
                }
                byte[] next = Arrays.copyOf(key, (int) shared + suffix.length);
                System.arraycopy(suffix, 0, next, (int) shared, suffix.length);
                key = next;
                out.add(key);
                out.add(value);
            }
            return out.toArray(new byte[0][]);
        }

        /** {@code BundleHeaderProto}: num_shards = 1, endianness = 2 (0 little, 1 big), version = 3. */
        private int header(byte[] value) {
            ProtoReader w = reader(value, 0, value.length, "the bundle header");
            long shards = 1;
            long endianness = 0;
            while (w.hasMore()) {
                int tag = w.readTag();
                switch (tag) {
                    case 1 << 3 -> shards = w.readVarint();
                    case 2 << 3 -> endianness = w.readVarint();
                    default -> w.skip(ProtoReader.wireType(tag));
                }
            }
            if (endianness != 0) {
                throw corrupt("the bundle is big-endian; only little-endian bundles are supported");
            }
            if (shards < 1 || shards > MAX_SHARDS) {
                throw corrupt("the bundle header declares " + shards + " shards");
            }
            return (int) shards;
        }

        /**
         * {@code BundleEntryProto}: dtype = 1, shape = 2 ({@code TensorShapeProto}), shard_id = 3, offset = 4,
         * size = 5, crc32c = 6 (fixed32), slices = 7. Proto3 omits zero values, so every field defaults to 0.
         */
        private Entry entry(String key, byte[] value) {
            ProtoReader w = reader(value, 0, value.length, "the entry of tensor '" + key + "'");
            long dtype = 0;
            long[] shape = new long[0];
            long shard = 0;
            long offset = 0;
            long size = 0;
            Integer crc = null;
            boolean sliced = false;
            while (w.hasMore()) {
                int tag = w.readTag();
                switch (tag) {
                    case 1 << 3 -> dtype = w.readVarint();
                    case 2 << 3 | 2 -> shape = shape(key, w.readMessage());
                    case 3 << 3 -> shard = w.readVarint();
                    case 4 << 3 -> offset = w.readVarint();
                    case 5 << 3 -> size = w.readVarint();
                    case 6 << 3 | 5 -> crc = w.readFixed32();
                    case 7 << 3 | 2 -> {
                        w.readMessage();
                        sliced = true;
                    }
                    default -> w.skip(ProtoReader.wireType(tag));
                }
            }
            if (dtype < 0 || dtype > Integer.MAX_VALUE || shard < 0 || shard >= MAX_SHARDS || offset < 0 || size < 0) {
                throw corrupt("tensor '" + key + "' has an invalid dtype " + dtype + ", shard " + shard
                        + ", offset " + offset + " or size " + size);
            }
            return new Entry(key, (int) dtype, shape, (int) shard, offset, size, crc, sliced);
        }

        /** {@code TensorShapeProto}: dim = 2 ({@code Dim}: size = 1, name = 2), unknown_rank = 3. */
        private long[] shape(String key, ProtoReader w) {
            long[] dims = new long[8];
            int rank = 0;
            while (w.hasMore()) {
                int tag = w.readTag();
                if (tag == (2 << 3 | 2)) {
                    ProtoReader dim = w.readMessage();
                    long size = 0;
                    while (dim.hasMore()) {
                        int t = dim.readTag();
                        if (t == 1 << 3) {
                            size = dim.readVarint();
                        } else {
                            dim.skip(ProtoReader.wireType(t));
                        }
                    }
                    if (size < 0) {
                        throw corrupt("tensor '" + key + "' has a dimension of unknown or negative size " + size);
                    }
                    if (rank == MAX_RANK) {
                        throw corrupt("tensor '" + key + "' has more than " + MAX_RANK + " dimensions");
                    }
                    if (rank == dims.length) {
                        dims = Arrays.copyOf(dims, dims.length * 2);
                    }
                    dims[rank++] = size;
                } else if (tag == (3 << 3)) {
                    if (w.readVarint() != 0) {
                        throw corrupt("tensor '" + key + "' has an unknown rank");
                    }
                } else {
                    w.skip(ProtoReader.wireType(tag));
                }
            }
            return Arrays.copyOf(dims, rank);
        }

        CheckpointException corrupt(String reason) {
            return new CheckpointException("Cannot read TensorFlow bundle index " + what + ": " + reason
                    + " (the file is truncated or corrupt; re-export the SavedModel or checkpoint)");
        }

        /** A protobuf reader over a window of {@code b} whose errors name the index, {@code name} and the byte. */
        private ProtoReader reader(byte[] b, int offset, int length, String name) {
            return new ProtoReader(b, offset, length, (reason, at) -> corrupt(name + ": " + reason + " at byte " + at));
        }
    }

    private static String utf8(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }
}
