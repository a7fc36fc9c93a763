package dev.sparkencoders.encoder.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A protocol-buffer message built in memory, field by field, in the wire format: varints (type 0), 32-bit floats
 * (type 5) and length-delimited strings, bytes and nested messages (type 2). Enough for the small parts of an ONNX
 * model (nodes, attributes, value infos, tensor headers); large tensor data is streamed by {@link OnnxModelFile}.
 *
 * <pre>{@code
 * ProtoMessage opset = new ProtoMessage().string(1, "").varint(2, 12);
 * }</pre>
 */
final class ProtoMessage {

    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ProtoMessage varint(int field, long value) {
        tag(bytes, field, VARINT);
        writeVarint(bytes, value);
        return this;
    }

    ProtoMessage float32(int field, float value) {
        tag(bytes, field, FIXED32);
        int bits = Float.floatToIntBits(value);
        for (int i = 0; i < 4; i++) {
            bytes.write(bits >>> (8 * i));
        }
        return this;
    }

    ProtoMessage string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoMessage bytes(int field, byte[] value) {
        lengthPrefix(bytes, field, value.length);
        bytes.writeBytes(value);
        return this;
    }

    ProtoMessage message(int field, ProtoMessage value) {
        return bytes(field, value.toByteArray());
    }

    int size() {
        return bytes.size();
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }

    /** Writes a tag and a length for a length-delimited field whose {@code length} bytes follow. */
    static void lengthPrefix(OutputStream out, int field, long length) {
        tag(out, field, LENGTH_DELIMITED);
        writeVarint(out, length);
    }

    /** Bytes taken by {@link #lengthPrefix}. */
    static int lengthPrefixSize(int field, long length) {
        return varintSize((long) field << 3) + varintSize(length);
    }

    private static void tag(OutputStream out, int field, int wireType) {
        writeVarint(out, ((long) field << 3) | wireType);
    }

    static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    private static void writeVarint(OutputStream out, long value) {
        try {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
