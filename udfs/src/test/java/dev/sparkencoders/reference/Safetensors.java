package dev.sparkencoders.reference;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal safetensors writer (F32 only) and reader (F32, F16, BF16, converted to float), independent of the
 * project's main code.
 *
 * <p>Format: 8 bytes little-endian unsigned header length N, then N bytes of UTF-8 JSON mapping each tensor name to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the data section), padded with
 * spaces so that the data section starts at a multiple of 8; then the data, little-endian, row-major.
 */
public final class Safetensors {

    /** A tensor read from or written to a file: row-major float data and its shape. */
    public record Tensor(float[] data, int[] shape) {}

    private Safetensors() {}

    /** Writes the tensors in map order as F32, with a {@code __metadata__} entry {"format": "pt"}. */
    public static void writeF32(Path file, Map<String, float[]> data, Map<String, int[]> shapes) throws IOException {
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("format", "pt");
        header.add("__metadata__", meta);
        long offset = 0;
        for (Map.Entry<String, float[]> e : data.entrySet()) {
            int[] shape = shapes.get(e.getKey());
            if (shape == null) {
                throw new IllegalArgumentException("No shape for " + e.getKey());
            }
            long count = 1;
            for (int d : shape) {
                count *= d;
            }
            if (count != e.getValue().length) {
                throw new IllegalArgumentException(e.getKey() + ": shape does not match " + e.getValue().length
                        + " values");
            }
            JsonObject t = new JsonObject();
            t.addProperty("dtype", "F32");
            JsonArray s = new JsonArray();
            for (int d : shape) {
                s.add(d);
            }
            t.add("shape", s);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += 4L * e.getValue().length;
            offsets.add(offset);
            t.add("data_offsets", offsets);
            header.add(e.getKey(), t);
        }
        byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = new byte[8 + padded];
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, head, 8, json.length);
        for (int i = 8 + json.length; i < head.length; i++) {
            head[i] = ' ';
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(head);
            for (float[] values : data.values()) {
                ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(values);
                out.write(buf.array());
            }
        }
    }

    /** Reads every tensor of the file (F32, F16 or BF16; other dtypes are skipped), in header order. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.flip().getLong();
            if (n <= 0 || n > 100_000_000L) {
                throw new IOException("Bad safetensors header length " + n + " in " + file);
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
            readFully(ch, headerBytes, 8);
            JsonObject header = JsonParser.parseString(
                    new String(headerBytes.array(), StandardCharsets.UTF_8)).getAsJsonObject();
            long base = 8 + n;
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonObject t = e.getValue().getAsJsonObject();
                String dtype = t.get("dtype").getAsString();
                JsonArray s = t.getAsJsonArray("shape");
                int[] shape = new int[s.size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = s.get(i).getAsInt();
                    count *= shape[i];
                }
                JsonArray offsets = t.getAsJsonArray("data_offsets");
                long begin = offsets.get(0).getAsLong();
                long end = offsets.get(1).getAsLong();
                int width = switch (dtype) {
                    case "F32" -> 4;
                    case "F16", "BF16" -> 2;
                    default -> 0;
                };
                if (width == 0) {
                    continue;
                }
                if (end - begin != count * width) {
                    throw new IOException(e.getKey() + ": offsets do not match shape and dtype");
                }
                ByteBuffer bytes = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, bytes, base + begin);
                bytes.flip();
                float[] values = new float[(int) count];
                for (int i = 0; i < values.length; i++) {
                    values[i] = switch (dtype) {
                        case "F32" -> bytes.getFloat();
                        case "BF16" -> Float.intBitsToFloat((bytes.getShort() & 0xffff) << 16);
                        default -> halfToFloat(bytes.getShort());
                    };
                }
                out.put(e.getKey(), new Tensor(values, shape));
            }
        }
        return out;
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h >>> 15) != 0 ? -1 : 1;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            return sign * (float) (mant * Math.pow(2, -24));
        }
        if (exp == 31) {
            return mant == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
        }
        return sign * (float) ((1024 + mant) * Math.pow(2, exp - 25));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("Unexpected end of safetensors file");
            }
            pos += r;
        }
    }
}
