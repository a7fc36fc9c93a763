package dev.sparkencoders.reference;

/**
 * The BERT-family model types covered by the synthetic checkpoints and the scalar reference, with the facts of
 * HuggingFace transformers that differ between them.
 */
public enum Family {
    BERT("bert", "bert.", "Bert"),
    ROBERTA("roberta", "roberta.", "Roberta"),
    /** RoBERTa's architecture over a SentencePiece Unigram vocabulary (cased, {@code <s> A </s></s> B </s>}). */
    XLM_ROBERTA("xlm-roberta", "roberta.", "XLMRoberta"),
    /** RoBERTa's architecture over SentencePiece, its specials at fairseq's ids ({@code <s>}=5, {@code </s>}=6). */
    CAMEMBERT("camembert", "roberta.", "Camembert"),
    ALBERT("albert", "albert.", "Albert"),
    ELECTRA("electra", "electra.", "Electra"),
    DISTILBERT("distilbert", "distilbert.", "DistilBert"),
    /**
     * Pre-LayerNorm, rotary positions, GeGLU, alternating global and sliding-window attention, no segment
     * embeddings; HuggingFace's base_model_prefix is {@code model}.
     */
    MODERNBERT("modernbert", "model.", "ModernBert");

    private final String modelType;
    private final String prefix;
    private final String classPrefix;

    Family(String modelType, String prefix, String classPrefix) {
        this.modelType = modelType;
        this.prefix = prefix;
        this.classPrefix = classPrefix;
    }

    /** True for RoBERTa and the families that are RoBERTa's architecture under another tokenizer. */
    public boolean robertaArchitecture() {
        return this == ROBERTA || this == XLM_ROBERTA || this == CAMEMBERT;
    }

    /** {@code model_type} in config.json. */
    public String modelType() {
        return modelType;
    }

    /**
     * HuggingFace's {@code base_model_prefix} plus the dot: the prefix of every body parameter in a checkpoint of a
     * head model ({@code bert.}, {@code roberta.}, ...). Checkpoints of the bare model (BASE) have no prefix.
     */
    public String basePrefix() {
        return prefix;
    }

    /** The class-name stem of the HuggingFace classes ({@code Bert}, {@code DistilBert}, ...). */
    public String classPrefix() {
        return classPrefix;
    }

    /** The family whose {@code model_type} is the given one. */
    public static Family ofModelType(String modelType) {
        for (Family f : values()) {
            if (f.modelType.equals(modelType)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Unknown model_type " + modelType);
    }
}
