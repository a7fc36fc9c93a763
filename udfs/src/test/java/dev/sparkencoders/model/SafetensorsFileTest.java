package dev.sparkencoders.model;

import dev.sparkencoders.importer.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsFloat32() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Tensor a = new Tensor("a", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f});
        Tensor b = new Tensor("b", new long[] {1}, new float[] {Float.MIN_VALUE});
        SafetensorsWriter.write(file, List.of(a, b), Map.of("format", "pt"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("a", "b"), List.copyOf(f.entries().keySet()));
            assertArrayEquals(a.data(), f.read("a").data());
            assertArrayEquals(new long[] {2, 3}, f.read("a").shape());
            assertArrayEquals(b.data(), f.read("b").data());
            assertEquals("pt", f.metadata().get("format"));
        }
    }

    @Test
    void upcastsHalfPrecisionAndBfloat16() throws IOException {
        // 1.0, -2.0, 65504 (max half), 2^-24 (smallest subnormal half) in IEEE binary16
        short[] half = {0x3c00, (short) 0xc000, 0x7bff, 0x0001};
        // 1.0, -2.0, 3.140625 in bfloat16 (the top 16 bits of the float32)
        short[] bf16 = {0x3f80, (short) 0xc000, 0x4049};
        Path file = write(Map.of("h", entry("F16", half.length, 0, 8), "b", entry("BF16", bf16.length, 8, 14)),
                shorts(half, bf16));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f}, f.read("h").data());
            assertArrayEquals(new float[] {1f, -2f, 3.140625f}, f.read("b").data());
        }
    }

    @Test
    void refusesOffsetsPastTheEnd() throws IOException {
        assertRefused(write(Map.of("a", entry("F32", 4, 0, 16)), new byte[8]), "outside");
    }

    @Test
    void refusesOverlappingTensors() throws IOException {
        assertRefused(write(Map.of("a", entry("F32", 2, 0, 8), "b", entry("F32", 2, 4, 12)), new byte[12]),
                "overlaps");
    }

    @Test
    void refusesALyingHeaderLength() throws IOException {
        Path file = dir.resolve("lying.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        Files.write(file, b.array());
        assertRefused(file, "header length");
    }

    @Test
    void refusesUnknownDtypesAndSizeMismatches() throws IOException {
        assertRefused(write(Map.of("a", entry("Q4", 2, 0, 8)), new byte[8]), "unsupported dtype 'Q4'");
        assertRefused(write(Map.of("a", entry("F32", 3, 0, 8)), new byte[8]), "needs 12 bytes");
    }

    @Test
    void refusesTruncatedFiles() throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.write(file, List.of(new Tensor("a", new long[] {4}, new float[4])), Map.of());
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 5));
        assertRefused(file, "");
    }

    private void assertRefused(Path file, String fragment) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().startsWith("Cannot read safetensors file"), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    private static String entry(String dtype, int n, long begin, long end) {
        return "{\"dtype\":\"" + dtype + "\",\"shape\":[" + n + "],\"data_offsets\":[" + begin + "," + end + "]}";
    }

    private Path write(Map<String, String> entries, byte[] data) throws IOException {
        StringBuilder json = new StringBuilder("{");
        entries.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        byte[] header = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(data);
        Path file = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(file, b.array());
        return file;
    }

    private static byte[] shorts(short[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (short[] p : parts) {
            for (short s : p) {
                b.putShort(s);
            }
        }
        return b.array();
    }
}
