package dev.sparkencoders.text.pretrain;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.sparkencoders.importer.BundledModel;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.SyntheticTokenizers;
import dev.sparkencoders.text.TextTokenizer;
import dev.sparkencoders.text.VocabularyPieces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-document rules of pre-training data: sentences, word pieces, the special-token layout and masking. */
class PretrainRulesTest {

    @TempDir
    Path dir;

    @Test
    void textFilesHoldOneSentencePerLineAndBlankLinesBetweenDocuments() {
        assertEquals(List.of(List.of("First.", "Second."), List.of("Other doc.")),
                DocumentSentences.documents("First.\r\nSecond.\r\n \r\n\n\nOther doc.\n"));
        assertEquals(List.of(), DocumentSentences.documents("\n\n"));
    }

    @Test
    void aDocumentColumnIsCutAtLineBreaksAndSentenceEnds() {
        assertEquals(List.of("It rains.", "We stay in!", "Do we?", "A new line"),
                DocumentSentences.sentences("It rains. We stay in! Do we?\nA new line"));
        assertEquals(List.of(), DocumentSentences.sentences(null));
        assertEquals(List.of(), DocumentSentences.sentences("  "));
    }

    @Test
    void wordPiecesContinueWithHashesAndSentencePiecesStartWithTheMark() throws IOException {
        VocabularyPieces bert = VocabularyPieces.read(BundledModel.path().resolve("tokenizer.json"));
        assertEquals("WordPiece", bert.model());
        boolean[] continues = bert.continuesWord();
        assertTrue(continues[index(bert, "##ing")]);
        assertFalse(continues[index(bert, "play")]);
        assertFalse(continues[index(bert, "[MASK]")]);
        assertTrue(bert.special()[index(bert, "[CLS]")]);
        assertFalse(Arrays.stream(bert.ordinaryIds()).anyMatch(id -> bert.special()[id]));

        SyntheticTokenizers.Spec albert = SyntheticTokenizers.of(Family.ALBERT, 128);
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, albert.tokenizerJson().toString());
        VocabularyPieces unigram = VocabularyPieces.read(file);
        assertEquals("Unigram", unigram.model());
        assertEquals(VocabularyPieces.SENTENCEPIECE_SPACE, unigram.marker());
        boolean[] albertContinues = unigram.continuesWord();
        assertFalse(albertContinues[albert.id("\u2581cat")]);
        assertTrue(albertContinues[albert.id("ing")]);
        assertFalse(albertContinues[albert.id(".")], "punctuation starts a word of its own");
        assertFalse(albertContinues[albert.maskId()]);
    }

    private static int index(VocabularyPieces pieces, String piece) {
        return Arrays.asList(pieces.pieces()).indexOf(piece);
    }

    @Test
    void theTemplateIsReadOffTheTokenizer() throws IOException {
        Path file = BundledModel.path().resolve("tokenizer.json");
        try (TextTokenizer tokenizer = TextTokenizer.load(file, 128);
             HuggingFaceTokenizer reference = HuggingFaceTokenizer.builder().optTokenizerPath(file)
                     .optTruncation(false).optPadding(false).optAddSpecialTokens(false).build()) {
            InstanceTemplate template = InstanceTemplate.of(tokenizer);
            assertArrayEquals(new int[] {101}, template.pairPrefix());
            assertArrayEquals(new int[] {102}, template.pairMiddle());
            assertArrayEquals(new int[] {102}, template.pairSuffix());
            assertEquals(3, template.pairSpecials());
            assertEquals(2, template.singleSpecials());
            String text = "unaffable playing ".repeat(100);
            long[] plain = reference.encode(text).getIds();
            assertTrue(plain.length > 128);
            assertArrayEquals(plain, tokenizer.contentIds(text), "no special tokens, no truncation");
        }
    }

    @Test
    void maskingPredictsTheRoundedShareNeverSpecialTokensAndWholeWordsTogether() {
        int n = 42;
        int[] ids = new int[n];
        boolean[] special = new boolean[n];
        boolean[] starts = new boolean[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1000 + i;
            special[i] = i == 0 || i == 20 || i == n - 1;
            starts[i] = i % 3 == 1; // words of three pieces
        }
        MaskingRules rules = new MaskingRules(0.15, 20, true, 103, new int[] {7, 8, 9});
        for (long seed = 0; seed < 200; seed++) {
            MaskingRules.Masked masked = rules.apply(ids, special, starts, new SplittableRandom(seed));
            assertTrue(masked.positions().length <= rules.predictions(n - 3));
            for (int p = 0; p < masked.positions().length; p++) {
                int position = masked.positions()[p];
                assertFalse(special[position]);
                assertEquals(ids[position], masked.labels()[p]);
                if (p > 0) {
                    assertTrue(position > masked.positions()[p - 1]);
                }
            }
            List<Integer> positions = Arrays.stream(masked.positions()).boxed().toList();
            for (int i = 1; i < n; i++) {
                if (!starts[i] && !special[i] && !special[i - 1]) {
                    assertEquals(positions.contains(i - 1), positions.contains(i), "whole words, seed " + seed);
                }
            }
        }
        assertEquals(6, rules.predictions(39), "round half up: 5.85 -> 6");
        assertEquals(1, rules.predictions(2));
        assertEquals(20, rules.predictions(500));
    }

    @Test
    void aDocumentsDraftsDependOnSeedDocumentAndCopyOnly() {
        int[][] sentences = new int[12][];
        for (int s = 0; s < sentences.length; s++) {
            sentences[s] = new int[8 + s % 5];
            Arrays.fill(sentences[s], 2000 + s);
        }
        TokenizedDocument doc = new TokenizedDocument(3, sentences);
        InstanceTemplate template = new InstanceTemplate(new int[] {101}, new int[] {102}, new int[] {102},
                new int[] {101}, new int[] {102});
        PretrainSettings settings = new PretrainSettings(PretrainObjective.SOP, 32, 0.1, 2, 5, false, 0, template,
                new MaskingRules(0.15, 5, false, 103, new int[] {7, 8, 9}), new boolean[3000]);
        List<PretrainInstance> first = DocumentInstances.draft(doc, 1, 10, settings).stream()
                .map(d -> DocumentInstances.finish(d, settings)).toList();
        List<PretrainInstance> again = DocumentInstances.draft(doc, 1, 10, settings).stream()
                .map(d -> DocumentInstances.finish(d, settings)).toList();
        assertEquals(first.size(), again.size());
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i).inputIds(), again.get(i).inputIds());
            assertTrue(first.get(i).length() <= 32);
        }
        List<PretrainInstance> otherCopy = DocumentInstances.draft(doc, 0, 10, settings).stream()
                .map(d -> DocumentInstances.finish(d, settings)).toList();
        assertNotEquals(Arrays.toString(first.get(0).inputIds()), Arrays.toString(otherCopy.get(0).inputIds()));
    }

}
