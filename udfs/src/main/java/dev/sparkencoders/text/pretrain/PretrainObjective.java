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
    NONE(null);

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
        return this != NONE;
    }

    public static PretrainObjective parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot use pretrain.objective=" + name
                    + ": unknown objective (use nsp, sop or none)", e);
        }
    }
}
