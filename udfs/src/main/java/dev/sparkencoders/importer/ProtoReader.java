package dev.sparkencoders.importer;

import dev.sparkencoders.model.CheckpointException;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of the protobuf wire format over a byte array window, enough for ONNX files and TensorFlow
 * bundle indexes: varints, fixed 32/64-bit values, length-delimited fields and raw byte runs. Every length is
 * checked against the bytes left in the window before anything is sliced, so a corrupt or truncated file fails
 * with a {@link CheckpointException} (worded by the reader's {@link Errors}) instead of allocating or reading out of
 * bounds. Nothing is copied unless asked: nested messages are windows over the same array.
 *
 * <pre>{@code
 * ProtoReader model = new ProtoReader(onnxBytes);
 * while (model.hasMore()) {
 *     int tag = model.readTag();
 *     model.skip(ProtoReader.wireType(tag));
 * }
 * }</pre>
 */
final class ProtoReader {

    /** Words the exception for malformed data: what is wrong and at which byte of the file. */
    @FunctionalInterface
    interface Errors {
        CheckpointException malformed(String reason, int at);
    }

    /** The wording for ONNX files. */
    static final Errors ONNX = (reason, at) -> new CheckpointException("Cannot parse ONNX model: " + reason
            + " at byte " + at + " (the file is truncated, corrupt or not an ONNX model)");

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private final int limit;
    private final Errors errors;
    private int pos;

    ProtoReader(byte[] buf) {
        this(buf, 0, buf.length, ONNX);
    }

    ProtoReader(byte[] buf, int offset, int length) {
        this(buf, offset, length, ONNX);
    }

    ProtoReader(byte[] buf, int offset, int length, Errors errors) {
        if (offset < 0 || length < 0 || offset > buf.length - length) {
            throw new IllegalArgumentException("window [" + offset + ", +" + length + ") outside a "
                    + buf.length + "-byte buffer");
        }
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
        this.errors = errors;
    }

    boolean hasMore() {
        return pos < limit;
    }

    int position() {
        return pos;
    }

    /** Reads a field key and returns it as {@code field << 3 | wireType}; groups and unknown wire types fail. */
    int readTag() {
        int at = pos;
        long key = readVarint();
        if (key > 0xFFFF_FFFFL || (key >>> 3) == 0) {
            throw malformed("invalid field key " + Long.toUnsignedString(key), at);
        }
        int wire = (int) (key & 7);
        if (wire != VARINT && wire != FIXED64 && wire != LEN && wire != FIXED32) {
            throw malformed("unsupported wire type " + wire + " for field " + (key >>> 3), at);
        }
        return (int) key;
    }

    static int field(int tag) {
        return tag >>> 3;
    }

    static int wireType(int tag) {
        return tag & 7;
    }

    long readVarint() {
        int at = pos;
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= limit) {
                throw malformed("a varint runs past the end of its message", at);
            }
            byte b = buf[pos++];
            if (shift == 63 && (b & 0xfe) != 0) {
                throw malformed("a varint is longer than 64 bits", at);
            }
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("a varint is longer than 10 bytes", at);
    }

    int readFixed32() {
        require(4, "a fixed32 value");
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    long readFixed64() {
        long lo = readFixed32() & 0xFFFF_FFFFL;
        long hi = readFixed32() & 0xFFFF_FFFFL;
        return lo | hi << 32;
    }

    /** Reads the length prefix of a length-delimited field, checked against the bytes left. */
    int readLength() {
        int at = pos;
        long n = readVarint();
        if (n < 0 || n > limit - pos) {
            throw malformed("a length of " + Long.toUnsignedString(n) + " bytes exceeds the " + (limit - pos)
                    + " bytes left in its message", at);
        }
        return (int) n;
    }

    /** A reader over the next length-delimited field; this reader moves past it. */
    ProtoReader readMessage() {
        int n = readLength();
        ProtoReader sub = new ProtoReader(buf, pos, n, errors);
        pos += n;
        return sub;
    }

    /** The offset of the next length-delimited field's bytes, its length in {@code [1]}; this reader moves past it. */
    int[] readBytesRange() {
        int n = readLength();
        int[] range = {pos, n};
        pos += n;
        return range;
    }

    /** A copy of the next {@code n} bytes, with no length prefix (as SSTable entries store keys and values). */
    byte[] readRaw(long n) {
        if (n < 0 || n > limit - pos) {
            throw malformed("a run of " + n + " bytes exceeds the " + (limit - pos) + " bytes left", pos);
        }
        byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + (int) n);
        pos += (int) n;
        return out;
    }

    String readString() {
        int n = readLength();
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    /** Skips a field of the given wire type. */
    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> skipBytes(8, "a fixed64 value");
            case FIXED32 -> skipBytes(4, "a fixed32 value");
            case LEN -> {
                int n = readLength(); // read first: `pos += readLength()` would add to the stale position
                pos += n;
            }
            default -> throw malformed("unsupported wire type " + wireType, pos);
        }
    }

    /** Reads one element of a repeated varint field, or all elements if it is packed. */
    void readVarints(int wireType, LongSink sink) {
        if (wireType == LEN) {
            ProtoReader packed = readMessage();
            while (packed.hasMore()) {
                sink.accept(packed.readVarint());
            }
        } else if (wireType == VARINT) {
            sink.accept(readVarint());
        } else {
            throw malformed("a repeated integer field has wire type " + wireType, pos);
        }
    }

    /** Reads one element of a repeated fixed32 field, or all elements if it is packed. */
    void readFixed32s(int wireType, IntSink sink) {
        if (wireType == LEN) {
            ProtoReader packed = readMessage();
            if ((packed.limit - packed.pos) % 4 != 0) {
                throw malformed("a packed fixed32 field has a length that is not a multiple of 4", pos);
            }
            while (packed.hasMore()) {
                sink.accept(packed.readFixed32());
            }
        } else if (wireType == FIXED32) {
            sink.accept(readFixed32());
        } else {
            throw malformed("a repeated fixed32 field has wire type " + wireType, pos);
        }
    }

    /** Fails unless the tag has the expected wire type. */
    void expect(int tag, int wireType, String what) {
        if (wireType(tag) != wireType) {
            throw malformed(what + " (field " + field(tag) + ") has wire type " + wireType(tag) + ", not " + wireType,
                    pos);
        }
    }

    private void skipBytes(int n, String what) {
        require(n, what);
        pos += n;
    }

    private void require(int n, String what) {
        if (limit - pos < n) {
            throw malformed(what + " runs past the end of its message", pos);
        }
    }

    private CheckpointException malformed(String reason, int at) {
        return errors.malformed(reason, at);
    }

    @FunctionalInterface
    interface LongSink {
        void accept(long value);
    }

    @FunctionalInterface
    interface IntSink {
        void accept(int value);
    }
}
