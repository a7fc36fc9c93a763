package dev.sparkencoders.model;

import dev.sparkencoders.importer.SafetensorsWriter;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzes {@link SafetensorsFile}: mutants of valid files (header entries with changed dtypes, shapes and offsets,
 * lying header lengths, truncations, bit flips, random bytes) must open and read, or fail with a
 * {@link CheckpointException}, within the time limit and the fuzz JVM's 256 MB heap. See RELIABILITY.md.
 */
@Tag("fuzz")
class SafetensorsFuzzTest {

    static final List<String> DTYPES = List.of("F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL",
            "f32", "Q4", "", "F8_E4M3", "U64");

    static Path file;
    static FuzzHarness harness;
    static List<Seed> seeds;

    /** A valid file split into its JSON header and its data section. */
    record Seed(JsonObject header, byte[] data) {}

    record TensorSpec(String name, String dtype, long... shape) {}

    @BeforeContainer
    static void seeds() throws IOException {
        file = Files.createTempFile("fuzz", ".safetensors");
        harness = new FuzzHarness("safetensors");
        seeds = List.of(mixedDtypes(), writtenByTheProject());
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        harness.close();
        Files.deleteIfExists(file);
    }

    @Example
    void seedsAreValid() throws IOException {
        for (Seed seed : seeds) {
            assertEquals(FuzzHarness.Outcome.PARSED, check(input(seed.header(), seed.data(), "seed")));
        }
    }

    @Property
    void everyMutantParsesOrIsRefused(@ForAll("mutants") FuzzHarness.Input input) throws IOException {
        check(input);
    }

    private static FuzzHarness.Outcome check(FuzzHarness.Input input) throws IOException {
        Files.write(file, input.files().get("model.safetensors"));
        return harness.check(input, SafetensorsFuzzTest::openAndReadAll);
    }

