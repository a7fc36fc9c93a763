package dev.sparkencoders.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups rows into batches by length: rows are sorted by token count and cut greedily so that each batch, padded
 * to its longest row, stays within a {@link TokenBudget}. A row longer than the budget gets a batch of its own.
 * The batches hold row indices, so callers put results back in input order.
 *
 * <pre>{@code
 * List<int[]> batches = LengthBatcher.batches(new int[] {12, 3, 40, 7}, new TokenBudget(64, 8));
 * }</pre>
 */
public final class LengthBatcher {

    private LengthBatcher() {}

    public static List<int[]> batches(int[] lengths, TokenBudget budget) {
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> lengths[i]));
        List<int[]> batches = new ArrayList<>();
        int start = 0;
        while (start < order.length) {
            int end = start + 1;
            while (end < order.length && end - start < budget.maxRows()
                    && (long) (end - start + 1) * lengths[order[end]] <= budget.maxTokens()) {
                end++;
            }
            int[] batch = new int[end - start];
            for (int i = start; i < end; i++) {
                batch[i - start] = order[i];
            }
            batches.add(batch);
            start = end;
        }
        return batches;
    }
}
