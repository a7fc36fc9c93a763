package dev.sparkencoders.text.pretrain;

import java.util.Locale;

/**
 * What a pre-training instance teaches besides masked tokens, and the label column it carries.
 *
 * <pre>{@code
 * PretrainObjective objective = PretrainObjective.parse("sop");   // labelColumn() -> "sentence_order_label"
 * }</pre>
 */
public enum PretrainObjective {
    /** BERT's next-sentence prediction: segment B follows A, or (label 1) comes from a random other document. */
    NSP("next_sentence_label"),
    /** ALBERT's sentence-order prediction: A and B are consecutive, swapped when the label is 1. */
    SOP("sentence_order_label"),
    /** RoBERTa: one segment of full sentences, no second-segment label. */
    NONE(null),
    /**
     * ELECTRA's replaced-token detection: one segment as {@link #NONE}, every chosen token masked for a generator
     * whose samples then replace them; the label is per token ({@code replaced_labels}).
     */
    RTD(null);

    private final String labelColumn;

    PretrainObjective(String labelColumn) {
        this.labelColumn = labelColumn;
    }

    /** The output column of the label, or null for {@link #NONE}. */
    public String labelColumn() {
        return labelColumn;
    }

    /** Whether instances hold two segments, A and B. */
    public boolean pairs() {
        return this == NSP || this == SOP;
    }

    /** Whether a generator replaces the chosen tokens (ELECTRA). */
    public boolean replacesTokens() {
        return this == RTD;
    }

    public static PretrainObjective parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot use pretrain.objective=" + name
                    + ": unknown objective (use nsp, sop, none or rtd)", e);
        }
    }
}
