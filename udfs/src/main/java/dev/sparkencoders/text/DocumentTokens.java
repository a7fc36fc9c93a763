package dev.sparkencoders.text;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole text tokenized without truncation, seen as the special tokens the tokenizer put before it, its content
 * tokens, and the special tokens after it (found from the special-token mask, so it works for [CLS] x [SEP],
 * &lt;s&gt; x &lt;/s&gt; and x &lt;sep&gt; &lt;cls&gt; alike). Cuts rows that fit a maximum length out of it.
 */
final class DocumentTokens {

    private final TokenizedText all;
    private final int lead;
    private final int trail;

    private DocumentTokens(TokenizedText all, int lead, int trail) {
        this.all = all;
        this.lead = lead;
        this.trail = trail;
    }

    static DocumentTokens of(TokenizedText all) {
        int n = all.length();
        int lead = 0;
        while (lead < n && all.isSpecial(lead)) {
            lead++;
        }
        int trail = 0;
        while (trail < n - lead && all.isSpecial(n - 1 - trail)) {
            trail++;
        }
        return new DocumentTokens(all, lead, trail);
    }

    int contentLength() {
        return all.length() - lead - trail;
    }

    int specialCount() {
        return lead + trail;
    }

    /** The row kept by {@code strategy}; the whole text, untruncated, when it fits. */
    TokenizedText fit(TruncationStrategy strategy, int headTokens, int maxLength) {
        int budget = budget(maxLength, "truncate text");
        int n = contentLength();
        if (n <= budget) {
            return all;
        }
        return switch (strategy) {
            case HEAD -> assemble(true, 0, budget);
            case TAIL -> assemble(true, n - budget, n);
            case HEAD_TAIL -> {
                int head = Math.min(headTokens, budget);
                yield assemble(true, 0, head, n - (budget - head), n);
            }
        };
    }

    /** Windows of {@code maxLength} tokens whose content overlaps by {@code stride} tokens; the last may be shorter. */
    List<TokenWindow> windows(int maxLength, int stride) {
        int budget = budget(maxLength, "cut windows");
        if (stride < 0 || stride >= budget) {
            throw new IllegalArgumentException("Cannot cut windows: stride " + stride + " is not below the " + budget
                    + " text tokens of a window (use a stride from 0 to " + (budget - 1) + ")");
        }
        int n = contentLength();
        List<TokenWindow> windows = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = Math.min(start + budget, n);
            TokenizedText row = start == 0 && end == n ? all : assemble(false, start, end);
            windows.add(new TokenWindow(row, start, lead, end - start, n));
            if (end == n) {
                return windows;
            }
            start += budget - stride;
        }
    }

    private int budget(int maxLength, String action) {
        int budget = maxLength - specialCount();
        if (budget <= 0) {
            throw new IllegalArgumentException("Cannot " + action + ": the tokenizer adds " + specialCount()
                    + " special tokens, leaving no room for text in " + maxLength + " tokens (raise the max length)");
        }
        return budget;
    }

    /** The leading specials, the content ranges [from, to) given as pairs of content indices, the trailing specials. */
    private TokenizedText assemble(boolean truncated, int... ranges) {
        int size = specialCount();
        for (int r = 0; r < ranges.length; r += 2) {
            size += ranges[r + 1] - ranges[r];
        }
        TokenizedText out = new TokenizedText(new long[size], new long[size], new int[size], new int[size],
                new int[size], new boolean[size], truncated);
        int at = copy(0, lead, out, 0);
        for (int r = 0; r < ranges.length; r += 2) {
            at = copy(lead + ranges[r], ranges[r + 1] - ranges[r], out, at);
        }
        copy(all.length() - trail, trail, out, at);
        return out;
    }

    private int copy(int from, int count, TokenizedText out, int at) {
        System.arraycopy(all.ids(), from, out.ids(), at, count);
        System.arraycopy(all.typeIds(), from, out.typeIds(), at, count);
        System.arraycopy(all.starts(), from, out.starts(), at, count);
        System.arraycopy(all.ends(), from, out.ends(), at, count);
        System.arraycopy(all.wordIds(), from, out.wordIds(), at, count);
        System.arraycopy(all.special(), from, out.special(), at, count);
        return at + count;
    }
}