    private static Object openAndReadAll() {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            long values = 0;
            for (String name : f.entries().keySet()) {
                values += f.read(name).data().length;
            }
            return values;
        }
    }

    @Provide
    Arbitrary<FuzzHarness.Input> mutants() {
        return Arbitraries.randomValue(SafetensorsFuzzTest::mutant);
    }

    static FuzzHarness.Input mutant(Random random) {
        if (random.nextInt(20) == 0) {
            Mutations.Result noise = Mutations.randomBytes(random);
            if (noise.bytes().length >= 8 && random.nextBoolean()) { // a plausible header length over noise
                ByteBuffer.wrap(noise.bytes()).order(ByteOrder.LITTLE_ENDIAN).putLong(0, random.nextInt(noise.bytes().length));
            }
            return new FuzzHarness.Input(noise.description(), Map.of("model.safetensors", noise.bytes()));
        }
        Seed seed = Mutations.pick(random, seeds);
        JsonObject header = seed.header().deepCopy();
        byte[] data = seed.data();
        List<String> done = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(4)) {
                case 0, 1 -> done.add(mutateHeader(header, random, data.length));
                case 2 -> {
                    Mutations.Result r = Mutations.random(data, random);
                    data = r.bytes();
                    done.add(r.description() + " in the data");
                }
                default -> done.add("keep");
            }
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(4) == 0) { // the format pads the header with spaces to a multiple of 8
            int unpadded = json.length;
            json = Arrays.copyOf(json, unpadded + random.nextInt(9));
            Arrays.fill(json, unpadded, json.length, (byte) ' ');
        }
        long headerLength = json.length;
        if (random.nextInt(8) == 0) {
            headerLength = Mutations.interestingLong(random, json.length);
            done.add("header length " + headerLength + " for " + json.length + " bytes");
        }
        byte[] bytes = assemble(headerLength, json, data);
        if (random.nextInt(4) == 0) {
            Mutations.Result r = Mutations.randomChain(bytes, random, 3);
            bytes = r.bytes();
            done.add(r.description());
        }
        return new FuzzHarness.Input(String.join("; ", done), Map.of("model.safetensors", bytes));
    }

    /** Changes one thing in the JSON header: a dtype, a dimension, an offset, a key or a whole entry. */
    static String mutateHeader(JsonObject header, Random random, long dataSize) {
        List<String> names = new ArrayList<>(header.keySet());
        if (names.isEmpty()) {
            header.add("t", entry("F32", new long[] {1}, 0, 4));
            return "add a tensor to an empty header";
        }
        String name = Mutations.pick(random, names);
        JsonElement value = header.get(name);
        if (!value.isJsonObject() || random.nextInt(10) == 0) {
            JsonElement replacement = Mutations.pick(random, List.of(JsonNull.INSTANCE, new JsonPrimitive(7),
                    new JsonPrimitive("F32"), new JsonArray(), new JsonObject()));
            header.add(name, replacement);
            return "replace entry '" + name + "' with " + replacement;
        }
        JsonObject e = value.getAsJsonObject();
        switch (random.nextInt(8)) {
            case 0 -> {
                String dtype = Mutations.pick(random, DTYPES);
                e.addProperty("dtype", dtype);
                return "dtype of '" + name + "' = " + dtype;
            }
            case 1, 2 -> {
                JsonArray shape = e.has("shape") && e.get("shape").isJsonArray() ? e.getAsJsonArray("shape") : new JsonArray();
                if (shape.isEmpty() || random.nextInt(4) == 0) {
                    shape.add(number(random, dataSize));
                    e.add("shape", shape);
                    return "append a dimension to '" + name + "': " + shape;
                }
                int i = random.nextInt(shape.size());
                shape.set(i, number(random, dataSize));
                return "dimension " + i + " of '" + name + "' = " + shape.get(i);
            }
            case 3, 4 -> {
                JsonArray offsets = e.has("data_offsets") && e.get("data_offsets").isJsonArray()
                        ? e.getAsJsonArray("data_offsets") : new JsonArray();
                if (offsets.isEmpty() || random.nextInt(6) == 0) {
                    offsets.add(number(random, dataSize));
                    e.add("data_offsets", offsets);
                    return "add an offset to '" + name + "': " + offsets;
                }
                int i = random.nextInt(offsets.size());
                offsets.set(i, number(random, dataSize));
                return "offset " + i + " of '" + name + "' = " + offsets.get(i);
            }
            case 5 -> {
                String key = Mutations.pick(random, List.of("dtype", "shape", "data_offsets"));
                e.remove(key);
                return "remove " + key + " of '" + name + "'";
            }
            case 6 -> {
                String other = Mutations.pick(random, names);
                header.add(other, e.deepCopy());
                return "copy entry '" + name + "' over '" + other + "'";
            }
            default -> {
                header.remove(name);
                return "remove entry '" + name + "'";
            }
        }
    }

    /** An interesting JSON value for a dimension or an offset: mostly integers, sometimes not. */
    static JsonElement number(Random random, long dataSize) {
        return switch (random.nextInt(12)) {
            case 0 -> new JsonPrimitive(new BigInteger("18446744073709551617"));
            case 1 -> new JsonPrimitive(1.5);
            case 2 -> new JsonPrimitive("12");
            case 3 -> JsonNull.INSTANCE;
            case 4 -> new JsonPrimitive(1e300);
            default -> new JsonPrimitive(Mutations.interestingLong(random, dataSize));
        };
    }

    static FuzzHarness.Input input(JsonObject header, byte[] data, String description) {
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        return new FuzzHarness.Input(description, Map.of("model.safetensors", assemble(json.length, json, data)));
    }

    static byte[] assemble(long headerLength, byte[] json, byte[] data) {
        return ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(headerLength).put(json).put(data).array();
    }

    /** Every dtype the reader knows, a scalar, an empty tensor and metadata, written by hand. */
    static Seed mixedDtypes() {
        JsonObject header = new JsonObject();
        JsonObject metadata = new JsonObject();
        metadata.addProperty("format", "pt");
        header.add("__metadata__", metadata);
        long offset = 0;
        Random random = new Random(1);
        List<TensorSpec> tensors = List.of(new TensorSpec("f32", "F32", 2, 3), new TensorSpec("f16", "F16", 4),
                new TensorSpec("bf16", "BF16", 3), new TensorSpec("f64", "F64", 2), new TensorSpec("i64", "I64", 2),
                new TensorSpec("i32", "I32", 1, 2), new TensorSpec("i16", "I16", 3), new TensorSpec("i8", "I8", 5),
                new TensorSpec("u8", "U8", 1, 1), new TensorSpec("mask", "BOOL", 4), new TensorSpec("scalar", "F32"),
                new TensorSpec("empty", "F32", 0, 4));
        for (TensorSpec t : tensors) {
            long bytes = Tensor.elementCount(t.shape()) * SafetensorsDtype.valueOf(t.dtype()).bytes();
            header.add(t.name(), entry(t.dtype(), t.shape(), offset, offset + bytes));
            offset += bytes;
        }
        byte[] data = new byte[(int) offset];
        random.nextBytes(data);
        return new Seed(header, data);
    }

    /** What {@link SafetensorsWriter} writes (F32, metadata, its own header padding). */
    static Seed writtenByTheProject() throws IOException {
        Path seed = Files.createTempFile("seed", ".safetensors");
        try {
            SafetensorsWriter.write(seed, List.of(new Tensor("embeddings.weight", new long[] {4, 3}, new float[12]),
                    new Tensor("LayerNorm.bias", new long[] {3}, new float[] {1, -2, 3})), Map.of("format", "pt"));
            byte[] all = Files.readAllBytes(seed);
            int headerLength = (int) ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
            JsonObject header = JsonParser.parseString(new String(all, 8, headerLength, StandardCharsets.UTF_8))
                    .getAsJsonObject();
            return new Seed(header, Arrays.copyOfRange(all, 8 + headerLength, all.length));
        } finally {
            Files.delete(seed);
        }
    }

    static JsonObject entry(String dtype, long[] shape, long begin, long end) {
        JsonObject e = new JsonObject();
        e.addProperty("dtype", dtype);
        JsonArray s = new JsonArray();
        Arrays.stream(shape).forEach(s::add);
        e.add("shape", s);
        JsonArray o = new JsonArray();
        o.add(begin);
        o.add(end);
        e.add("data_offsets", o);
        return e;
    }
}
