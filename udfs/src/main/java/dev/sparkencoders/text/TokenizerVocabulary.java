package dev.sparkencoders.text;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.model.CheckpointException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The number of token ids a HuggingFace {@code tokenizer.json} can produce: one more than the largest id of its
 * model vocabulary ({@code model.vocab}: token to id for WordPiece, BPE and WordLevel, a list of pieces for
 * Unigram) and of its {@code added_tokens}. The encoder's word embeddings need at least this many rows.
 *
 * <pre>{@code
 * int ids = TokenizerVocabulary.size(dir.resolve("tokenizer.json"));   // 30522 for bert-base-uncased
 * }</pre>
 */
final class TokenizerVocabulary {

    private TokenizerVocabulary() {}

    static int size(Path tokenizerJson) {
        try (Reader reader = Files.newBufferedReader(tokenizerJson, StandardCharsets.UTF_8)) {
            return (int) Math.min(Integer.MAX_VALUE, largestId(JsonParser.parseReader(reader).getAsJsonObject()) + 1);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("Cannot read the vocabulary of tokenizer " + tokenizerJson + ": " + CheckpointException.firstLine(e)
                    + " (it must be a HuggingFace fast-tokenizer tokenizer.json)", e);
        }
    }

    private static long largestId(JsonObject json) {
        long largest = -1;
        JsonElement vocab = json.has("model") && json.get("model").isJsonObject()
                ? json.getAsJsonObject("model").get("vocab") : null;
        if (vocab != null && vocab.isJsonObject()) {
            for (var entry : vocab.getAsJsonObject().entrySet()) {
                largest = Math.max(largest, entry.getValue().getAsLong());
            }
        } else if (vocab != null && vocab.isJsonArray()) {
            largest = vocab.getAsJsonArray().size() - 1L;
        }
        JsonElement added = json.get("added_tokens");
        if (added != null && added.isJsonArray()) {
            for (JsonElement token : added.getAsJsonArray()) {
                largest = Math.max(largest, token.getAsJsonObject().get("id").getAsLong());
            }
        }
        return largest;
    }
}
