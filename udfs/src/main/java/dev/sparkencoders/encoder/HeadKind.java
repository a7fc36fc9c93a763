package dev.sparkencoders.encoder;

/** The task heads a checkpoint can carry on top of its encoder. */
public enum HeadKind {
    /** Logits per label for the whole text or text pair [B, labels] (classifiers and cross-encoders). */
    SEQUENCE_CLASSIFICATION("a sequence-classification head (e.g. BertForSequenceClassification)"),
    /** Logits per label for every token [B, L, labels] (NER). */
    TOKEN_CLASSIFICATION("a token-classification head (e.g. BertForTokenClassification)"),
    /** BERT next-sentence prediction or ALBERT sentence-order prediction [B, 2]; index 0 = "B follows A". */
    NEXT_SENTENCE("a next-sentence (BertForNextSentencePrediction, BertForPreTraining) or sentence-order"
            + " (AlbertForPreTraining) head"),
    /** Vocabulary logits for any token positions [..., V], decoder tied to the word embeddings. */
    MASKED_LM("a masked-LM head (e.g. BertForMaskedLM, BertForPreTraining, ElectraForMaskedLM)"),
    /** ELECTRA discriminator logit per token [B, L]; sigmoid = probability the token was replaced. */
    REPLACED_TOKEN("an ELECTRA discriminator head (ElectraForPreTraining)"),
    /**
     * Extractive question answering: start and end logits per token [B, L, 2] ({@code qa_outputs}; ModernBERT's
     * {@code classifier} after its prediction head).
     */
    QUESTION_ANSWERING("a question-answering head (e.g. BertForQuestionAnswering)");

    private final String description;

    HeadKind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
