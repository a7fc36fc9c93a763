package dev.sparkencoders.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.sparkencoders.text.Fixtures.CLS;
import static dev.sparkencoders.text.Fixtures.SEP;
import static dev.sparkencoders.text.Fixtures.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenWindowsTest {

    private static LongDocument doc;

    @BeforeAll
    static void load() {
        doc = LongDocument.open(15_000, 3);
    }

    @AfterAll
    static void close() {
        doc.close();
    }

    @Test
    void windowsCoverEveryContentTokenWithTheGivenOverlap() {
        for (int stride : new int[] {0, 1, 128, 509}) {
            List<TokenWindow> windows = doc.tokenizer().windows(doc.text(), stride);
            int[] covered = new int[doc.content().length];
            TokenWindow previous = null;
            for (TokenWindow w : windows) {
                long[] ids = w.tokens().ids();
                assertTrue(ids.length <= 512);
                assertEquals(CLS, ids[0]);
                assertEquals(SEP, ids[ids.length - 1]);
                assertEquals(1, w.contentStart());
                assertEquals(ids.length - 2, w.contentLength());
                assertArrayEquals(Arrays.copyOfRange(doc.content(), w.firstContentToken(),
                        w.firstContentToken() + w.contentLength()), Arrays.copyOfRange(ids, 1, ids.length - 1));
                assertFalse(w.tokens().truncated(), "windows lose nothing together");
                for (int p = 0; p < ids.length; p++) {
                    int d = w.documentToken(p);
                    if (p == 0 || p == ids.length - 1) {
                        assertEquals(-1, d);
                    } else {
                        assertEquals(doc.content()[d], ids[p]);
                        covered[d]++;
                    }
                }
                if (previous != null) {
                    assertEquals(510, previous.contentLength(), "every window but the last is full");
                    assertEquals(stride, previous.firstContentToken() + previous.contentLength()
                            - w.firstContentToken(), "overlap");
                }
                previous = w;
            }
            assertTrue(previous.isLast());
            int most = (510 + (510 - stride) - 1) / (510 - stride);
            assertTrue(Arrays.stream(covered).allMatch(c -> c >= 1 && c <= most),
                    "stride " + stride + ": every token in 1 to " + most + " windows");
            if (stride == 0) {
                assertTrue(Arrays.stream(covered).allMatch(c -> c == 1));
            }
        }
    }

    @Test
    void windowsMatchHuggingFaceOverflowWithStride() throws IOException {
        try (HuggingFaceTokenizer overflow = HuggingFaceTokenizer.builder().optTokenizerPath(Fixtures.tokenizerJson())
                .optTruncation(true).optMaxLength(512).optStride(128).optWithOverflowingTokens(true)
                .optPadding(false).build()) {
            Encoding main = overflow.encode(doc.text());
            List<long[]> expected = new ArrayList<>();
            expected.add(main.getIds());
            for (Encoding e : main.getOverflowing()) {
                expected.add(e.getIds());
            }
            List<TokenWindow> windows = doc.tokenizer().windows(doc.text(), 128);
            assertEquals(expected.size(), windows.size());
            for (int i = 0; i < windows.size(); i++) {
                assertArrayEquals(expected.get(i), windows.get(i).tokens().ids(), "window " + i);
            }
        }
    }

    @Test
    void windowSpansAndWordIdsReferToTheWholeDocument() {
        TokenizedText whole;
        try (TextTokenizer unlimited = TextTokenizer.load(Fixtures.tokenizerJson(), 1_000_000)) {
            whole = unlimited.encode(doc.text(), TruncationStrategy.HEAD);
        }
        assertFalse(whole.truncated());
        for (TokenWindow w : doc.tokenizer().windows(doc.text(), 64)) {
            for (int p = w.contentStart(); p < w.contentStart() + w.contentLength(); p++) {
                int at = w.documentToken(p) + 1;
                assertEquals(whole.ids()[at], w.tokens().ids()[p]);
                assertEquals(whole.starts()[at], w.tokens().starts()[p]);
                assertEquals(whole.ends()[at], w.tokens().ends()[p]);
                assertEquals(whole.wordIds()[at], w.tokens().wordIds()[p]);
            }
        }
        assertTrue(whole.wordIds()[whole.length() - 2] > 2_000, "word ids count over the whole document");
    }

    @Test
    void aTextThatFitsGivesExactlyOneWindow() {
        String text = "Wolfgang Amadeus Mozart composed more than 600 works.";
        List<TokenWindow> windows = doc.tokenizer().windows(text, 128);
        assertEquals(1, windows.size());
        TokenWindow only = windows.get(0);
        assertArrayEquals(doc.tokenizer().encode(text).ids(), only.tokens().ids());
        assertEquals(0, only.firstContentToken());
        assertEquals(only.tokens().length() - 2, only.documentTokens());
        assertTrue(only.isLast());
        assertEquals(1, doc.tokenizer().windows("", 0).size());
    }

    @Test
    void strideMustLeaveRoomToAdvance() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> doc.tokenizer().windows(doc.text(), 510));
        assertEquals("Cannot cut windows: stride 510 is not below the 510 text tokens of a window (use a stride"
                + " from 0 to 509)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> doc.tokenizer().windows(doc.text(), -1));
        assertEquals(510, doc.tokenizer().maxContentTokens());
    }

    /** Special tokens are found from the doc.tokenizer(), wherever its template puts them. */
    @Test
    void otherSpecialTokenLayoutsAreKept(@TempDir Path dir) throws IOException {
        String text = IntStream.range(0, 40).mapToObj(i -> "t" + i).collect(Collectors.joining(" "));
        long[] contentIds = IntStream.range(0, 40).mapToLong(i -> i + 3).toArray();
        // XLNet style: text <sep> <cls>
        Path xlnet = write(dir.resolve("xlnet.json"), """
                {"type": "TemplateProcessing",
                 "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<sep>", "type_id": 0}},
                            {"SpecialToken": {"id": "<cls>", "type_id": 2}}],
                 "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<sep>", "type_id": 0}},
                          {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "<sep>", "type_id": 1}},
                          {"SpecialToken": {"id": "<cls>", "type_id": 2}}],
                 "special_tokens": {"<sep>": {"id": "<sep>", "ids": [1], "tokens": ["<sep>"]},
                                    "<cls>": {"id": "<cls>", "ids": [2], "tokens": ["<cls>"]}}}""");
        try (TextTokenizer t = TextTokenizer.load(xlnet, 12)) {
            TokenizedText row = t.encode(text, TruncationStrategy.HEAD_TAIL, 4);
            assertArrayEquals(concat(Arrays.copyOf(contentIds, 4), Arrays.copyOfRange(contentIds, 34, 40),
                    new long[] {1, 2}), row.ids());
            assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, row.typeIds());
            assertEquals("t35", text.substring(row.starts()[5], row.ends()[5]));
            assertEquals(10, t.maxContentTokens());
            List<TokenWindow> windows = t.windows(text, 3);
            assertEquals(0, windows.get(1).contentStart());
            assertEquals(7, windows.get(1).firstContentToken());
            assertArrayEquals(concat(Arrays.copyOfRange(contentIds, 7, 17), new long[] {1, 2}),
                    windows.get(1).tokens().ids());
        }
        // RoBERTa style: <s> text </s>
        Path roberta = write(dir.resolve("roberta.json"), """
                {"type": "RobertaProcessing", "sep": ["</s>", 1], "cls": ["<s>", 2], "trim_offsets": true,
                 "add_prefix_space": false}""");
        try (TextTokenizer t = TextTokenizer.load(roberta, 12)) {
            TokenizedText row = t.encode(text, TruncationStrategy.TAIL);
            assertArrayEquals(concat(new long[] {2}, Arrays.copyOfRange(contentIds, 30, 40), new long[] {1}),
                    row.ids());
            assertTrue(row.truncated());
            assertTrue(row.isSpecial(0) && row.isSpecial(11));
        }
    }

    private static Path write(Path file, String postProcessor) throws IOException {
        StringBuilder vocab = new StringBuilder("\"<unk>\": 0, \"<sep>\": 1, \"<cls>\": 2");
        for (int i = 0; i < 40; i++) {
            vocab.append(", \"t").append(i).append("\": ").append(i + 3);
        }
        String added = """
                {"id": %d, "content": "%s", "single_word": false, "lstrip": false, "rstrip": false,
                 "normalized": false, "special": true}""";
        String json = """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [%s, %s, %s],
                 "normalizer": null, "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": %s,
                 "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {%s}, "unk_token": "<unk>"}}
                """.formatted(added.formatted(0, "<unk>"), added.formatted(1, "<sep>"), added.formatted(2, "<cls>"),
                postProcessor, vocab);
        Files.writeString(file, json);
        return file;
    }
}
