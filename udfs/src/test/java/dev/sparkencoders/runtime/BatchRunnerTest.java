package dev.sparkencoders.runtime;

import dev.sparkencoders.text.TokenBudget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batch runner on the bundled model: results come back in input order whatever the batches were. */
class BatchRunnerTest {

    private static EncoderModel model;

    @BeforeAll
    static void load() {
        model = ModelCache.get(ModelSpec.bundled());
    }

    @Test
    void resultsFollowTheInputOrderAcrossLengthSortedBatches() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            texts.add("x ".repeat(1 + (i * 5) % 13).trim());
        }
        texts.add(3, null);
        BatchRunner runner = new BatchRunner(model, new TokenBudget(64, 3));
        List<RowResult<Integer>> results = runner.run(texts, model.tokenizer()::encode,
                (m, batch, hidden, rows) -> rows.stream().map(r -> r.length()).toList());
        assertEquals(texts.size(), results.size());
        for (int i = 0; i < texts.size(); i++) {
            RowResult<Integer> r = results.get(i);
            if (texts.get(i) == null) {
                assertEquals("Cannot encode row: the text is null", r.error());
                assertNull(r.value());
            } else {
                int expected = model.tokenizer().encode(texts.get(i)).length();
                assertEquals(expected, r.value(), "row " + i);
                assertEquals(expected, r.tokens(), "row " + i);
            }
        }
    }

    @Test
    void aFailingBatchIsRetriedSoOnlyTheRowsAtFaultCarryTheError() {
        List<String> texts = Arrays.asList("fine", "boom", "also fine", "fine again");
        long boom = model.tokenizer().encode("boom").ids()[1];
        BatchRunner runner = new BatchRunner(model, new TokenBudget(512, 8));
        List<RowResult<String>> results = runner.run(texts, model.tokenizer()::encode, (m, batch, hidden, rows) -> {
            if (rows.stream().anyMatch(r -> r.ids()[1] == boom)) {
                throw new IllegalStateException("a batch holding boom fails");
            }
            return rows.stream().map(r -> "ok").toList();
        });
        assertEquals(4, results.size());
        assertEquals("ok", results.get(0).value());
        assertNull(results.get(1).value());
        assertTrue(results.get(1).error().startsWith("Cannot encode row of ")
                && results.get(1).error().contains("IllegalStateException: a batch holding boom fails"),
                results.get(1).error());
        assertEquals("ok", results.get(2).value());
        assertEquals("ok", results.get(3).value());
    }
}
