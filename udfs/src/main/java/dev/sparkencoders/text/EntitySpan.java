package dev.sparkencoders.text;

/**
 * One entity found by {@link EntityAggregator}: its group label without the B-/I- prefix ("PER"), its character
 * span {@code [start, end)} in the original text (UTF-16 indices), its score (the mean of the grouped token or word
 * scores, as HuggingFace reports it) and its surface text {@code word}, which is {@code text.substring(start, end)}.
 *
 * <pre>{@code
 * EntitySpan span = spans.get(0);   // EntitySpan[label=PER, start=11, end=19, score=0.98, word=Wolfgang]
 * }</pre>
 */
public record EntitySpan(String label, int start, int end, float score, String word) implements java.io.Serializable {}
