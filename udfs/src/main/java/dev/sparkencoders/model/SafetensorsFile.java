package dev.sparkencoders.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file opened for reading. The header is read and fully validated when the file is opened (offsets
 * inside the file, sorted, neither overlapping nor leaving holes, sizes matching shapes and dtypes); tensor data
 * is read on demand, one tensor at a time, and upcast to float32.
 *
 * <pre>{@code
 * try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
 *     Tensor words = file.read("embeddings.word_embeddings.weight");
 * }
 * }</pre>
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Headers larger than this are refused: real headers are a few hundred kilobytes. */
    static final long MAX_HEADER_BYTES = 100L << 20;

    /** Where one tensor lives in the data section. */
    public record Entry(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {}

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates a safetensors file; fails with a {@link CheckpointException} naming the problem. */
    public static SafetensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new CheckpointException("Cannot open safetensors file " + path + ": " + e.getMessage(), e);
        }
        try {
            return parse(path, channel);
        } catch (RuntimeException | IOException e) {
            closeQuietlyAfterFailure(channel, e);
            if (e instanceof CheckpointException ce) {
                throw ce;
            }
            throw new CheckpointException("Cannot read safetensors file " + path + ": " + e.getMessage(), e);
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw invalid(path, "the file has " + fileSize + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer lengthBytes = readFully(channel, 0, 8);
        long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > fileSize) {
            throw invalid(path, "the header length " + Long.toUnsignedString(headerLength)
                    + " does not fit a file of " + fileSize + " bytes");
        }
        String json = StandardCharsets.UTF_8.decode(readFully(channel, 8, (int) headerLength)).toString();
        JsonObject header;
        try {
            JsonElement parsed = JsonParser.parseString(json);
            if (!parsed.isJsonObject()) {
                throw invalid(path, "the header is not a JSON object");
            }
            header = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw invalid(path, "the header is not valid JSON (" + CheckpointException.firstLine(e) + ")");
        }
        long dataStart = 8 + headerLength;
        long dataSize = fileSize - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> list = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                if (e.getValue().isJsonObject()) {
                    e.getValue().getAsJsonObject().entrySet().forEach(m ->
                            metadata.put(m.getKey(), m.getValue().isJsonPrimitive()
                                    ? m.getValue().getAsString() : m.getValue().toString()));
                }
                continue;
            }
            list.add(entry(path, e.getKey(), e.getValue(), dataSize));
        }
        list.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expectedBegin = 0;
        for (Entry entry : list) {
            if (entry.begin() < expectedBegin) {
                throw invalid(path, "tensor '" + entry.name() + "' overlaps the tensor before it");
            }
            if (entry.begin() > expectedBegin) {
                throw invalid(path, "the data section has a hole before tensor '" + entry.name() + "'");
            }
            expectedBegin = entry.end();
        }
        if (expectedBegin != dataSize) {
            throw invalid(path, "the tensors cover " + expectedBegin + " bytes of a " + dataSize
                    + "-byte data section");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        list.forEach(entry -> entries.put(entry.name(), entry));
        return new SafetensorsFile(path, channel, dataStart, Collections.unmodifiableMap(entries),
                Collections.unmodifiableMap(metadata));
    }

    private static Entry entry(Path path, String name, JsonElement value, long dataSize) {
        try {
            JsonObject o = value.getAsJsonObject();
            String dtypeName = o.get("dtype").getAsString();
            SafetensorsDtype dtype = SafetensorsDtype.parse(dtypeName).orElseThrow(() -> new CheckpointException(
                    "Cannot read safetensors file " + path + ": tensor '" + name + "' has unsupported dtype '"
                            + dtypeName + "' (supported: " + Arrays.toString(SafetensorsDtype.values()) + ")"));
            var shapeJson = o.getAsJsonArray("shape");
            long[] shape = new long[shapeJson.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsLong();
            }
            var offsets = o.getAsJsonArray("data_offsets");
            if (offsets.size() != 2) {
                throw invalid(path, "tensor '" + name + "' has " + offsets.size() + " data offsets, not 2");
            }
            long begin = offsets.get(0).getAsLong();
            long end = offsets.get(1).getAsLong();
            if (end < begin) {
                throw invalid(path, "tensor '" + name + "' has data offsets [" + begin + ", " + end
                        + "] that end before they begin");
            }
            if (begin < 0 || end > dataSize) {
                throw invalid(path, "tensor '" + name + "' has data offsets [" + begin + ", " + end
                        + "] outside the " + dataSize + "-byte data section");
            }
            long bytes = Math.multiplyExact(Tensor.elementCount(shape), dtype.bytes());
            if (bytes != end - begin) {
                throw invalid(path, "tensor '" + name + "' needs " + bytes + " bytes for its shape and dtype but its"
                        + " offsets span " + (end - begin));
            }
            if (bytes / dtype.bytes() > Integer.MAX_VALUE - 8) {
                throw invalid(path, "tensor '" + name + "' has more than 2^31 elements");
            }
            return new Entry(name, dtype, shape, begin, end);
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw invalid(path, "the header entry of tensor '" + name + "' is malformed (" + e + ")");
        }
    }

    /** Tensor names in data order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The optional {@code __metadata__} map of the header. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public Path path() {
        return path;
    }

    /** Reads one tensor as float32. */
    public Tensor read(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new CheckpointException("Cannot read tensor '" + name + "' from " + path
                    + ": the file has no tensor of that name");
        }
        try {
            ByteBuffer bytes = readFully(channel, dataStart + entry.begin(), Math.toIntExact(entry.end() - entry.begin()));
            float[] values = new float[Math.toIntExact(Tensor.elementCount(entry.shape()))];
            entry.dtype().decode(bytes.order(ByteOrder.LITTLE_ENDIAN), values);
            return new Tensor(name, entry.shape(), values);
        } catch (IOException e) {
            throw new CheckpointException("Cannot read tensor '" + name + "' from " + path + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    private static CheckpointException invalid(Path path, String reason) {
        return new CheckpointException("Cannot read safetensors file " + path + ": " + reason
                + " (the file is truncated or corrupt; re-export it with the safetensors library)");
    }

    private static void closeQuietlyAfterFailure(FileChannel channel, Exception primary) {
        try {
            channel.close();
        } catch (IOException suppressed) {
            primary.addSuppressed(suppressed);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new CheckpointException("Cannot close safetensors file " + path + ": " + e.getMessage(), e);
        }
    }
}
