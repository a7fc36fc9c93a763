package dev.sparkencoders.text;

/**
 * Limits of one encoder batch: at most {@code maxTokens} token slots, padding included (rows x longest row), and
 * at most {@code maxRows} rows.
 */
public record TokenBudget(int maxTokens, int maxRows) implements java.io.Serializable {

    public static final TokenBudget DEFAULT = new TokenBudget(16_384, 256);

    public TokenBudget {
        if (maxTokens <= 0 || maxRows <= 0) {
            throw new IllegalArgumentException("Cannot use batch budget of " + maxTokens + " tokens and " + maxRows
                    + " rows: both must be positive");
        }
    }
}
