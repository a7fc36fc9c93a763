package dev.sparkencoders.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A HuggingFace checkpoint directory: {@code config.json}, {@code tokenizer.json}, {@code model.safetensors} and,
 * optionally, sentence-transformers pooling and prompt files. Opening checks that the files exist and that the config is
 * usable; the weights are checked against the config when the encoder loads them.
 *
 * <pre>{@code
 * Checkpoint checkpoint = Checkpoint.open(Path.of("/models/all-MiniLM-L6-v2"));
 * }</pre>
 */
public record Checkpoint(Path dir, ModelConfig config, Path tokenizerFile, Path weightsFile, SentencePooling pooling,
                         SentencePrompts prompts) {

    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String WEIGHTS = "model.safetensors";

    /** Hashes already computed in this JVM, by weights file, size and modification time. */
    private static final Map<String, String> HASHES = new ConcurrentHashMap<>();

    /**
     * The SHA-256 of model.safetensors in hex, which identifies the exact weights a run used. Computed once per
     * JVM for the same file, size and modification time (a job asks for it on the driver several times).
     */
    public String weightsSha256() {
        String key;
        try {
            key = weightsFile.toAbsolutePath() + "\0" + Files.size(weightsFile) + "\0"
                    + Files.getLastModifiedTime(weightsFile).toMillis();
        } catch (IOException e) {
            throw new CheckpointException("Cannot hash " + weightsFile + ": " + e.getMessage(), e);
        }
        return HASHES.computeIfAbsent(key, k -> hash(weightsFile));
    }

    private static String hash(Path weightsFile) {
        try (InputStream in = Files.newInputStream(weightsFile)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new CheckpointException("Cannot hash " + weightsFile + ": " + e.getMessage(), e);
        }
    }

    public static Checkpoint open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("Cannot load model " + dir + ": the directory does not exist"
                    + " (model.path must point to a HuggingFace checkpoint directory)");
        }
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            if (Files.exists(dir.resolve("pytorch_model.bin"))) {
                throw new CheckpointException("Cannot load model " + dir + ": it has only a pickle checkpoint"
                        + " (pytorch_model.bin), which is refused because loading pickle can run code (convert it to"
                        + " model.safetensors, e.g. with transformers' save_pretrained(..., safe_serialization=True))");
            }
            if (Files.exists(dir.resolve("model.safetensors.index.json"))) {
                throw new CheckpointException("Cannot load model " + dir + ": sharded safetensors checkpoints are"
                        + " not supported (save it as one model.safetensors file)");
            }
            throw new CheckpointException("Cannot load model " + dir + ": " + WEIGHTS + " is missing (a checkpoint"
                    + " needs config.json, tokenizer.json and model.safetensors)");
        }
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new CheckpointException("Cannot load model " + dir + ": " + CONFIG + " is missing (a checkpoint"
                    + " needs config.json, tokenizer.json and model.safetensors)");
        }
        Path tokenizer = dir.resolve(TOKENIZER);
        if (!Files.isRegularFile(tokenizer)) {
            throw new CheckpointException("Cannot load model " + dir + ": " + TOKENIZER + " is missing (save the"
                    + " fast tokenizer with the checkpoint: tokenizer.save_pretrained(dir))");
        }
        return new Checkpoint(dir, ModelConfig.read(configFile), tokenizer, weights, SentencePooling.read(dir),
                SentencePrompts.read(dir));
    }
}
