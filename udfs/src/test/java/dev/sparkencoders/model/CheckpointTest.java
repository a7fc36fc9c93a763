package dev.sparkencoders.model;

import dev.sparkencoders.importer.BundledModel;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.encoder.TransformerEncoder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoint directories that must be refused with one sentence, and the bundled one that must load. */
class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void bundledModelDeclaresMeanPoolingNormalisationAnd256Tokens() {
        Checkpoint checkpoint = Checkpoint.open(BundledModel.path());
        assertEquals(new SentencePooling(Pooling.MEAN, true, 256), checkpoint.pooling());
        assertEquals(384, checkpoint.config().hiddenSize());
        assertEquals(HiddenActivation.GELU, checkpoint.config().activation());
    }

    @Test
    void hashesTheWeightsAgainWhenTheFileChanges() throws IOException {
        Path weights = dir.resolve(Checkpoint.WEIGHTS);
        Checkpoint checkpoint = new Checkpoint(dir, null, null, weights, null, null);
        Files.writeString(weights, "abc");
        // FIPS 180-2 test vectors
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", checkpoint.weightsSha256());
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", checkpoint.weightsSha256());
        Files.writeString(weights, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", checkpoint.weightsSha256());
    }

    @Test
    void refusesPickleOnlyCheckpoints() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("pickle") && e.getMessage().contains("model.safetensors"), e.getMessage());
    }

    @Test
    void refusesMissingFilesNamingThem() throws IOException {
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.open(dir.resolve("nope")))
                .getMessage().contains("does not exist"));
        Files.write(dir.resolve("model.safetensors"), new byte[0]);
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.open(dir))
                .getMessage().contains("config.json is missing"));
        Files.writeString(dir.resolve("config.json"), "{}");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.open(dir))
                .getMessage().contains("tokenizer.json is missing"));
    }

    @Test
    void refusesUnsupportedArchitectures() throws IOException {
        Path copy = bundledWithConfig(c -> c.addProperty("model_type", "gpt2"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(copy));
        assertTrue(e.getMessage().contains("unsupported model_type 'gpt2'"), e.getMessage());
    }

    @Test
    void refusesConfigsWhoseShapesDisagreeWithTheWeights() throws IOException {
        Path copy = bundledWithConfig(c -> c.addProperty("intermediate_size", 1000));
        CheckpointException e = assertThrows(CheckpointException.class, () -> TransformerEncoder.load(Checkpoint.open(copy)));
        assertTrue(e.getMessage().startsWith("Cannot load model"), e.getMessage());
        assertTrue(e.getMessage().contains("encoder.layer.0.intermediate.dense.weight has shape [1536, 384] but"
                + " config.json implies [1000, 384]"), e.getMessage());
    }

    @Test
    void namesEveryMissingParameter() throws IOException {
        Path copy = bundledWithConfig(c -> c.addProperty("num_hidden_layers", 7));
        CheckpointException e = assertThrows(CheckpointException.class, () -> TransformerEncoder.load(Checkpoint.open(copy)));
        assertTrue(e.getMessage().contains("16 parameters are missing"), e.getMessage());
        assertTrue(e.getMessage().contains("encoder.layer.6.attention.self.query.weight"), e.getMessage());
    }

    /** A checkpoint sharing the bundled weights and tokenizer (symbolic links) with an edited config.json. */
    private Path bundledWithConfig(Consumer<JsonObject> edit) throws IOException {
        Path source = BundledModel.path();
        Path copy = Files.createDirectories(dir.resolve("edited"));
        Files.createSymbolicLink(copy.resolve("model.safetensors"), source.resolve("model.safetensors"));
        Files.createSymbolicLink(copy.resolve("tokenizer.json"), source.resolve("tokenizer.json"));
        JsonObject config = JsonParser.parseString(Files.readString(source.resolve("config.json"))).getAsJsonObject();
        edit.accept(config);
        Files.writeString(copy.resolve("config.json"), config.toString());
        return copy;
    }
}
