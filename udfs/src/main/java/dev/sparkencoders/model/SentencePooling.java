package dev.sparkencoders.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sentence-embedding recipe a checkpoint declares through sentence-transformers files
 * ({@code modules.json}, {@code 1_Pooling/config.json}, {@code sentence_bert_config.json}). Checkpoints without
 * them get mean pooling, no normalisation and the model's position limit.
 */
public record SentencePooling(Pooling pooling, boolean normalize, Integer maxSeqLength) {

    public static final SentencePooling DEFAULT = new SentencePooling(Pooling.MEAN, false, null);

    /** Reads the sentence-transformers files of a checkpoint directory, or returns {@link #DEFAULT}. */
    public static SentencePooling read(Path dir) {
        Pooling pooling = DEFAULT.pooling();
        boolean normalize = false;
        Integer maxSeqLength = null;
        Path modules = dir.resolve("modules.json");
        if (Files.isRegularFile(modules)) {
            for (JsonElement module : parse(modules).getAsJsonArray()) {
                String type = module.getAsJsonObject().get("type").getAsString();
                if (type.endsWith(".Normalize")) {
                    normalize = true;
                }
                if (type.endsWith(".Pooling")) {
                    Path config = dir.resolve(module.getAsJsonObject().get("path").getAsString()).resolve("config.json");
                    if (Files.isRegularFile(config)) {
                        pooling = poolingOf(parse(config).getAsJsonObject(), config);
                    }
                }
            }
        }
        Path sbert = dir.resolve("sentence_bert_config.json");
        if (Files.isRegularFile(sbert)) {
            JsonObject o = parse(sbert).getAsJsonObject();
            if (o.has("max_seq_length") && !o.get("max_seq_length").isJsonNull()) {
                maxSeqLength = o.get("max_seq_length").getAsInt();
            }
        }
        return new SentencePooling(pooling, normalize, maxSeqLength);
    }

    private static Pooling poolingOf(JsonObject o, Path where) {
        if (flag(o, "pooling_mode_cls_token")) {
            return Pooling.CLS;
        }
        if (flag(o, "pooling_mode_max_tokens")) {
            return Pooling.MAX;
        }
        if (flag(o, "pooling_mode_mean_tokens")) {
            return Pooling.MEAN;
        }
        throw new CheckpointException("Cannot read " + where + ": it enables none of the supported pooling modes"
                + " (pooling_mode_cls_token, pooling_mode_mean_tokens, pooling_mode_max_tokens)");
    }

    private static boolean flag(JsonObject o, String key) {
        return o.has(key) && o.get(key).getAsBoolean();
    }

    private static JsonElement parse(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("Cannot read " + file + ": " + CheckpointException.firstLine(e), e);
        }
    }
}
