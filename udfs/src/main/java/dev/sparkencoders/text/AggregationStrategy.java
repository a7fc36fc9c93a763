package dev.sparkencoders.text;

import java.util.Locale;

/**
 * How token-classification (NER) predictions become entity spans, with the semantics of HuggingFace's
 * {@code TokenClassificationPipeline(aggregation_strategy=...)}. {@link #SIMPLE} groups consecutive tokens by entity
 * tag; the others first turn the sub-word tokens of each word into one word prediction and then group words, so an
 * entity never starts or ends inside a word.
 *
 * <pre>{@code
 * List<EntitySpan> spans = EntityAggregator.aggregate(text, tokens, probabilities, id2label,
 *         AggregationStrategy.parse("first"));
 * }</pre>
 */
public enum AggregationStrategy {
    /** Each token keeps its own argmax label; consecutive tokens of one entity are grouped. */
    SIMPLE,
    /** A word takes the label (and score) of its first token's argmax. */
    FIRST,
    /** A word takes the argmax of its tokens' averaged probabilities. */
    AVERAGE,
    /** A word takes the label of its most confident token (highest top probability). */
    MAX;

    /** Parses the HuggingFace names {@code simple}, {@code first}, {@code average} and {@code max}, ignoring case. */
    public static AggregationStrategy parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Cannot use aggregation '" + name
                    + "': unknown strategy (use simple, first, average or max)");
        }
    }
}
