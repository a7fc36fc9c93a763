package dev.sparkencoders.model;

import java.util.Locale;

/** The feed-forward activation named by {@code hidden_act} in a HuggingFace config.json. */
public enum HiddenActivation {
    /** Exact GELU, x * Phi(x) with the error function ("gelu"). */
    GELU,
    /** The tanh approximation of GELU ("gelu_new", "gelu_pytorch_tanh", "gelu_fast"), used by Google's TF BERT. */
    GELU_TANH,
    RELU;

    public static HiddenActivation parse(String name, Object where) {
        return switch (name == null ? "gelu" : name.toLowerCase(Locale.ROOT)) {
            case "gelu" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "relu" -> RELU;
            default -> throw new CheckpointException("Cannot load model " + where + ": unsupported hidden_act '" + name
                    + "' (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu)");
        };
    }
}
