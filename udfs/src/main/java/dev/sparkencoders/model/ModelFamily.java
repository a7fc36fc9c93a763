package dev.sparkencoders.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The encoder architectures this project runs, keyed by the {@code model_type} of a HuggingFace config.json.
 * XLM-RoBERTa and CamemBERT are the RoBERTa architecture (HuggingFace's classes for them are RoBERTa's under another
 * name, with the {@code roberta.} weight prefix) over a SentencePiece vocabulary, so their model types map to
 * {@link #ROBERTA}. ModernBERT is a different architecture (pre-LayerNorm, rotary positions, GeGLU, alternating
 * local and global attention), read by its own classes ({@code ModernBertConfig}, {@code ModernBertEncoder}).
 *
 * <pre>{@code
 * ModelFamily.fromModelType("xlm-roberta", dir); // ROBERTA
 * }</pre>
 */
public enum ModelFamily {
    BERT("bert"),
    ROBERTA("roberta", "xlm-roberta", "camembert"),
    ALBERT("albert"),
    ELECTRA("electra"),
    DISTILBERT("distilbert"),
    MODERNBERT("modernbert");

    private final List<String> modelTypes;

    ModelFamily(String... modelTypes) {
        this.modelTypes = List.of(modelTypes);
    }

    /** The family's own {@code model_type}. */
    public String modelType() {
        return modelTypes.get(0);
    }

    /** Every {@code model_type} that this architecture runs. */
    public List<String> modelTypes() {
        return modelTypes;
    }

    /** Parses a config.json {@code model_type}, failing with the list of supported ones. */
    public static ModelFamily fromModelType(String modelType, Object where) {
        String wanted = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
        for (ModelFamily family : values()) {
            if (family.modelTypes.contains(wanted)) {
                return family;
            }
        }
        throw new CheckpointException("Cannot load model " + where + ": unsupported model_type '" + modelType
                + "' (supported: " + Arrays.stream(values()).flatMap(f -> f.modelTypes.stream()).toList() + ")");
    }
}
