package dev.sparkencoders.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenAlignmentTest {

    private static TextTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = TextTokenizer.load(Fixtures.tokenizerJson(), 128);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void spansPointAtTheTokensSurfaceText() {
        String text = "My name is Wolfgang Schwarzenegger and I live in Kaiserslautern, since 1984.";
        TokenizedText row = tokenizer.encode(text);
        String[] pieces;
        try (HuggingFaceTokenizer plain = Fixtures.plainTokenizer()) {
            pieces = plain.encode(text).getTokens();
        }
        assertEquals(pieces.length, row.length());
        assertTrue(row.isSpecial(0));
        assertTrue(row.isSpecial(row.length() - 1));
        for (int i = 1; i < row.length() - 1; i++) {
            assertFalse(row.isSpecial(i));
            String surface = text.substring(row.starts()[i], row.ends()[i]);
            assertEquals(pieces[i].replace("##", ""), surface.toLowerCase(Locale.ROOT), "token " + i);
        }
        assertEquals(-1, row.starts()[0]);
        assertEquals(-1, row.ends()[0]);
        assertEquals(-1, row.wordIds()[0]);
        assertEquals(-1, row.wordIds()[row.length() - 1]);
    }

    @Test
    void unpairedSurrogatesBecomeReplacementCharactersAndLaterOffsetsStayRight() {
        String text = "x\uDC00\uD800y caf\uD83D\uDE00 at the end\uD800";
        String replaced = "x\uFFFD\uFFFDy caf\uD83D\uDE00 at the end\uFFFD";
        List<Function<String, TokenizedText>> encoders = List.of(tokenizer::encode,
                t -> tokenizer.encode(t, TruncationStrategy.HEAD_TAIL, 4));
        for (Function<String, TokenizedText> encode : encoders) {
            TokenizedText row = encode.apply(text);
            TokenizedText expected = encode.apply(replaced);
            assertArrayEquals(expected.ids(), row.ids());
            assertArrayEquals(expected.starts(), row.starts());
            assertArrayEquals(expected.ends(), row.ends());
            int end = row.length() - 2;
            assertEquals("end", text.substring(row.starts()[end], row.ends()[end]));
        }
    }

    @Test
    void subWordsShareTheirWordId() {
        String text = "Wolfgang Schwarzenegger visited Kaiserslautern";
        TokenizedText row = tokenizer.encode(text);
        StringBuilder words = new StringBuilder();
        for (int i = 1; i < row.length() - 1; i++) {
            if (i > 1 && row.wordIds()[i] != row.wordIds()[i - 1]) {
                words.append('|');
            }
            words.append(text, row.starts()[i], row.ends()[i]);
        }
        assertEquals("Wolfgang|Schwarzenegger|visited|Kaiserslautern", words.toString());
        assertEquals(3, row.wordIds()[row.length() - 2]);
        assertTrue(row.length() > 6, "some words are split into sub-words");
    }

    @Test
    void spansAreUtf16IndicesEvenAfterCharactersOutsideTheBmp() {
        String text = "I 😀 love 𝔘nicode and Zürich";
        TokenizedText row = tokenizer.encode(text);
        int last = row.length() - 2;
        assertEquals("Zürich", text.substring(row.starts()[last], row.ends()[last]));
        assertEquals("😀", text.substring(row.starts()[2], row.ends()[2]));
        assertEquals("love", text.substring(row.starts()[3], row.ends()[3]));
    }

    @Test
    void pairSpansIndexIntoTheirOwnText() {
        String first = "Who is 😀 here?";
        String second = "Wolfgang is.";
        TokenizedText row = tokenizer.encodePair(first, second);
        int secondStart = -1;
        for (int i = 0; i < row.length(); i++) {
            if (row.typeIds()[i] == 1 && !row.isSpecial(i)) {
                secondStart = i;
                break;
            }
        }
        assertEquals("Wolfgang", second.substring(row.starts()[secondStart], row.ends()[secondStart]));
        assertEquals(0, row.wordIds()[secondStart], "words are counted per text");
        assertEquals("here", first.substring(row.starts()[4], row.ends()[4]));
    }

    @Test
    void literalSpecialTokenStringsAreOrdinaryTokens() {
        String text = "the capital of france is [MASK] .";
        TokenizedText row = tokenizer.encode(text);
        int mask = 6;
        assertEquals(103, row.ids()[mask]);
        assertFalse(row.isSpecial(mask));
        assertEquals("[MASK]", text.substring(row.starts()[mask], row.ends()[mask]));
    }

    @Test
    void rowsWithoutAlignmentCanStillBeBuilt() {
        TokenizedText row = new TokenizedText(new long[] {101, 7592, 102}, new long[3], false);
        assertEquals(3, row.length());
        assertArrayEquals(new int[] {-1, -1, -1}, row.starts());
        assertArrayEquals(new int[] {-1, -1, -1}, row.wordIds());
        assertFalse(row.isSpecial(0));
        assertThrows(IllegalArgumentException.class, () -> new TokenizedText(new long[2], new long[2], new int[2],
                new int[1], new int[2], new boolean[2], false));
    }
}
