package dev.sparkencoders.text;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.sparkencoders.text.Fixtures.CLS;
import static dev.sparkencoders.text.Fixtures.SEP;
import static dev.sparkencoders.text.Fixtures.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TruncationTest {

    private static LongDocument doc;

    @BeforeAll
    static void load() {
        doc = LongDocument.open(20_000, 7);
    }

    @AfterAll
    static void close() {
        doc.close();
    }

    @Test
    void headTailKeepsExactlyTheFirst128AndTheLast382ContentTokens() {
        assertTrue(doc.content().length > 2_000, "the document is long: " + doc.content().length + " tokens");
        TokenizedText row = doc.tokenizer().encode(doc.text(), TruncationStrategy.HEAD_TAIL, 128);
        long[] expected = concat(new long[] {CLS}, Arrays.copyOfRange(doc.content(), 0, 128),
                Arrays.copyOfRange(doc.content(), doc.content().length - 382, doc.content().length), new long[] {SEP});
        assertArrayEquals(expected, row.ids());
        assertEquals(512, row.length());
        assertTrue(row.truncated());
        assertArrayEquals(row.ids(), doc.tokenizer().encode(doc.text(), TruncationStrategy.HEAD_TAIL).ids(),
                "128 head tokens is the default");
    }

    @Test
    void headKeepsTheFirst510AndMatchesTheTokenizersOwnTruncation() {
        TokenizedText row = doc.tokenizer().encode(doc.text(), TruncationStrategy.HEAD, 128);
        assertArrayEquals(concat(new long[] {CLS}, Arrays.copyOf(doc.content(), 510), new long[] {SEP}), row.ids());
        assertTrue(row.truncated());
        TokenizedText own = doc.tokenizer().encode(doc.text());
        assertArrayEquals(own.ids(), row.ids());
        assertArrayEquals(own.typeIds(), row.typeIds());
        assertArrayEquals(own.starts(), row.starts());
        assertArrayEquals(own.ends(), row.ends());
        assertArrayEquals(own.wordIds(), row.wordIds());
        assertTrue(own.truncated());
    }

    @Test
    void tailKeepsTheLast510() {
        TokenizedText row = doc.tokenizer().encode(doc.text(), TruncationStrategy.TAIL, 128);
        assertArrayEquals(concat(new long[] {CLS}, Arrays.copyOfRange(doc.content(), doc.content().length - 510,
                doc.content().length), new long[] {SEP}), row.ids());
        assertTrue(row.truncated());
        int last = row.length() - 2;
        assertEquals(doc.text().stripTrailing().length(), row.ends()[last], "the last kept token ends the text");
    }

    @Test
    void headTokensAreCappedAtTheRoomAvailable() {
        TokenizedText all = doc.tokenizer().encode(doc.text(), TruncationStrategy.HEAD_TAIL, 10_000);
        assertArrayEquals(doc.tokenizer().encode(doc.text(), TruncationStrategy.HEAD, 0).ids(), all.ids());
        TokenizedText none = doc.tokenizer().encode(doc.text(), TruncationStrategy.HEAD_TAIL, 0);
        assertArrayEquals(doc.tokenizer().encode(doc.text(), TruncationStrategy.TAIL, 0).ids(), none.ids());
    }

    @Test
    void aTextThatFitsIsUnchangedByEveryStrategy() {
        String text = "A naïve café owner in Zürich served crème brûlée to 37 tourists.";
        TokenizedText own = doc.tokenizer().encode(text);
        assertFalse(own.truncated());
        assertArrayEquals(doc.plain().encode(text).getIds(), own.ids());
        for (TruncationStrategy strategy : TruncationStrategy.values()) {
            TokenizedText row = doc.tokenizer().encode(text, strategy, 128);
            assertArrayEquals(own.ids(), row.ids(), strategy.name());
            assertArrayEquals(own.starts(), row.starts(), strategy.name());
            assertFalse(row.truncated(), strategy.name());
        }
        TokenizedText empty = doc.tokenizer().encode("", TruncationStrategy.TAIL);
        assertArrayEquals(new long[] {CLS, SEP}, empty.ids());
        assertFalse(empty.truncated());
    }

    @Test
    void maxLengthAbove512IsHonoured() {
        try (TextTokenizer wide = TextTokenizer.load(Fixtures.tokenizerJson(), 1024)) {
            assertEquals(1024, wide.encode(doc.text()).length(), "DJL would silently cut at 512");
            assertEquals(1024, wide.encode(doc.text(), TruncationStrategy.HEAD_TAIL).length());
            assertEquals(1022, wide.maxContentTokens());
        }
    }

    @Test
    void pairsAreStillTruncatedLongestFirstByTheTokenizer() {
        String question = "Where is Mozart buried?";
        TokenizedText pair = doc.tokenizer().encodePair(question, doc.text());
        assertEquals(512, pair.length());
        assertTrue(pair.truncated());
        long firstSegment = Arrays.stream(pair.typeIds()).filter(t -> t == 0).count();
        assertEquals(Fixtures.contentIds(doc.plain(), question).length + 2, firstSegment, "the question is kept whole");
    }

    @Test
    void badArgumentsFailWithOneSentence() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TruncationStrategy.parse("middle"));
        assertEquals("Cannot use truncation 'middle': unknown strategy (use head, tail or head_tail)",
                e.getMessage());
        assertEquals(TruncationStrategy.HEAD_TAIL, TruncationStrategy.parse(" Head-Tail "));
        assertEquals(TruncationStrategy.TAIL, TruncationStrategy.parse("tail"));
        assertThrows(IllegalArgumentException.class, () -> TruncationStrategy.parse(null));
        assertThrows(IllegalArgumentException.class,
                () -> doc.tokenizer().encode(doc.text(), TruncationStrategy.HEAD_TAIL, -1));
        assertThrows(IllegalArgumentException.class, () -> doc.tokenizer().encode(null, TruncationStrategy.HEAD));
        assertThrows(IllegalArgumentException.class, () -> doc.tokenizer().encode(null));
    }

    @Test
    void oneMegabyteDocument() {
        String big = Fixtures.document(1_000_000, 11);
        long t0 = System.nanoTime();
        long[] reference = Fixtures.contentIds(doc.plain(), big);
        long t1 = System.nanoTime();
        TokenizedText headTail = doc.tokenizer().encode(big, TruncationStrategy.HEAD_TAIL, 128);
        long t2 = System.nanoTime();
        List<TokenWindow> windows = doc.tokenizer().windows(big, 128);
        long t3 = System.nanoTime();
        TokenizedText head = doc.tokenizer().encode(big);
        long t4 = System.nanoTime();
        System.out.printf("1 MB document: %,d chars, %,d content tokens; plain DJL encode %d ms, head_tail %d ms,"
                        + " %d windows (stride 128) %d ms, encode (tokenizer truncates) %d ms%n", big.length(),
                reference.length, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, windows.size(),
                (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000);

        assertArrayEquals(concat(new long[] {CLS}, Arrays.copyOfRange(reference, 0, 128),
                Arrays.copyOfRange(reference, reference.length - 382, reference.length), new long[] {SEP}),
                headTail.ids());
        assertArrayEquals(concat(new long[] {CLS}, Arrays.copyOf(reference, 510), new long[] {SEP}), head.ids());
        TokenWindow last = windows.get(windows.size() - 1);
        assertTrue(last.isLast());
        assertEquals(reference.length, last.documentTokens());
        assertEquals((reference.length - 128 + 381) / 382, windows.size(), "ceil((n - stride) / step) windows");
        long[] tail = Arrays.copyOfRange(last.tokens().ids(), 1, last.tokens().length() - 1);
        assertArrayEquals(Arrays.copyOfRange(reference, last.firstContentToken(), reference.length), tail);
        int lastToken = last.tokens().length() - 2;
        assertEquals(big.stripTrailing().length(), last.tokens().ends()[lastToken]);
    }
}
