package dev.sparkencoders.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a HuggingFace {@code config.json} the encoder needs, under the names of the BERT config. The raw
 * JSON stays available for family- and head-specific keys.
 *
 * <pre>{@code
 * ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
 * int width = config.hiddenSize();
 * }</pre>
 */
public record ModelConfig(
        ModelFamily family,
        List<String> architectures,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        int maxPositions,
        int typeVocabSize,
        float layerNormEps,
        HiddenActivation activation,
        int padTokenId,
        int embeddingSize,
        int numHiddenGroups,
        JsonObject raw) {

    public ModelConfig {
        if (numHeads <= 0 || hiddenSize % numHeads != 0) {
            throw new CheckpointException("Cannot use model config: hidden_size " + hiddenSize
                    + " is not a multiple of num_attention_heads " + numHeads + " (fix config.json)");
        }
    }

    /** The labels of a classification head by class index, from {@code id2label}; empty when absent. */
    public List<String> labels() {
        if (!raw.has("id2label") || !raw.get("id2label").isJsonObject()) {
            return List.of();
        }
        JsonObject map = raw.getAsJsonObject("id2label");
        String[] labels = new String[map.size()];
        for (var e : map.entrySet()) {
            int index;
            try {
                index = Integer.parseInt(e.getKey());
            } catch (NumberFormatException bad) {
                throw new CheckpointException("Cannot read id2label of the model config: key '" + e.getKey()
                        + "' is not a class index (fix config.json)");
            }
            if (index < 0 || index >= labels.length) {
                throw new CheckpointException("Cannot read id2label of the model config: index " + index
                        + " is outside 0.." + (labels.length - 1) + " (fix config.json)");
            }
            labels[index] = e.getValue().getAsString();
        }
        return List.of(labels);
    }

    /** True when config.json declares {@code problem_type: multi_label_classification} (sigmoid per label). */
    public boolean multiLabel() {
        return "multi_label_classification".equals(string(raw, "problem_type", null));
    }

    /** The {@code model_type} as config.json gives it ({@code xlm-roberta} for a {@link ModelFamily#ROBERTA} model). */
    public String modelType() {
        return string(raw, "model_type", family.modelType());
    }

    public int headSize() {
        return hiddenSize / numHeads;
    }

    public static ModelConfig read(Path file) {
        JsonObject json;
        try {
            JsonElement parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw new CheckpointException("Cannot read " + file + ": it is not a JSON object (expected a"
                        + " HuggingFace config.json)");
            }
            json = parsed.getAsJsonObject();
        } catch (IOException e) {
            throw new CheckpointException("Cannot read " + file + ": " + CheckpointException.firstLine(e), e);
        } catch (JsonParseException e) {
            throw new CheckpointException("Cannot read " + file + ": invalid JSON (" + CheckpointException.firstLine(e) + ")", e);
        }
        return fromJson(json, file);
    }

    static ModelConfig fromJson(JsonObject json, Object where) {
        ModelFamily family = ModelFamily.fromModelType(string(json, "model_type", null), where);
        if (family == ModelFamily.DISTILBERT) {
            json = distilBertAsBert(json);
        } else if (family == ModelFamily.MODERNBERT) {
            json = ModernBertConfig.asBert(json);
        }
        if (family == ModelFamily.ALBERT && integer(json, where, "inner_group_num", 1) != 1) {
            throw new CheckpointException("Cannot load model " + where + ": ALBERT with inner_group_num "
                    + json.get("inner_group_num") + " is not supported (only 1, as in every published ALBERT)");
        }
        int hidden = integer(json, where, "hidden_size", null);
        List<String> architectures = new ArrayList<>();
        if (json.has("architectures") && json.get("architectures").isJsonArray()) {
            json.getAsJsonArray("architectures").forEach(a -> architectures.add(a.getAsString()));
        }
        return new ModelConfig(
                family,
                List.copyOf(architectures),
                integer(json, where, "vocab_size", null),
                hidden,
                integer(json, where, "num_hidden_layers", null),
                integer(json, where, "num_attention_heads", null),
                integer(json, where, "intermediate_size", null),
                integer(json, where, "max_position_embeddings", 512),
                integer(json, where, "type_vocab_size", 2),
                (float) number(json, where, "layer_norm_eps", 1e-12),
                HiddenActivation.parse(string(json, "hidden_act", "gelu"), where),
                integer(json, where, "pad_token_id", 0),
                integer(json, where, "embedding_size", hidden),
                integer(json, where, "num_hidden_groups", 1),
                json);
    }

    /** DistilBERT's config names the same things differently; it has no segment embeddings. */
    private static JsonObject distilBertAsBert(JsonObject json) {
        JsonObject copy = json.deepCopy();
        String[][] aliases = {{"dim", "hidden_size"}, {"n_layers", "num_hidden_layers"}, {"n_heads", "num_attention_heads"},
                {"hidden_dim", "intermediate_size"}, {"activation", "hidden_act"}};
        for (String[] alias : aliases) {
            if (copy.has(alias[0]) && !copy.has(alias[1])) {
                copy.add(alias[1], copy.get(alias[0]));
            }
        }
        copy.addProperty("type_vocab_size", 0);
        if (!copy.has("layer_norm_eps")) {
            copy.addProperty("layer_norm_eps", 1e-12);
        }
        if (copy.has("sinusoidal_pos_embds") && copy.get("sinusoidal_pos_embds").getAsBoolean()) {
            throw new CheckpointException("Cannot load DistilBERT model: sinusoidal_pos_embds=true is not supported"
                    + " (use a checkpoint with learned position embeddings, as all published DistilBERTs)");
        }
        return copy;
    }

    private static String string(JsonObject json, String key, String fallback) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsString();
    }

    private static int integer(JsonObject json, Object where, String key, Integer fallback) {
        return (int) number(json, where, key, fallback == null ? null : fallback.doubleValue());
    }

    private static double number(JsonObject json, Object where, String key, Double fallback) {
        JsonElement e = json.get(key);
        if (e == null || e.isJsonNull()) {
            if (fallback == null) {
                throw new CheckpointException("Cannot load model " + where + ": config.json has no '" + key
                        + "' (it is required for model_type " + string(json, "model_type", "?") + ")");
            }
            return fallback;
        }
        try {
            return e.getAsDouble();
        } catch (RuntimeException bad) {
            throw new CheckpointException("Cannot load model " + where + ": config.json key '" + key
                    + "' is not a number (found " + e + ")");
        }
    }
}
