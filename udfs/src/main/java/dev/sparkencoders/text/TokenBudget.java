package dev.sparkencoders.text;

/**
 * Limits of one encoder batch: at most {@code maxTokens} token slots, padding included (rows x longest row), and
 * at most {@code maxRows} rows. The default budget, 1,024 slots, is about 85 short sentences or two 512-token
 * documents a batch: on both engines 512-token documents ran 15-35% faster one or two per call than eight per call
 * (attention's work grows with the batch's length squared), while short sentences need no more than about 64 rows
 * a batch to keep the matrix products efficient (BENCHMARKS.md).
 */
public record TokenBudget(int maxTokens, int maxRows) implements java.io.Serializable {

    public static final TokenBudget DEFAULT = new TokenBudget(1_024, 256);

    public TokenBudget {
        if (maxTokens <= 0 || maxRows <= 0) {
            throw new IllegalArgumentException("Cannot use batch budget of " + maxTokens + " tokens and " + maxRows
                    + " rows: both must be positive");
        }
    }
}
