package dev.sparkencoders.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.sparkencoders.model.Folders;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.Head;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Broken checkpoints given to the embed job through {@link Main}: each is refused on the driver before Spark
 * starts, with exit code 2, one sentence shaped "Cannot &lt;action&gt;: &lt;reason&gt; (&lt;hint&gt;)" naming the
 * problem, and no output directory. Each case starts from a valid synthetic BERT checkpoint and breaks one thing.
 */
class BadModelJobTest {

    @TempDir
    static Path dir;

    static Path input;

    /** One way to break a checkpoint, and what the refusal must say. */
    enum BadModel {
        TRUNCATED_WEIGHTS("outside the", d -> {
            byte[] all = Files.readAllBytes(d.resolve("model.safetensors"));
            Files.write(d.resolve("model.safetensors"), Arrays.copyOf(all, all.length - 100));
        }),
        OFFSETS_PAST_THE_END("outside the", d -> editHeader(d, h -> {
            shift(lastTensor(h), 0, 64);
            shift(lastTensor(h), 1, 64);
        })),
        OVERLAPPING_OFFSETS("overlaps the tensor before it", d -> editHeader(d, h -> {
            shift(lastTensor(h), 0, -4);
            shift(lastTensor(h), 1, -4);
        })),
        REVERSED_OFFSETS("end before they begin", d -> editHeader(d, h -> {
            JsonArray offsets = lastTensor(h).getAsJsonArray("data_offsets");
            JsonArray reversed = new JsonArray();
            reversed.add(offsets.get(1));
            reversed.add(offsets.get(0));
            lastTensor(h).add("data_offsets", reversed);
        })),
        HEADER_LENGTH_PAST_THE_END("header length 1099511627776 does not fit", d -> {
            byte[] all = Files.readAllBytes(d.resolve("model.safetensors"));
            ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
            Files.write(d.resolve("model.safetensors"), all);
        }),
        HEADER_LENGTH_TOO_SHORT("the header is not valid JSON", d -> {
            byte[] all = Files.readAllBytes(d.resolve("model.safetensors"));
            ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(0, b.getLong(0) / 2);
            Files.write(d.resolve("model.safetensors"), all);
        }),
        UNKNOWN_DTYPE("unsupported dtype 'F8_E4M3'", d -> editHeader(d, h -> lastTensor(h).addProperty("dtype", "F8_E4M3"))),
        CONFIG_DISAGREES_WITH_WEIGHTS("parameters disagree with config.json", d -> editConfig(d, c -> c.addProperty("intermediate_size", 64))),
        TOKENIZER_LARGER_THAN_EMBEDDINGS("has 130 token ids but the word embeddings have 125 rows", d -> {
            JsonObject tokenizer = JsonParser.parseString(Files.readString(d.resolve("tokenizer.json"))).getAsJsonObject();
            JsonObject vocab = tokenizer.getAsJsonObject("model").getAsJsonObject("vocab");
            for (int id = 125; id < 130; id++) {
                vocab.addProperty("extra" + id, id);
            }
            Files.writeString(d.resolve("tokenizer.json"), tokenizer.toString());
        }),
        TOKENIZER_NOT_A_TOKENIZER("Cannot load tokenizer", d -> Files.writeString(d.resolve("tokenizer.json"), "{\"version\": 1}")),
        CONFIG_NOT_JSON("invalid JSON", d -> Files.writeString(d.resolve("config.json"), "{\"model_type\": \"bert\",")),
        PICKLE_ONLY("only a pickle checkpoint (pytorch_model.bin)", d -> {
            Files.delete(d.resolve("model.safetensors"));
            Files.write(d.resolve("pytorch_model.bin"), ModelFixtures.pickleTouching(d.resolve("UNPICKLED")));
        }),
        SHARDED_WEIGHTS("sharded safetensors checkpoints are not supported", d -> {
            Files.move(d.resolve("model.safetensors"), d.resolve("model-00001-of-00002.safetensors"));
            Files.writeString(d.resolve("model.safetensors.index.json"), "{\"weight_map\": {}}");
        }),
        MISSING_WEIGHTS("model.safetensors is missing", d -> Files.delete(d.resolve("model.safetensors"))),
        MISSING_CONFIG("config.json is missing", d -> Files.delete(d.resolve("config.json"))),
        MISSING_TOKENIZER("tokenizer.json is missing", d -> Files.delete(d.resolve("tokenizer.json"))),
        MISSING_DIRECTORY("the directory does not exist", d -> Folders.deleteTree(d)),
        UNSUPPORTED_ARCHITECTURE("unsupported model_type 'gpt2'", d -> editConfig(d, c -> c.addProperty("model_type", "gpt2")));

        final String fragment;
        final Corruption corruption;

        BadModel(String fragment, Corruption corruption) {
            this.fragment = fragment;
            this.corruption = corruption;
        }
    }

    /** Breaks the checkpoint in a directory. */
    interface Corruption {
        void apply(Path dir) throws IOException;
    }

    @BeforeAll
    static void input() throws IOException {
        input = dir.resolve("input.txt");
        Files.write(input, List.of("the cat sat on the mat", "a dog ran in the park"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(BadModel.class)
    void refusedOnTheDriverWithOneSentenceAndNoOutput(BadModel bad) throws IOException {
        Path model = dir.resolve(bad.name());
        SyntheticCheckpoint.write(model, Family.BERT, Head.BASE, 5);
        bad.corruption.apply(model);
        Path output = dir.resolve(bad.name() + "-out");

        JobRunner.Outcome outcome = JobRunner.run("embed", "--set", "model.path=" + model, "--set", "input.path=" + input,
                "--set", "output.path=" + output, "--set", "spark.ui.enabled=false");

        assertEquals(2, outcome.code(), outcome.stderr());
        String message = JobRunner.refusal(outcome.stderr(), "embed");
        assertTrue(message.contains(bad.fragment), message);
        assertFalse(Files.exists(output), "no output for a refused model");
        assertFalse(Files.exists(model.resolve("UNPICKLED")), "nothing in the model directory ran");
    }

    private static void shift(JsonObject tensor, int index, long delta) {
        JsonArray offsets = tensor.getAsJsonArray("data_offsets");
        offsets.set(index, new JsonPrimitive(offsets.get(index).getAsLong() + delta));
    }

    private static JsonObject lastTensor(JsonObject header) {
        JsonObject last = null;
        long end = -1;
        for (var e : header.entrySet()) {
            if (!e.getKey().equals("__metadata__")
                    && e.getValue().getAsJsonObject().getAsJsonArray("data_offsets").get(1).getAsLong() > end) {
                last = e.getValue().getAsJsonObject();
                end = last.getAsJsonArray("data_offsets").get(1).getAsLong();
            }
        }
        return last;
    }

    /** Rewrites the safetensors header (JSON padded to 8 bytes) and keeps the data section as it is. */
    private static void editHeader(Path model, Consumer<JsonObject> edit) throws IOException {
        Path file = model.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(file);
        int length = (int) ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonObject header = JsonParser.parseString(new String(all, 8, length, StandardCharsets.UTF_8)).getAsJsonObject();
        edit.accept(header);
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + all.length - 8 - length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        while (out.position() < 8 + padded) {
            out.put((byte) ' ');
        }
        out.put(all, 8 + length, all.length - 8 - length);
        Files.write(file, out.array());
    }

    private static void editConfig(Path model, Consumer<JsonObject> edit) throws IOException {
        JsonObject config = JsonParser.parseString(Files.readString(model.resolve("config.json"))).getAsJsonObject();
        edit.accept(config);
        Files.writeString(model.resolve("config.json"), config.toString());
    }
}
