package dev.sparkencoders.text;

import java.util.Arrays;

/**
 * One tokenized input row: token ids and segment (token type) ids with special tokens added, unpadded, and where
 * each token came from. {@code truncated} tells whether tokens were cut to fit the maximum length, so runs can count
 * it. All arrays have one entry per token:
 * <ul>
 *   <li>{@code starts}, {@code ends}: the token's character span in its text as UTF-16 indices (Java {@code String}
 *   indices, converted from the tokenizer's code-point offsets), so {@code text.substring(starts[i], ends[i])} is
 *   the token's surface text in its original casing. Special tokens get -1/-1. For a text pair, tokens of the
 *   second segment index into the second text.
 *   <li>{@code wordIds}: the index of the word (pre-tokenizer split) the token belongs to, counted over the whole
 *   text even when the row holds only a part of it (a window); -1 for special tokens. Sub-words of one word share it.
 *   In a pair, words are counted from 0 in each text.
 *   <li>{@code special}: true for the tokens the tokenizer's post-processor added ([CLS], [SEP], &lt;s&gt;, ...).
 *   A special-token string typed in the text itself (a literal "[MASK]") is an ordinary token with a span.
 * </ul>
 *
 * <pre>{@code
 * String text = "Hello Berlin";
 * TokenizedText row = tokenizer.encode(text);                          // [CLS] hello berlin [SEP]
 * String surface = text.substring(row.starts()[2], row.ends()[2]);   // "Berlin"
 * }</pre>
 */
public record TokenizedText(long[] ids, long[] typeIds, int[] starts, int[] ends, int[] wordIds, boolean[] special,
                            boolean truncated) {

    public TokenizedText {
        int n = ids.length;
        if (typeIds.length != n || starts.length != n || ends.length != n || wordIds.length != n
                || special.length != n) {
            throw new IllegalArgumentException("Cannot build tokenized text: " + n + " ids but " + typeIds.length
                    + " type ids, " + starts.length + " starts, " + ends.length + " ends, " + wordIds.length
                    + " word ids and " + special.length + " special flags (give one of each per token)");
        }
    }

    /**
     * A row without alignment information (for synthetic inputs): every span and word id is -1 and no token is
     * flagged special.
     */
    public TokenizedText(long[] ids, long[] typeIds, boolean truncated) {
        this(ids, typeIds, minusOnes(ids.length), minusOnes(ids.length), minusOnes(ids.length),
                new boolean[ids.length], truncated);
    }

    public int length() {
        return ids.length;
    }

    /** Whether token {@code i} was added by the tokenizer's post-processor. */
    public boolean isSpecial(int i) {
        return special[i];
    }

    private static int[] minusOnes(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }
}
