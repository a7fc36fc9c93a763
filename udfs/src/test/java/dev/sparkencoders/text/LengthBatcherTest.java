package dev.sparkencoders.text;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LengthBatcherTest {

    @Test
    void everyRowLandsInExactlyOneBatchWithinTheBudget() {
        Random random = new Random(42);
        int[] lengths = random.ints(5_000, 2, 300).toArray();
        TokenBudget budget = new TokenBudget(4096, 64);
        List<int[]> batches = LengthBatcher.batches(lengths, budget);
        int[] seen = new int[lengths.length];
        int previousLongest = 0;
        for (int[] batch : batches) {
            int longest = Arrays.stream(batch).map(i -> lengths[i]).max().orElseThrow();
            assertTrue(batch.length <= 64, "rows per batch");
            assertTrue((long) batch.length * longest <= 4096, "padded tokens per batch");
            int shortest = Arrays.stream(batch).map(i -> lengths[i]).min().orElseThrow();
            assertTrue(shortest >= previousLongest, "batches are cut from length-sorted rows");
            previousLongest = longest;
            for (int i : batch) {
                seen[i]++;
            }
        }
        assertTrue(Arrays.stream(seen).allMatch(n -> n == 1), "each row exactly once");
    }

    @Test
    void fillsBatchesGreedily() {
        // sorted: 3,5,8,8,9 -> budget 20 tokens: [3,5] would allow a third of length 8 -> 3*8=24 > 20
        List<int[]> batches = LengthBatcher.batches(new int[] {8, 3, 9, 5, 8}, new TokenBudget(20, 10));
        assertEquals(3, batches.size());
        assertArrayEquals(new int[] {1, 3}, batches.get(0));
        assertArrayEquals(new int[] {0, 4}, batches.get(1));
        assertArrayEquals(new int[] {2}, batches.get(2));
    }

    @Test
    void cutsAFullEnoughBatchBeforeARowThatWouldMakeItMostlyPadding() {
        int[] lengths = new int[21];
        Arrays.fill(lengths, 10);
        lengths[7] = 40;
        List<int[]> batches = LengthBatcher.batches(lengths, new TokenBudget(10_000, 256));
        assertEquals(2, batches.size(), "20 rows of 10 tokens, then the 40-token row alone");
        assertEquals(20, batches.get(0).length);
        assertArrayEquals(new int[] {7}, batches.get(1));

        int[] few = {10, 10, 10, 40};
        assertEquals(1, LengthBatcher.batches(few, new TokenBudget(10_000, 256)).size(),
                "a batch of fewer than " + LengthBatcher.MIN_ROWS + " rows takes the padding");
    }

    @Test
    void aRowLongerThanTheBudgetGetsItsOwnBatch() {
        List<int[]> batches = LengthBatcher.batches(new int[] {500, 4, 4}, new TokenBudget(100, 10));
        assertEquals(2, batches.size());
        assertArrayEquals(new int[] {0}, batches.get(1));
    }

    @Test
    void rowsWiderThanTheAttentionWidthGetFewerRowsABatch() {
        TokenBudget budget = new TokenBudget(1_024, 256);
        assertEquals(4, LengthBatcher.batches(new int[] {512, 512, 512, 512}, budget).size(),
                "1024 x 256 / 512^2 = 1 document a batch, where the token budget alone allows 2");
        assertEquals(List.of(2, 2), LengthBatcher.batches(new int[] {300, 300, 300, 300}, budget).stream()
                .map(b -> b.length).toList(), "1024 x 256 / 300^2 = 2.9 rows, where the token budget allows 3");
        assertEquals(1, LengthBatcher.batches(new int[] {256, 256, 256, 256}, budget).size(),
                "at 256 tokens only the token budget counts");
    }

    @Test
    void aBudgetLeftToTheEngineIsResolvedBeforeBatching() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> LengthBatcher.batches(new int[] {3, 4}, TokenBudget.DEFAULT));
        assertEquals("Cannot batch rows: the token budget leaves its size to the engine (resolve it with the "
                + "engine's batchTokens(precision) first)", e.getMessage());
        assertEquals(new TokenBudget(512, 256), TokenBudget.DEFAULT.resolve(512));
        assertEquals(new TokenBudget(64, 8), new TokenBudget(64, 8).resolve(512), "a set budget stays as it is");
    }

    @Test
    void rejectsNonPositiveBudgets() {
        var e = assertThrows(IllegalArgumentException.class, () -> new TokenBudget(-1, 8));
        assertTrue(e.getMessage().startsWith("Cannot use batch budget"), e.getMessage());
    }
}
