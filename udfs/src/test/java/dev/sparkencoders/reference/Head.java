package dev.sparkencoders.reference;

/**
 * The task heads (HuggingFace model classes) a synthetic checkpoint can carry. Not every head exists for every
 * family: see {@link #supportedBy(Family)}.
 */
public enum Head {
    /** The bare encoder ({@code BertModel}, {@code RobertaModel}, ...): parameters carry no prefix. */
    BASE,
    /** {@code XForSequenceClassification}, single-label (softmax over 3 labels; no {@code problem_type} written). */
    SEQUENCE_CLASSIFICATION,
    /** {@code XForSequenceClassification} with {@code problem_type} "multi_label_classification" (sigmoid). */
    MULTI_LABEL_CLASSIFICATION,
    /** {@code XForTokenClassification} with BIO labels. */
    TOKEN_CLASSIFICATION,
    /** {@code BertForNextSentencePrediction} (BERT only). */
    NSP,
    /** {@code BertForPreTraining} (MLM + NSP) or {@code AlbertForPreTraining} (MLM + sentence-order prediction). */
    PRETRAINING,
    /** {@code XForMaskedLM}; for ELECTRA this is the generator ({@code ElectraForMaskedLM}). */
    MASKED_LM,
    /** {@code ElectraForPreTraining}: the discriminator's replaced-token-detection head (ELECTRA only). */
    RTD,
    /**
     * {@code XForQuestionAnswering}: start and end logits per token ({@code qa_outputs}; ModernBERT: its prediction
     * head, then {@code classifier}).
     */
    QUESTION_ANSWERING;

    /** Whether HuggingFace transformers has this head for the family. */
    public boolean supportedBy(Family family) {
        return switch (this) {
            case BASE, SEQUENCE_CLASSIFICATION, MULTI_LABEL_CLASSIFICATION, TOKEN_CLASSIFICATION, MASKED_LM,
                 QUESTION_ANSWERING -> true;
            case NSP -> family == Family.BERT;
            case PRETRAINING -> family == Family.BERT || family == Family.ALBERT;
            case RTD -> family == Family.ELECTRA;
        };
    }

    /** The HuggingFace class name written to {@code architectures}. */
    public String architecture(Family family) {
        if (!supportedBy(family)) {
            throw new IllegalArgumentException(family + " has no " + this + " head in HuggingFace transformers");
        }
        String stem = family.classPrefix();
        return switch (this) {
            case BASE -> stem + "Model";
            case SEQUENCE_CLASSIFICATION, MULTI_LABEL_CLASSIFICATION -> stem + "ForSequenceClassification";
            case TOKEN_CLASSIFICATION -> stem + "ForTokenClassification";
            case NSP -> stem + "ForNextSentencePrediction";
            case PRETRAINING, RTD -> stem + "ForPreTraining";
            case MASKED_LM -> stem + "ForMaskedLM";
            case QUESTION_ANSWERING -> stem + "ForQuestionAnswering";
        };
    }

    /** The head of a HuggingFace class name, given the config's {@code problem_type} (may be null). */
    public static Head ofArchitecture(Family family, String architecture, String problemType) {
        for (Head h : values()) {
            if (h.supportedBy(family) && h.architecture(family).equals(architecture)) {
                if (h == SEQUENCE_CLASSIFICATION && "multi_label_classification".equals(problemType)) {
                    return MULTI_LABEL_CLASSIFICATION;
                }
                return h;
            }
        }
        throw new IllegalArgumentException("Unknown architecture " + architecture + " for " + family);
    }

    /**
     * Whether HuggingFace's class for this head builds its base model with a pooler, i.e. whether the checkpoint
     * holds pooler weights. BERT: BertModel, ...ForSequenceClassification, ...ForNextSentencePrediction,
     * ...ForPreTraining (ForMaskedLM and ForTokenClassification use {@code add_pooling_layer=False}). RoBERTa: only
     * RobertaModel. ALBERT: AlbertModel, ...ForSequenceClassification, ...ForPreTraining. ELECTRA, DistilBERT and
     * ModernBERT have no pooler.
     */
    public boolean hasPooler(Family family) {
        return switch (family) {
            case BERT -> this == BASE || this == SEQUENCE_CLASSIFICATION || this == MULTI_LABEL_CLASSIFICATION
                    || this == NSP || this == PRETRAINING;
            case ROBERTA, XLM_ROBERTA, CAMEMBERT -> this == BASE;
            case ALBERT -> this == BASE || this == SEQUENCE_CLASSIFICATION || this == MULTI_LABEL_CLASSIFICATION
                    || this == PRETRAINING;
            case ELECTRA, DISTILBERT, MODERNBERT -> false;
        };
    }
}
