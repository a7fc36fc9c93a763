package dev.sparkencoders.text;

import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.SyntheticTokenizers;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SentencePiece tokenizers of XLM-RoBERTa and CamemBERT (cased Unigram, Metaspace, RoBERTa's pair template with
 * one segment id): ids, spans over accented and CJK text, specials at the ids the vocabulary gives them.
 */
class SentencePieceTokenizerTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"XLM_ROBERTA", "CAMEMBERT"})
    void encodesCasedMultilingualTextWithRobertasTemplate(Family family) throws IOException {
        SyntheticTokenizers.Spec spec = SyntheticTokenizers.of(family, 64);
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, spec.tokenizerJson().toString());
        String text = "The cat sat on über café 北京 中国.";
        List<String> words = List.of("The", "cat", "sat", "on", "über", "café", "北京", "中国");
        try (TextTokenizer tokenizer = TextTokenizer.load(file, 64)) {
            assertEquals(spec.vocabSize(), tokenizer.vocabularySize());
            TokenizedText row = tokenizer.encode(text);
            long[] expected = new long[words.size() + 3];
            expected[0] = spec.clsId();
            for (int i = 0; i < words.size(); i++) {
                expected[i + 1] = spec.id("\u2581" + words.get(i));
            }
            expected[words.size() + 1] = spec.id(".");
            expected[words.size() + 2] = spec.sepId();
            assertArrayEquals(expected, row.ids(), Arrays.toString(row.ids()));
            for (int i = 0; i < words.size(); i++) {
                assertEquals(words.get(i), text.substring(row.starts()[i + 1], row.ends()[i + 1]).strip());
            }
            assertTrue(row.isSpecial(0) && row.isSpecial(row.length() - 1));

            TokenizedText pair = tokenizer.encodePair("The cat", "Le chat");
            long[] ids = pair.ids();
            assertEquals(List.of(spec.clsId(), spec.id("\u2581The"), spec.id("\u2581cat"), spec.sepId(), spec.sepId()),
                    Arrays.stream(ids).limit(5).boxed().map(Long::intValue).toList());
            assertEquals(spec.sepId(), ids[ids.length - 1]);
            assertTrue(Arrays.stream(pair.typeIds()).allMatch(t -> t == 0), "RoBERTa's pair has one segment id");
            assertEquals(spec.maskId(), tokenizer.maskTokenId().orElseThrow());
        }
    }
}
