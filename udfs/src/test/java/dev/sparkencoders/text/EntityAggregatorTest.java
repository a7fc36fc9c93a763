package dev.sparkencoders.text;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntityAggregatorTest {

    private static final String[] LABELS = {"O", "B-PER", "I-PER", "B-LOC", "I-LOC"};
    private static final int O = 0;
    private static final int B_PER = 1;
    private static final int I_PER = 2;
    private static final int B_LOC = 3;
    private static final int I_LOC = 4;

    private static TextTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = TextTokenizer.load(Fixtures.tokenizerJson(), 512);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /** {@code p} for {@code label}, the rest on O (or spread over the others when the label is O). */
    private static float[] row(int label, float p) {
        float[] row = new float[LABELS.length];
        if (label == O) {
            Arrays.fill(row, (1 - p) / (LABELS.length - 1));
        } else {
            row[O] = 1 - p;
        }
        row[label] = p;
        return row;
    }

    private static List<String> surfaces(String text, TokenizedText tokens) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < tokens.length(); i++) {
            out.add(tokens.isSpecial(i) ? "*" : text.substring(tokens.starts()[i], tokens.ends()[i]));
        }
        return out;
    }

    private static void assertSpans(List<EntitySpan> actual, String text, Object... expected) {
        assertEquals(expected.length / 3, actual.size(), actual.toString());
        for (int i = 0; i < actual.size(); i++) {
            EntitySpan span = actual.get(i);
            assertEquals(expected[3 * i], span.label(), span.toString());
            assertEquals(expected[3 * i + 1], span.word(), span.toString());
            assertEquals(((Number) expected[3 * i + 2]).floatValue(), span.score(), 1e-5, span.toString());
            assertEquals(span.word(), text.substring(span.start(), span.end()));
        }
    }

    @Test
    void strategiesDifferOnSubWordsAsHuggingFaceDocuments() {
        String text = "My name is Wolfgang Schwarzenegger and I live in Kaiserslautern";
        TokenizedText tokens = tokenizer.encode(text);
        assertEquals(List.of("*", "My", "name", "is", "Wolfgang", "Schwarz", "ene", "gger", "and", "I", "live",
                "in", "Kaiser", "sl", "au", "tern", "*"), surfaces(text, tokens));
        float[][] p = new float[tokens.length()][];
        Arrays.fill(p, row(O, 0.9f));
        p[0] = row(B_LOC, 1f);                                   // special tokens are ignored
        p[4] = new float[] {0.05f, 0.9f, 0.03f, 0.01f, 0.01f};   // Wolfgang
        p[5] = new float[] {0.3f, 0f, 0.5f, 0.2f, 0f};           // Schwarz
        p[6] = new float[] {0.02f, 0.01f, 0.01f, 0.95f, 0.01f};  // ##ene
        p[7] = new float[] {0.95f, 0f, 0.05f, 0f, 0f};           // ##gger
        p[12] = new float[] {0.05f, 0f, 0f, 0.8f, 0.15f};        // Kaiser
        p[13] = new float[] {0.1f, 0f, 0f, 0.3f, 0.6f};          // ##sl
        p[14] = new float[] {0.1f, 0f, 0f, 0.2f, 0.7f};          // ##au
        p[15] = new float[] {0.05f, 0f, 0f, 0.05f, 0.9f};        // ##tern

        // simple: token by token, so entities may start or end inside a word
        assertSpans(EntityAggregator.aggregate(text, tokens, p, LABELS, AggregationStrategy.SIMPLE), text,
                "PER", "Wolfgang Schwarz", (0.9 + 0.5) / 2,
                "LOC", "ene", 0.95,
                "LOC", "Kaiserslautern", (0.8 + 0.6 + 0.7 + 0.9) / 4);
        // first: a word takes its first token's label
        assertSpans(EntityAggregator.aggregate(text, tokens, p, LABELS, AggregationStrategy.FIRST), text,
                "PER", "Wolfgang Schwarzenegger", (0.9 + 0.5) / 2,
                "LOC", "Kaiserslautern", 0.8);
        // average: Schwarzenegger averages to O (0.423 > B-LOC 0.383); Kaiserslautern to I-LOC, which starts an
        // entity after O
        assertSpans(EntityAggregator.aggregate(text, tokens, p, LABELS, AggregationStrategy.AVERAGE), text,
                "PER", "Wolfgang", 0.9,
                "LOC", "Kaiserslautern", (0.15 + 0.6 + 0.7 + 0.9) / 4);
        // max: a word takes the label of its most confident token (##ene, ##tern)
        assertSpans(EntityAggregator.aggregate(text, tokens, p, LABELS, AggregationStrategy.MAX), text,
                "PER", "Wolfgang", 0.9,
                "LOC", "Schwarzenegger", 0.95,
                "LOC", "Kaiserslautern", 0.9);
    }

    @Test
    void bioTagsGroupAsInHuggingFace() {
        String text = "anna met bob carl smith near paris london yesterday";
        String[] labels = {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "MISC"};
        TokenizedText tokens = tokenizer.encode(text);
        assertEquals(List.of("*", "anna", "met", "bob", "carl", "smith", "near", "paris", "london", "yesterday", "*"),
                surfaces(text, tokens));
        int[] tags = {-1, 2, 0, 1, 1, 2, 0, 1, 4, 5, -1};
        float[][] p = new float[tokens.length()][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new float[labels.length];
            p[i][Math.max(tags[i], 0)] = 1f;
        }
        for (AggregationStrategy strategy : AggregationStrategy.values()) {
            assertSpans(EntityAggregator.aggregate(text, tokens, p, labels, strategy), text,
                    "PER", "anna", 1,          // I-PER at the start opens an entity
                    "PER", "bob", 1,           // B-PER after B-PER: two entities
                    "PER", "carl smith", 1,    // B-PER I-PER: one
                    "PER", "paris", 1,
                    "LOC", "london", 1,        // I-LOC after PER opens a LOC entity
                    "MISC", "yesterday", 1);   // a label without B-/I- continues its own type
        }
    }

    @Test
    void entitiesAcrossWindowBordersAreMerged() {
        String text = "Last year the orchestra played music by Wolfgang Amadeus Schwarzenegger before the mayor of"
                + " Kaiserslautern spoke";
        try (TextTokenizer small = TextTokenizer.load(Fixtures.tokenizerJson(), 12)) {
            List<TokenWindow> windows = small.windows(text, 2);
            int personStart = text.indexOf("Wolfgang");
            int personEnd = text.indexOf(" before");
            int placeStart = text.indexOf("Kaiserslautern");
            // Precondition: no window holds the whole person name.
            for (TokenWindow w : windows) {
                TokenizedText t = w.tokens();
                boolean hasFirst = false;
                boolean hasLast = false;
                for (int p = w.contentStart(); p < w.contentStart() + w.contentLength(); p++) {
                    hasFirst |= t.starts()[p] == personStart;
                    hasLast |= t.ends()[p] == personEnd;
                }
                assertFalse(hasFirst && hasLast, "window at " + w.firstContentToken() + " holds the whole name");
            }
            List<WindowPrediction> predictions = new ArrayList<>();
            for (int k = 0; k < windows.size(); k++) {
                TokenWindow w = windows.get(k);
                TokenizedText t = w.tokens();
                float[][] p = new float[t.length()][];
                for (int i = 0; i < t.length(); i++) {
                    int start = t.starts()[i];
                    if (t.isSpecial(i)) {
                        p[i] = row(B_PER, 0.2f);
                    } else if (start == personStart) {
                        p[i] = row(B_PER, 0.9f);
                    } else if (start == text.indexOf("Schwarz")) {
                        // The window that sees only "Schwarz" is unsure (O 0.6); the next one is sure (I-PER 0.9).
                        p[i] = row(I_PER, k == 0 ? 0.4f : 0.9f);
                    } else if (start > personStart && start < personEnd) {
                        p[i] = row(I_PER, 0.9f);
                    } else if (start == placeStart) {
                        p[i] = row(B_LOC, 0.8f);
                    } else if (start > placeStart && start < placeStart + "Kaiserslautern".length()) {
                        p[i] = row(I_LOC, 0.8f);
                    } else {
                        p[i] = row(O, 0.9f);
                    }
                }
                predictions.add(new WindowPrediction(w, p));
            }
            assertTrue(windows.size() >= 3);

            // Alone, the first window cuts the name where the window ends and is unsure about "Schwarz".
            WindowPrediction first = predictions.get(0);
            assertSpans(EntityAggregator.aggregate(text, first.window().tokens(), first.probabilities(), LABELS,
                    AggregationStrategy.FIRST), text, "PER", "Wolfgang Amadeus", 0.9);

            // Merged: "Schwarz" averages to I-PER 0.65 over its two windows; the name comes out whole.
            List<EntitySpan> merged = EntityAggregator.aggregateWindows(text, predictions, LABELS,
                    AggregationStrategy.FIRST);
            assertSpans(merged, text,
                    "PER", "Wolfgang Amadeus Schwarzenegger", (0.9 + 0.9 + 0.65) / 3,
                    "LOC", "Kaiserslautern", 0.8);
            List<WindowPrediction> anyOrder = new ArrayList<>(predictions);
            Collections.reverse(anyOrder);
            assertSpans(EntityAggregator.aggregateWindows(text, anyOrder, LABELS,
                    AggregationStrategy.SIMPLE), text,
                    "PER", "Wolfgang Amadeus Schwarzenegger", (0.9 + 0.9 + 0.65 + 0.9 + 0.9) / 5,
                    "LOC", "Kaiserslautern", 0.8);

            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> EntityAggregator.aggregateWindows(text, predictions.subList(0, 2), LABELS,
                            AggregationStrategy.FIRST));
            assertTrue(missing.getMessage().startsWith("Cannot aggregate windows: document token "),
                    missing.getMessage());
        }
    }

    @Test
    void badInputsFailWithOneSentence() {
        String text = "Wolfgang lives in Berlin";
        TokenizedText tokens = tokenizer.encode(text);
        float[][] tooFew = new float[2][LABELS.length];
        assertEquals("Cannot aggregate entities: 2 probability rows for 6 tokens (give one row per token)",
                assertThrows(IllegalArgumentException.class, () -> EntityAggregator.aggregate(text, tokens, tooFew,
                        LABELS, AggregationStrategy.FIRST)).getMessage());
        TokenizedText pair = tokenizer.encodePair("Who?", text);
        float[][] pairRows = new float[pair.length()][LABELS.length];
        assertThrows(IllegalArgumentException.class, () -> EntityAggregator.aggregate(text, pair, pairRows, LABELS,
                AggregationStrategy.FIRST));
        float[][] rows = new float[tokens.length()][LABELS.length];
        assertThrows(IllegalArgumentException.class, () -> EntityAggregator.aggregate("short", tokens, rows, LABELS,
                AggregationStrategy.FIRST));
        assertEquals(AggregationStrategy.AVERAGE, AggregationStrategy.parse(" Average"));
        assertEquals("Cannot use aggregation 'none': unknown strategy (use simple, first, average or max)",
                assertThrows(IllegalArgumentException.class, () -> AggregationStrategy.parse("none")).getMessage());
    }
}
