package dev.sparkencoders.model;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.model.ModernBertConfig.AttentionScope;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ModernBERT's config.json keys in the forms HuggingFace writes them, and HuggingFace's defaults for absent ones. */
class ModernBertConfigTest {

    /** The keys of answerdotai/ModernBERT-base's config.json that shape the model (older transformers format). */
    private static final String BASE = """
            {"architectures": ["ModernBertForMaskedLM"], "model_type": "modernbert", "vocab_size": 50368,
             "hidden_size": 768, "num_hidden_layers": 22, "num_attention_heads": 12, "intermediate_size": 1152,
             "hidden_activation": "gelu", "max_position_embeddings": 8192, "norm_eps": 1e-05, "norm_bias": false,
             "pad_token_id": 50283, "attention_bias": false, "mlp_bias": false, "decoder_bias": true,
             "classifier_bias": false, "classifier_activation": "gelu", "classifier_pooling": "mean",
             "global_attn_every_n_layers": 3, "local_attention": 128, "global_rope_theta": 160000.0,
             "local_rope_theta": 10000.0}
            """;

    @Test
    void readsModernBertBaseAsHuggingFaceDoes() {
        ModelConfig config = ModelConfig.fromJson(json(BASE), "test");
        assertEquals(ModelFamily.MODERNBERT, config.family());
        assertEquals(8192, config.maxPositions());
        assertEquals(0, config.typeVocabSize());
        assertEquals(1e-5f, config.layerNormEps());
        assertEquals(HiddenActivation.GELU, config.activation());
        assertEquals(50283, config.padTokenId());
        ModernBertConfig modern = ModernBertConfig.of(config);
        assertEquals(22, modern.scopes().size());
        for (int layer = 0; layer < 22; layer++) {
            assertEquals(layer % 3 == 0 ? AttentionScope.GLOBAL : AttentionScope.LOCAL, modern.scope(layer));
        }
        assertEquals(64, modern.halfWindow());
        assertEquals(160_000.0, modern.ropeTheta(AttentionScope.GLOBAL));
        assertEquals(10_000.0, modern.ropeTheta(AttentionScope.LOCAL));
        assertEquals(Pooling.MEAN, modern.classifierPooling());
        assertFalse(modern.normBias() || modern.attentionBias() || modern.mlpBias() || modern.classifierBias());
        assertTrue(modern.decoderBias());
    }

    @Test
    void appliesHuggingFacesDefaultsToAbsentKeys() {
        ModelConfig config = ModelConfig.fromJson(json("""
                {"model_type": "modernbert", "vocab_size": 100, "hidden_size": 8, "num_hidden_layers": 4,
                 "num_attention_heads": 2, "intermediate_size": 12}
                """), "test");
        assertEquals(8192, config.maxPositions());
        assertEquals(50283, config.padTokenId());
        assertEquals(1e-5f, config.layerNormEps());
        ModernBertConfig modern = ModernBertConfig.of(config);
        assertEquals(List.of(AttentionScope.GLOBAL, AttentionScope.LOCAL, AttentionScope.LOCAL, AttentionScope.GLOBAL),
                modern.scopes());
        assertEquals(64, modern.halfWindow());
        assertEquals(Pooling.CLS, modern.classifierPooling());
        assertEquals(HiddenActivation.GELU, modern.classifierActivation());
    }

    @Test
    void readsLayerTypesAndRopeParametersOfNewerConfigs() {
        ModernBertConfig modern = ModernBertConfig.of(ModelConfig.fromJson(json("""
                {"model_type": "modernbert", "vocab_size": 100, "hidden_size": 8, "num_hidden_layers": 3,
                 "num_attention_heads": 2, "intermediate_size": 12,
                 "layer_types": ["full_attention", "sliding_attention", "full_attention"],
                 "rope_parameters": {"full_attention": {"rope_type": "default", "rope_theta": 80000.0},
                                     "sliding_attention": {"rope_type": "default", "rope_theta": 5000.0}}}
                """), "test"));
        assertEquals(List.of(AttentionScope.GLOBAL, AttentionScope.LOCAL, AttentionScope.GLOBAL), modern.scopes());
        assertEquals(80_000.0, modern.ropeTheta(AttentionScope.GLOBAL));
        assertEquals(5_000.0, modern.ropeTheta(AttentionScope.LOCAL));
    }

    @Test
    void aNullLocalBaseIsTheGlobalOne() {
        ModernBertConfig modern = ModernBertConfig.of(ModelConfig.fromJson(json(BASE.replace(
                "\"local_rope_theta\": 10000.0", "\"local_rope_theta\": null")), "test"));
        assertEquals(160_000.0, modern.ropeTheta(AttentionScope.LOCAL));
    }

    @Test
    void refusesWhatItDoesNotRun() {
        CheckpointException scaled = assertThrows(CheckpointException.class, () -> ModernBertConfig.of(
                ModelConfig.fromJson(json(BASE.replace("\"local_attention\": 128",
                        "\"local_attention\": 128, \"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 2.0}")),
                        "test")));
        assertTrue(scaled.getMessage().startsWith("Cannot load model"), scaled.getMessage());
        assertTrue(scaled.getMessage().contains("rope_scaling"), scaled.getMessage());
        CheckpointException pooling = assertThrows(CheckpointException.class, () -> ModernBertConfig.of(
                ModelConfig.fromJson(json(BASE.replace("\"mean\"", "\"max\"")), "test")));
        assertTrue(pooling.getMessage().contains("classifier_pooling"), pooling.getMessage());
        CheckpointException types = assertThrows(CheckpointException.class, () -> ModernBertConfig.of(
                ModelConfig.fromJson(json(BASE.replace("\"local_attention\": 128",
                        "\"local_attention\": 128, \"layer_types\": [\"full_attention\"]")), "test")));
        assertTrue(types.getMessage().contains("layer_types"), types.getMessage());
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
