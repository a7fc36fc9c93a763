package dev.sparkencoders.text;

import java.util.Locale;

/**
 * Which tokens of a text longer than the maximum length are kept. Only the text's own (content) tokens are cut; the
 * special tokens the tokenizer adds around it ([CLS] ... [SEP], &lt;s&gt; ... &lt;/s&gt;) are always kept.
 *
 * <pre>{@code
 * TruncationStrategy strategy = TruncationStrategy.parse("head_tail");
 * TokenizedText row = tokenizer.encode(longText, strategy, 128);   // 512 model: first 128 + last 382 tokens
 * }</pre>
 */
public enum TruncationStrategy {
    /** Keep the first tokens (the default, and what the tokenizer itself does). */
    HEAD,
    /** Keep the last tokens. */
    TAIL,
    /** Keep the first {@code headTokens} tokens and fill the rest of the budget from the end of the text. */
    HEAD_TAIL;

    /** Head tokens kept by {@link #HEAD_TAIL} unless told otherwise (Sun et al. 2019: 128 + 382 for 512). */
    public static final int DEFAULT_HEAD_TOKENS = 128;

    /** Parses {@code head}, {@code tail} or {@code head_tail} (also {@code head-tail}), ignoring case. */
    public static TruncationStrategy parse(String name) {
        try {
            return valueOf(name.trim().replace('-', '_').toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Cannot use truncation '" + name
                    + "': unknown strategy (use head, tail or head_tail)");
        }
    }
}
