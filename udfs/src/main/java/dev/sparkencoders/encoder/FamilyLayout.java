package dev.sparkencoders.encoder;

import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.model.ModelFamily;

/**
 * Where each family keeps its encoder parameters, in HuggingFace transformers' names (relative to the base model
 * prefix, e.g. {@code bert.}), and how it numbers positions. The forward pass of the BERT-shaped families is the
 * same post-LayerNorm transformer ({@link #layers()}); ModernBERT's pre-LayerNorm layers have their own names in
 * {@link ModernBertEncoder}, so its layout gives only the prefix, the embeddings and its positions ({@link #layers()}
 * and the position and segment tables are null).
 *
 * <pre>{@code
 * FamilyLayout layout = FamilyLayout.of(ModelFamily.ROBERTA);
 * String query = layout.layers().at(0) + layout.layers().query(); // encoder.layer.0.attention.self.query
 * }</pre>
 */
public record FamilyLayout(
        String prefix,
        String wordEmbeddings,
        String positionEmbeddings,
        String typeEmbeddings,
        String embeddingNorm,
        String embeddingProjection,
        PositionScheme positions,
        LayerNames layers) {

    /** How position ids are made. */
    public enum PositionScheme {
        /** 0, 1, 2, ... */
        ABSOLUTE,
        /** RoBERTa: padding_idx + 1 + the count of non-padding tokens so far; padding gets padding_idx. */
        AFTER_PADDING_IDX,
        /** ModernBERT: 0, 1, 2, ... rotated into queries and keys; there is no position table. */
        ROTARY
    }

    /** Parameter names of one transformer layer, each before {@code .weight} / {@code .bias}. */
    public record LayerNames(String prefixPattern, String query, String key, String value, String attentionOut,
                      String attentionNorm, String ffnIn, String ffnOut, String outputNorm) {

        /** The name prefix of layer block {@code index} (a layer, or an ALBERT layer group). */
        public String at(int index) {
            return prefixPattern.replace("{}", Integer.toString(index));
        }
    }

    private static final LayerNames BERT_LAYERS = new LayerNames("encoder.layer.{}.",
            "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
            "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm");

    public static FamilyLayout of(ModelFamily family) {
        return switch (family) {
            case BERT -> bertLike("bert.", null, PositionScheme.ABSOLUTE);
            case ROBERTA -> bertLike("roberta.", null, PositionScheme.AFTER_PADDING_IDX);
            case ELECTRA -> bertLike("electra.", "embeddings_project", PositionScheme.ABSOLUTE);
            case ALBERT -> new FamilyLayout("albert.", "embeddings.word_embeddings", "embeddings.position_embeddings",
                    "embeddings.token_type_embeddings", "embeddings.LayerNorm", "encoder.embedding_hidden_mapping_in",
                    PositionScheme.ABSOLUTE,
                    new LayerNames("encoder.albert_layer_groups.{}.albert_layers.0.", "attention.query",
                            "attention.key", "attention.value", "attention.dense", "attention.LayerNorm", "ffn",
                            "ffn_output", "full_layer_layer_norm"));
            case DISTILBERT -> new FamilyLayout("distilbert.", "embeddings.word_embeddings",
                    "embeddings.position_embeddings", null, "embeddings.LayerNorm", null, PositionScheme.ABSOLUTE,
                    new LayerNames("transformer.layer.{}.", "attention.q_lin", "attention.k_lin", "attention.v_lin",
                            "attention.out_lin", "sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm"));
            case MODERNBERT -> new FamilyLayout("model.", "embeddings.tok_embeddings", null, null, "embeddings.norm",
                    null, PositionScheme.ROTARY, null);
        };
    }

    /**
     * How many tokens a row of this model may have: max_position_embeddings, less RoBERTa's padding_idx + 1 (its
     * positions start after the padding index).
     */
    public static int usablePositions(ModelConfig config) {
        return config.maxPositions() - (of(config.family()).positions() == PositionScheme.AFTER_PADDING_IDX
                ? config.padTokenId() + 1 : 0);
    }

    /**
     * Fails when a batch {@code width} tokens wide needs more position embeddings than the model has (RoBERTa
     * numbers positions from padding_idx + 1).
     */
    public static void requirePositions(ModelConfig config, int width) {
        if (width > usablePositions(config)) {
            throw new IllegalArgumentException("Cannot encode a batch of " + width + " tokens per row: the"
                    + " model has " + config.maxPositions() + " positions (truncate to fewer tokens)");
        }
    }

    private static FamilyLayout bertLike(String prefix, String projection, PositionScheme positions) {
        return new FamilyLayout(prefix, "embeddings.word_embeddings", "embeddings.position_embeddings",
                "embeddings.token_type_embeddings", "embeddings.LayerNorm", projection, positions, BERT_LAYERS);
    }
}
