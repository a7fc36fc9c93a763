package dev.sparkencoders.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * How token vectors become one sentence vector.
 *
 * <pre>{@code
 * Pooling pooling = Pooling.parse("mean");
 * }</pre>
 */
public enum Pooling {
    /** The vector of the first token ([CLS] / &lt;s&gt;). */
    CLS,
    /** The mean of the token vectors over the attention mask (padding excluded). */
    MEAN,
    /** The element-wise maximum over the attention mask. */
    MAX;

    public static Pooling parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Cannot use pooling '" + name + "': unknown mode (use one of "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
        }
    }
}
