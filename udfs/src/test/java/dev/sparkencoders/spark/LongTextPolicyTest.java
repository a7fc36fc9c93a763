package dev.sparkencoders.spark;

import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TruncationStrategy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long texts on the bundled model (at most 256 tokens, 254 besides [CLS] and [SEP]): truncated to one unit or cut
 * into overlapping windows, run in one pass, and grouped back per text in input order.
 */
class LongTextPolicyTest {

    private static EncoderModel model;
    private static String longText;

    @BeforeAll
    static void load() {
        model = ModelCache.get(ModelSpec.bundled());
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 4_000; i++) {
            text.append("sentence number ").append(i).append(" talks about something else. ");
        }
        longText = text.toString();
    }

    @Test
    void withoutAStrideTheSettingsAskForTruncation() {
        LongTextPolicy policy = LongTextPolicy.forModel(TruncationStrategy.TAIL, 64, null, model);
        assertEquals(LongTextPolicy.truncate(TruncationStrategy.TAIL, 64), policy);
        assertFalse(policy.windowed());
    }

    @Test
    void aStrideMustLeaveRoomForNewTokensInEachWindow() {
        int room = model.tokenizer().maxContentTokens();
        assertTrue(LongTextPolicy.forModel(TruncationStrategy.HEAD, 128, room - 1, model).windowed());
        assertEquals(LongTextPolicy.slidingWindows(0), LongTextPolicy.forModel(TruncationStrategy.HEAD, 128, 0, model));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LongTextPolicy.forModel(TruncationStrategy.HEAD, 128, room, model));
        assertEquals("Cannot use a window stride of " + room + ": windows of this model hold " + room
                + " tokens besides the special ones (use a stride from 0 to " + (room - 1) + ")", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LongTextPolicy.forModel(TruncationStrategy.HEAD, 128, -1, model));
    }

    @Test
    void truncationMakesOneUnitAndWindowsSeveral() {
        LongTextPolicy.Document truncated = LongTextPolicy.DEFAULT.prepare(model.tokenizer(), longText);
        assertEquals(1, truncated.units().size());
        assertTrue(truncated.units().get(0).truncated());
        assertTrue(truncated.windows().isEmpty());

        LongTextPolicy.Document windowed = LongTextPolicy.slidingWindows(32).prepare(model.tokenizer(), longText);
        assertTrue(windowed.units().size() > 1, windowed.units().size() + " windows");
        assertEquals(windowed.units().size(), windowed.windows().size());
        windowed.units().forEach(u -> assertFalse(u.truncated(), "a window loses nothing"));
        assertNull(windowed.error());
    }

    @Test
    void aNullTextIsAnErrorDocumentWithNoUnits() {
        LongTextPolicy.Document d = LongTextPolicy.slidingWindows(16).prepare(model.tokenizer(), null);
        assertEquals("Cannot encode row: the text is null", d.error());
        assertTrue(d.units().isEmpty());
    }

    @Test
    void runGroupsTheUnitsResultsBackPerDocumentInOrder() {
        LongTextPolicy windows = LongTextPolicy.slidingWindows(32);
        List<LongTextPolicy.Document> documents = new ArrayList<>();
        documents.add(windows.prepare(model.tokenizer(), "a short text"));
        documents.add(windows.prepare(model.tokenizer(), null));
        documents.add(windows.prepare(model.tokenizer(), longText));
        List<RowResult<List<Integer>>> results = LongTextPolicy.run(new BatchRunner(model, TokenBudget.DEFAULT),
                documents, (m, batch, hidden, rows) -> rows.stream().map(r -> r.length()).toList());
        assertEquals(3, results.size());
        assertEquals(List.of(documents.get(0).units().get(0).length()), results.get(0).value());
        assertEquals("Cannot encode row: the text is null", results.get(1).error());
        List<Integer> lengths = results.get(2).value();
        assertEquals(documents.get(2).units().size(), lengths.size(), "one result per window, in window order");
        for (int i = 0; i < lengths.size(); i++) {
            assertEquals(documents.get(2).units().get(i).length(), lengths.get(i));
        }
        assertEquals(lengths.stream().mapToInt(Integer::intValue).sum(), results.get(2).tokens(),
                "tokens add up over the windows");
        assertFalse(results.get(2).truncated(), "a windowed text is never truncated");
    }

    @Test
    void meanIsElementWise() {
        assertArrayEquals(new float[] {2, 3}, LongTextPolicy.mean(List.of(new float[] {1, 2}, new float[] {3, 4})));
    }
}
