package dev.sparkencoders.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.SyntheticTokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerVocabularyTest {

    @TempDir
    Path dir;

    @Test
    void countsTheIdsOfWordPieceBpeAndUnigramVocabularies() throws IOException {
        for (Family family : new Family[] {Family.BERT, Family.ROBERTA, Family.ALBERT}) {
            SyntheticTokenizers.Spec spec = SyntheticTokenizers.of(family, 64);
            Path file = dir.resolve(family + ".json");
            Files.writeString(file, spec.tokenizerJson().toString());
            try (TextTokenizer tokenizer = TextTokenizer.load(file, 64)) {
                assertEquals(spec.vocabSize(), tokenizer.vocabularySize(), family.toString());
            }
        }
        assertEquals(30522, TokenizerVocabulary.size(Fixtures.tokenizerJson()), "bert-base-uncased's vocabulary");
    }

    @Test
    void countsAddedTokensPastTheModelVocabulary() throws IOException {
        JsonObject json = SyntheticTokenizers.of(Family.BERT, 64).tokenizerJson();
        JsonObject added = new JsonObject();
        added.addProperty("id", 200);
        added.addProperty("content", "[NEW]");
        added.addProperty("special", true);
        JsonArray tokens = json.getAsJsonArray("added_tokens");
        tokens.add(added);
        Path file = dir.resolve("added.json");
        Files.writeString(file, json.toString());
        assertEquals(201, TokenizerVocabulary.size(file));
    }

    @Test
    void refusesAFileThatIsNotATokenizer() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "[1, 2]");
        CheckpointException e = assertThrows(CheckpointException.class, () -> TokenizerVocabulary.size(file));
        assertTrue(e.getMessage().startsWith("Cannot read the vocabulary of tokenizer " + file), e.getMessage());
    }
}
