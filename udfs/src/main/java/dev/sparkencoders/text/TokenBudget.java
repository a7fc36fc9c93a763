package dev.sparkencoders.text;

/**
 * Limits of one encoder batch: at most {@code maxTokens} token slots, padding included (rows x longest row), and
 * at most {@code maxRows} rows. {@link LengthBatcher} also shrinks batches of rows longer than
 * 256 tokens, whose attention work grows with their length squared.
 *
 * <p>{@link #DEFAULT} leaves the token count to the engine ({@link #ENGINE_TOKENS}): each engine has its own best
 * batch size, measured on all-MiniLM-L6-v2 (BENCHMARKS.md, "What helped"): ONNX Runtime runs fastest at about 512
 * slots a batch (32 sentences of 16 tokens, 4 rows of 128, one 512-token document), PyTorch at about 1,024
 * (int8 on ONNX Runtime takes 1,024 too, for its accuracy: see {@code Engine.batchTokens}).
 * {@link #resolve(int)} puts the engine's count in before batching.
 *
 * <pre>{@code
 * TokenBudget budget = TokenBudget.DEFAULT.resolve(512);   // 512 slots, 256 rows
 * TokenBudget fixed = new TokenBudget(2_048, 64);          // resolve() keeps it as it is
 * }</pre>
 */
public record TokenBudget(int maxTokens, int maxRows) implements java.io.Serializable {

    /** {@code maxTokens} of a budget whose token count is the engine's own. */
    public static final int ENGINE_TOKENS = 0;

    public static final TokenBudget DEFAULT = new TokenBudget(ENGINE_TOKENS, 256);

    public TokenBudget {
        if (maxTokens < 0 || maxRows <= 0) {
            throw new IllegalArgumentException("Cannot use batch budget of " + maxTokens + " tokens and " + maxRows
                    + " rows: rows must be positive, tokens positive or " + ENGINE_TOKENS + " (the engine's own)");
        }
    }

    /** A budget of {@code maxTokens} slots, or the engine's own count when {@code maxTokens} is null (unset). */
    public static TokenBudget of(Integer maxTokens, int maxRows) {
        return new TokenBudget(maxTokens == null ? ENGINE_TOKENS : maxTokens, maxRows);
    }

    /** Whether the token count is left to the engine. */
    public boolean engineTokens() {
        return maxTokens == ENGINE_TOKENS;
    }

    /** This budget with {@code engineTokens} slots if its token count is the engine's own, else this budget. */
    public TokenBudget resolve(int engineTokens) {
        return engineTokens() ? new TokenBudget(engineTokens, maxRows) : this;
    }
}
