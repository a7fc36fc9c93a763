package dev.sparkencoders.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups rows into batches by length: rows are sorted by token count and cut greedily so that each batch, padded
 * to its longest row, stays within a {@link TokenBudget}. A batch of at least {@value #MIN_ROWS} rows is also cut
 * before a row that would make more than {@value #MAX_PADDING_SHARE} of its token slots padding: on STS-B's
 * sentences this takes padding from 10.5% to 0.1% of the slots (37 batches instead of 12, still large enough for
 * efficient matrix products). A batch wider than {@value #ATTENTION_WIDTH} tokens holds at most
 * {@code maxTokens x }{@value #ATTENTION_WIDTH}{@code  / width^2} rows: attention's work and memory grow with the
 * width squared: 512-token documents ran about 9% faster one per call than two per call on ONNX Runtime and no
 * slower on PyTorch (BENCHMARKS.md, "What helped"). A row longer than the budget gets a batch of its own. The
 * batches hold row indices, so callers put results back in input order.
 *
 * <pre>{@code
 * List<int[]> batches = LengthBatcher.batches(new int[] {12, 3, 40, 7}, new TokenBudget(64, 8));
 * }</pre>
 */
public final class LengthBatcher {

    static final double MAX_PADDING_SHARE = 0.02;
    static final int MIN_ROWS = 8;
    static final int ATTENTION_WIDTH = 256;

    private LengthBatcher() {}

    public static List<int[]> batches(int[] lengths, TokenBudget budget) {
        if (budget.engineTokens()) {
            throw new IllegalArgumentException("Cannot batch rows: the token budget leaves its size to the engine "
                    + "(resolve it with the engine's batchTokens(precision) first)");
        }
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> lengths[i]));
        List<int[]> batches = new ArrayList<>();
        int start = 0;
        while (start < order.length) {
            int end = start + 1;
            long tokens = lengths[order[start]];
            while (end < order.length && end - start < budget.maxRows()) {
                long length = lengths[order[end]];
                long slots = (end - start + 1) * length;
                boolean tooMuchPadding = end - start >= MIN_ROWS && slots - tokens - length > MAX_PADDING_SHARE * slots;
                if (slots > budget.maxTokens() || tooMuchPadding || tooWide(end - start + 1, length, budget)) {
                    break;
                }
                tokens += length;
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

    private static boolean tooWide(int rows, long width, TokenBudget budget) {
        return width > ATTENTION_WIDTH && rows * width * width > (long) budget.maxTokens() * ATTENTION_WIDTH;
    }
}
