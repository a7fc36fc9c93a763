package dev.sparkencoders.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ModernBERT keys of a config.json that the BERT-shaped {@link ModelConfig} has no place for, with HuggingFace's
 * defaults: which layers attend globally and which within a sliding window, the rotary bases of each, which linear
 * layers and LayerNorms carry biases, and the head settings.
 *
 * <p>Layer {@code i} is global when {@code i % global_attn_every_n_layers == 0} (or as {@code layer_types} lists
 * {@code full_attention} / {@code sliding_attention}, in configs that have it). A local layer lets token {@code i}
 * attend to token {@code j} only when {@code |i - j| <= local_attention / 2}. Rotary bases come from
 * {@code global_rope_theta} / {@code local_rope_theta} (a null local base means the global one), or from
 * {@code rope_parameters} in configs that have it; only the default (unscaled) rotary embedding is supported.
 *
 * <pre>{@code
 * ModernBertConfig modern = ModernBertConfig.of(config);
 * boolean local = modern.scope(1) == ModernBertConfig.AttentionScope.LOCAL;
 * }</pre>
 */
public record ModernBertConfig(
        List<AttentionScope> scopes,
        int localAttention,
        double globalRopeTheta,
        double localRopeTheta,
        boolean normBias,
        boolean attentionBias,
        boolean mlpBias,
        boolean classifierBias,
        boolean decoderBias,
        Pooling classifierPooling,
        HiddenActivation classifierActivation) {

    /** Whether a layer attends to the whole sequence or within the sliding window. */
    public enum AttentionScope {
        /** Every token attends to every token (padding excluded). */
        GLOBAL,
        /** Token i attends to token j only when |i - j| &lt;= local_attention / 2. */
        LOCAL
    }

    public ModernBertConfig {
        scopes = List.copyOf(scopes);
    }

    /** The attention scope of layer {@code layer}. */
    public AttentionScope scope(int layer) {
        return scopes.get(layer);
    }

    /** The largest |i - j| a local layer lets token i attend across: local_attention / 2 (integer division). */
    public int halfWindow() {
        return localAttention / 2;
    }

    /** The rotary base of a layer with this scope. */
    public double ropeTheta(AttentionScope scope) {
        return scope == AttentionScope.GLOBAL ? globalRopeTheta : localRopeTheta;
    }

    /** Reads the ModernBERT keys of a {@link ModelFamily#MODERNBERT} config. */
    public static ModernBertConfig of(ModelConfig config) {
        if (config.family() != ModelFamily.MODERNBERT) {
            throw new IllegalArgumentException("Cannot read ModernBERT settings: model_type is " + config.modelType()
                    + " (only modernbert configs have them)");
        }
        JsonObject raw = config.raw();
        String where = "config.json of model_type modernbert";
        List<AttentionScope> scopes = scopes(raw, config.numLayers(), where);
        double globalTheta = 160_000.0;
        double localTheta = 10_000.0;
        if (raw.has("rope_parameters") && raw.get("rope_parameters").isJsonObject()) {
            JsonObject rope = raw.getAsJsonObject("rope_parameters");
            globalTheta = ropeTheta(rope, "full_attention", globalTheta, where);
            localTheta = ropeTheta(rope, "sliding_attention", localTheta, where);
        } else {
            if (raw.has("rope_scaling") && !raw.get("rope_scaling").isJsonNull()) {
                throw new CheckpointException("Cannot load model: " + where + " sets rope_scaling "
                        + raw.get("rope_scaling") + " (only ModernBERT's default, unscaled rotary embedding is"
                        + " supported)");
            }
            globalTheta = number(raw, "global_rope_theta", globalTheta, where);
            localTheta = raw.has("local_rope_theta") && raw.get("local_rope_theta").isJsonNull() ? globalTheta
                    : number(raw, "local_rope_theta", localTheta, where);
        }
        int localAttention = (int) number(raw, "local_attention", 128, where);
        if (localAttention < 0) {
            throw new CheckpointException("Cannot load model: " + where + " has local_attention " + localAttention
                    + " (it must be a window of 0 or more tokens)");
        }
        String pooling = text(raw, "classifier_pooling", "cls");
        if (!pooling.equals("cls") && !pooling.equals("mean")) {
            throw new CheckpointException("Cannot load model: " + where + " has classifier_pooling '" + pooling
                    + "' (HuggingFace allows cls or mean)");
        }
        return new ModernBertConfig(scopes, localAttention, globalTheta, localTheta,
                flag(raw, "norm_bias", false), flag(raw, "attention_bias", false), flag(raw, "mlp_bias", false),
                flag(raw, "classifier_bias", false), flag(raw, "decoder_bias", true),
                Pooling.parse(pooling), HiddenActivation.parse(text(raw, "classifier_activation", "gelu"), where));
    }

    /**
     * The config under the BERT names {@link ModelConfig} reads: {@code hidden_activation} as {@code hidden_act},
     * {@code norm_eps} as {@code layer_norm_eps}, no segment embeddings, and HuggingFace's defaults for the keys a
     * config may omit (8,192 positions, pad id 50283, epsilon 1e-5, GELU).
     */
    static JsonObject asBert(JsonObject json) {
        JsonObject copy = json.deepCopy();
        copy.addProperty("hidden_act", text(json, "hidden_activation", "gelu"));
        copy.addProperty("layer_norm_eps", json.has("norm_eps") && !json.get("norm_eps").isJsonNull()
                ? json.get("norm_eps").getAsDouble() : 1e-5);
        copy.addProperty("type_vocab_size", 0);
        if (!copy.has("max_position_embeddings")) {
            copy.addProperty("max_position_embeddings", 8192);
        }
        if (!copy.has("pad_token_id") || copy.get("pad_token_id").isJsonNull()) {
            copy.addProperty("pad_token_id", 50283);
        }
        return copy;
    }

    private static List<AttentionScope> scopes(JsonObject raw, int layers, String where) {
        List<AttentionScope> scopes = new ArrayList<>();
        if (raw.has("layer_types") && raw.get("layer_types").isJsonArray()) {
            JsonArray types = raw.getAsJsonArray("layer_types");
            if (types.size() != layers) {
                throw new CheckpointException("Cannot load model: " + where + " lists " + types.size()
                        + " layer_types for " + layers + " layers (fix config.json)");
            }
            for (JsonElement type : types) {
                scopes.add(switch (type.getAsString()) {
                    case "full_attention" -> AttentionScope.GLOBAL;
                    case "sliding_attention" -> AttentionScope.LOCAL;
                    default -> throw new CheckpointException("Cannot load model: " + where + " has layer type '"
                            + type.getAsString() + "' (ModernBERT layers are full_attention or sliding_attention)");
                });
            }
            return scopes;
        }
        int every = (int) number(raw, "global_attn_every_n_layers", 3, where);
        if (every < 1) {
            throw new CheckpointException("Cannot load model: " + where + " has global_attn_every_n_layers " + every
                    + " (it must be 1 or more)");
        }
        for (int i = 0; i < layers; i++) {
            scopes.add(i % every == 0 ? AttentionScope.GLOBAL : AttentionScope.LOCAL);
        }
        return scopes;
    }

    private static double ropeTheta(JsonObject rope, String layerType, double fallback, String where) {
        if (!rope.has(layerType) || rope.get(layerType).isJsonNull()) {
            return fallback;
        }
        JsonObject parameters = rope.getAsJsonObject(layerType);
        String type = text(parameters, "rope_type", "default");
        if (!type.equals("default")) {
            throw new CheckpointException("Cannot load model: " + where + " gives " + layerType + " layers rope_type '"
                    + type + "' (only ModernBERT's default, unscaled rotary embedding is supported)");
        }
        return number(parameters, "rope_theta", fallback, where);
    }

    private static boolean flag(JsonObject json, String key, boolean fallback) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsBoolean();
    }

    private static String text(JsonObject json, String key, String fallback) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsString().toLowerCase(Locale.ROOT);
    }

    private static double number(JsonObject json, String key, double fallback, String where) {
        JsonElement e = json.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        try {
            return e.getAsDouble();
        } catch (RuntimeException bad) {
            throw new CheckpointException("Cannot load model: " + where + " key '" + key + "' is not a number (found "
                    + e + ")");
        }
    }
}
