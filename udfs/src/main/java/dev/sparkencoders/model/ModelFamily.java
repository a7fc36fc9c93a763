package dev.sparkencoders.model;

import java.util.Arrays;
import java.util.Locale;

/** The encoder architectures this project runs, keyed by the {@code model_type} of a HuggingFace config.json. */
public enum ModelFamily {
    BERT("bert"), ROBERTA("roberta"), ALBERT("albert"), ELECTRA("electra"), DISTILBERT("distilbert");

    private final String modelType;

    ModelFamily(String modelType) {
        this.modelType = modelType;
    }

    public String modelType() {
        return modelType;
    }

    /** Parses a config.json {@code model_type}, failing with the list of supported ones. */
    public static ModelFamily fromModelType(String modelType, Object where) {
        String wanted = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
        for (ModelFamily family : values()) {
            if (family.modelType.equals(wanted)) {
                return family;
            }
        }
        throw new CheckpointException("Cannot load model " + where + ": unsupported model_type '" + modelType
                + "' (supported: " + Arrays.stream(values()).map(ModelFamily::modelType).toList() + ")");
    }
}
