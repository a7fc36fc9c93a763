package dev.sparkencoders.reference;

import dev.sparkencoders.model.Tensor;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A small HuggingFace checkpoint with random weights for one model family and task head: {@code config.json},
 * {@code model.safetensors} (F32), {@code tokenizer.json} and {@code tokenizer_config.json}, with HuggingFace
 * transformers' exact parameter names and config keys. The weights stay in memory ({@link #weights()}) for
 * {@link ScalarReference}.
 *
 * <p>Sizes: hidden 32, 4 heads, 2 layers, intermediate 48, max_position_embeddings 64 (RoBERTa 66 = 64 +
 * padding_idx + 1), type_vocab_size 2 (RoBERTa 1, DistilBERT and ModernBERT none); ALBERT and ELECTRA have
 * embedding_size 16. {@code vocab_size} is the synthetic tokenizer's ({@link SyntheticTokenizers}): 125 for the
 * WordPiece families (BERT, ELECTRA, DistilBERT), 102 for ALBERT, 419 for RoBERTa and ModernBERT (5 specials + 256
 * byte characters + 158 merges). ModernBERT's structure is described at {@code modernBertConfig}.
 *
 * <p>Random values ({@code java.util.Random(seed)}): matrices and embeddings normal(0, 0.2), LayerNorm weights
 * 1 + normal(0, 0.1), biases and LayerNorm biases normal(0, 0.1).
 *
 * <p><b>Tied decoders.</b> Every MLM decoder is tied to the word embeddings, as in HuggingFace
 * ({@code tie_word_embeddings} defaults to true and is not written). By default the decoder matrix is <em>not</em>
 * written, as {@code save_pretrained(safe_serialization=True)} does (it drops tied duplicates:
 * {@code cls.predictions.decoder.weight}/{@code .bias}, {@code lm_head.decoder.weight}/{@code .bias},
 * {@code predictions.decoder.weight}/{@code .bias}, {@code generator_lm_head.weight},
 * {@code vocab_projector.weight}, ModernBERT's {@code decoder.weight}). With {@link Options#withTiedDecoderWritten(boolean)} those names are written too,
 * equal to the word embeddings (and the decoder bias equal to the head's bias where HuggingFace links them), as
 * {@code torch.save(model.state_dict())} would. The tied copies are produced when writing ({@link #fileTensors()})
 * and are never part of {@link #weights()}.
 */
public final class SyntheticCheckpoint {

    public static final int HIDDEN = 32;
    public static final int HEADS = 4;
    public static final int INTERMEDIATE = 48;
    public static final int EMBEDDING = 16;
    public static final int MAX_LENGTH = 64;

    public static final List<String> SENTIMENT_LABELS = List.of("negative", "neutral", "positive");
    public static final List<String> TOPIC_LABELS = List.of("sports", "politics", "technology");
    public static final List<String> BIO_LABELS = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC");

    /**
     * Options of the synthetic model's shape. {@code biases} gives ModernBERT every optional bias (attention_bias,
     * mlp_bias, norm_bias and classifier_bias true; the published models have none); other families ignore it.
     */
    public record Options(int numHiddenLayers, int numHiddenGroups, int innerGroupNum, boolean tiedDecoderWritten,
                          boolean biases) {

        public Options {
            if (numHiddenLayers < 1 || numHiddenGroups < 1 || innerGroupNum < 1
                    || numHiddenLayers % numHiddenGroups != 0) {
                throw new IllegalArgumentException("layers " + numHiddenLayers + " must be a positive multiple of"
                        + " groups " + numHiddenGroups + "; inner_group_num " + innerGroupNum + " must be positive");
            }
        }

        /** 2 layers, 1 hidden group, 1 layer per group, tied decoders not written, no optional ModernBERT biases. */
        public static Options defaults() {
            return new Options(2, 1, 1, false, false);
        }

        public Options withLayers(int layers) {
            return new Options(layers, numHiddenGroups, innerGroupNum, tiedDecoderWritten, biases);
        }

        /** ALBERT's {@code num_hidden_groups} (ignored by the other families). */
        public Options withHiddenGroups(int groups) {
            return new Options(numHiddenLayers, groups, innerGroupNum, tiedDecoderWritten, biases);
        }

        /** ALBERT's {@code inner_group_num} (ignored by the other families). */
        public Options withInnerGroupNum(int inner) {
            return new Options(numHiddenLayers, numHiddenGroups, inner, tiedDecoderWritten, biases);
        }

        public Options withTiedDecoderWritten(boolean written) {
            return new Options(numHiddenLayers, numHiddenGroups, innerGroupNum, written, biases);
        }

        /** ModernBERT's optional biases (ignored by the other families). */
        public Options withBiases(boolean all) {
            return new Options(numHiddenLayers, numHiddenGroups, innerGroupNum, tiedDecoderWritten, all);
        }
    }

    private final Family family;
    private final Head head;
    private final JsonObject config;
    private final String prefix;
    private final Map<String, float[]> weights;
    private final Map<String, int[]> shapes;
    private final SyntheticTokenizers.Spec tokenizer;
    private final boolean tiedDecoderWritten;

    // config values, read back from config.json's keys
    private final int vocabSize;
    private final int hiddenSize;
    private final int numHiddenLayers;
    private final int numAttentionHeads;
    private final int intermediateSize;
    private final int embeddingSize;
    private final int maxPositionEmbeddings;
    private final int typeVocabSize;
    private final double layerNormEps;
    private final String hiddenAct;
    private final int padTokenId;
    private final int numHiddenGroups;
    private final int innerGroupNum;
    private final String architecture;
    private final String problemType;
    private final String[] id2label;

    private SyntheticCheckpoint(Family family, Head head, JsonObject config, String prefix,
                                Map<String, float[]> weights, Map<String, int[]> shapes,
                                SyntheticTokenizers.Spec tokenizer, boolean tiedDecoderWritten) {
        this.family = family;
        this.head = head;
        this.config = config;
        this.prefix = prefix;
        this.weights = weights;
        this.shapes = shapes;
        this.tokenizer = tokenizer;
        this.tiedDecoderWritten = tiedDecoderWritten;
        if (family == Family.DISTILBERT) {
            hiddenSize = config.get("dim").getAsInt();
            numHiddenLayers = config.get("n_layers").getAsInt();
            numAttentionHeads = config.get("n_heads").getAsInt();
            intermediateSize = config.get("hidden_dim").getAsInt();
            hiddenAct = config.get("activation").getAsString();
            layerNormEps = 1e-12; // hard-coded in modeling_distilbert
            typeVocabSize = 0;
            embeddingSize = hiddenSize;
        } else {
            hiddenSize = config.get("hidden_size").getAsInt();
            numHiddenLayers = config.get("num_hidden_layers").getAsInt();
            numAttentionHeads = config.get("num_attention_heads").getAsInt();
            intermediateSize = config.get("intermediate_size").getAsInt();
            if (family == Family.MODERNBERT) {
                hiddenAct = config.get("hidden_activation").getAsString();
                layerNormEps = config.get("norm_eps").getAsDouble();
                typeVocabSize = 0;
            } else {
                hiddenAct = config.get("hidden_act").getAsString();
                layerNormEps = config.get("layer_norm_eps").getAsDouble();
                typeVocabSize = config.get("type_vocab_size").getAsInt();
            }
            embeddingSize = config.has("embedding_size") ? config.get("embedding_size").getAsInt() : hiddenSize;
        }
        vocabSize = config.get("vocab_size").getAsInt();
        maxPositionEmbeddings = config.get("max_position_embeddings").getAsInt();
        padTokenId = config.has("pad_token_id") && !config.get("pad_token_id").isJsonNull()
                ? config.get("pad_token_id").getAsInt() : 0;
        numHiddenGroups = config.has("num_hidden_groups") ? config.get("num_hidden_groups").getAsInt() : 1;
        innerGroupNum = config.has("inner_group_num") ? config.get("inner_group_num").getAsInt() : 1;
        architecture = config.has("architectures") ? config.getAsJsonArray("architectures").get(0).getAsString()
                : head.architecture(family);
        problemType = config.has("problem_type") && !config.get("problem_type").isJsonNull()
                ? config.get("problem_type").getAsString() : null;
        if (config.has("id2label")) {
            JsonObject map = config.getAsJsonObject("id2label");
            id2label = new String[map.size()];
            for (Map.Entry<String, JsonElement> e : map.entrySet()) {
                id2label[Integer.parseInt(e.getKey())] = e.getValue().getAsString();
            }
        } else {
            id2label = new String[0];
        }
    }

    // ------------------------------------------------------------------------------------------ factories

    /** Creates the checkpoint with default options and writes it into {@code dir} (created if absent). */
    public static SyntheticCheckpoint write(Path dir, Family family, Head head, long seed) {
        return write(dir, family, head, seed, Options.defaults());
    }

    /** Creates the checkpoint and writes it into {@code dir} (created if absent). */
    public static SyntheticCheckpoint write(Path dir, Family family, Head head, long seed, Options options) {
        SyntheticCheckpoint c = create(family, head, seed, options);
        c.save(dir);
        return c;
    }

    /** Creates the checkpoint in memory only. */
    public static SyntheticCheckpoint create(Family family, Head head, long seed, Options options) {
        if (!head.supportedBy(family)) {
            throw new IllegalArgumentException(family + " has no " + head + " head in HuggingFace transformers");
        }
        int maxPositions = family.robertaArchitecture() ? MAX_LENGTH + 2 : MAX_LENGTH;
        SyntheticTokenizers.Spec tok = SyntheticTokenizers.of(family, MAX_LENGTH);
        JsonObject config = config(family, head, options, tok, maxPositions);
        Generator g = new Generator(new Random(seed));
        String p = head == Head.BASE ? "" : family.basePrefix();
        int v = tok.vocabSize();
        int h = HIDDEN;
        int e = family == Family.ALBERT || family == Family.ELECTRA ? EMBEDDING : HIDDEN;
        int types = family.robertaArchitecture() ? 1 : 2;

        // body
        if (family == Family.MODERNBERT) {
            modernBertBody(g, p, v, h, options);
        } else if (family == Family.DISTILBERT) {
            g.matrix(p + "embeddings.word_embeddings.weight", v, h);
            g.matrix(p + "embeddings.position_embeddings.weight", maxPositions, h);
            g.layerNorm(p + "embeddings.LayerNorm", h);
            for (int l = 0; l < options.numHiddenLayers(); l++) {
                String s = p + "transformer.layer." + l + ".";
                g.linear(s + "attention.q_lin", h, h);
                g.linear(s + "attention.k_lin", h, h);
                g.linear(s + "attention.v_lin", h, h);
                g.linear(s + "attention.out_lin", h, h);
                g.layerNorm(s + "sa_layer_norm", h);
                g.linear(s + "ffn.lin1", INTERMEDIATE, h);
                g.linear(s + "ffn.lin2", h, INTERMEDIATE);
                g.layerNorm(s + "output_layer_norm", h);
            }
        } else {
            g.matrix(p + "embeddings.word_embeddings.weight", v, e);
            g.matrix(p + "embeddings.position_embeddings.weight", maxPositions, e);
            g.matrix(p + "embeddings.token_type_embeddings.weight", types, e);
            g.layerNorm(p + "embeddings.LayerNorm", e);
            if (family == Family.ALBERT) {
                g.linear(p + "encoder.embedding_hidden_mapping_in", h, e);
                for (int group = 0; group < options.numHiddenGroups(); group++) {
                    for (int inner = 0; inner < options.innerGroupNum(); inner++) {
                        String s = p + "encoder.albert_layer_groups." + group + ".albert_layers." + inner + ".";
                        g.linear(s + "attention.query", h, h);
                        g.linear(s + "attention.key", h, h);
                        g.linear(s + "attention.value", h, h);
                        g.linear(s + "attention.dense", h, h);
                        g.layerNorm(s + "attention.LayerNorm", h);
                        g.linear(s + "ffn", INTERMEDIATE, h);
                        g.linear(s + "ffn_output", h, INTERMEDIATE);
                        g.layerNorm(s + "full_layer_layer_norm", h);
                    }
                }
            } else {
                if (family == Family.ELECTRA) {
                    g.linear(p + "embeddings_project", h, e);
                }
                for (int l = 0; l < options.numHiddenLayers(); l++) {
                    String s = p + "encoder.layer." + l + ".";
                    g.linear(s + "attention.self.query", h, h);
                    g.linear(s + "attention.self.key", h, h);
                    g.linear(s + "attention.self.value", h, h);
                    g.linear(s + "attention.output.dense", h, h);
                    g.layerNorm(s + "attention.output.LayerNorm", h);
                    g.linear(s + "intermediate.dense", INTERMEDIATE, h);
                    g.linear(s + "output.dense", h, INTERMEDIATE);
                    g.layerNorm(s + "output.LayerNorm", h);
                }
            }
        }
        if (head.hasPooler(family)) {
            g.linear(p + (family == Family.ALBERT ? "pooler" : "pooler.dense"), h, h);
        }

        // heads
        int labels = numLabels(head);
        if (family == Family.MODERNBERT) {
            modernBertHead(g, head, labels, v, h, options.biases());
            return new SyntheticCheckpoint(family, head, config, p, g.weights, g.shapes, tok,
                    options.tiedDecoderWritten());
        }
        switch (head) {
            case BASE -> { }
            case SEQUENCE_CLASSIFICATION, MULTI_LABEL_CLASSIFICATION -> {
                switch (family) {
                    case BERT, ALBERT -> g.linear("classifier", labels, h);
                    case ROBERTA, XLM_ROBERTA, CAMEMBERT, ELECTRA -> {
                        g.linear("classifier.dense", h, h);
                        g.linear("classifier.out_proj", labels, h);
                    }
                    case DISTILBERT -> {
                        g.linear("pre_classifier", h, h);
                        g.linear("classifier", labels, h);
                    }
                }
            }
            case TOKEN_CLASSIFICATION -> g.linear("classifier", labels, h);
            case NSP -> g.linear("cls.seq_relationship", 2, h);
            case PRETRAINING -> {
                mlmHead(g, family, v, h, e);
                if (family == Family.BERT) {
                    g.linear("cls.seq_relationship", 2, h);
                } else {
                    g.linear("sop_classifier.classifier", 2, h);
                }
            }
            case MASKED_LM -> mlmHead(g, family, v, h, e);
            case QUESTION_ANSWERING -> g.linear("qa_outputs", 2, h);
            case RTD -> {
                g.linear("discriminator_predictions.dense", h, h);
                g.linear("discriminator_predictions.dense_prediction", 1, h);
            }
        }
        return new SyntheticCheckpoint(family, head, config, p, g.weights, g.shapes, tok,
                options.tiedDecoderWritten());
    }

    /**
     * ModernBERT's body, by default without biases (attention_bias, mlp_bias and norm_bias false, as in the published
     * models; {@link Options#biases()} adds them):
     * layer 0 has no attn_norm (HuggingFace makes it the identity), mlp.Wi is [2 x intermediate, hidden] (GeGLU).
     */
    private static void modernBertBody(Generator g, String p, int v, int h, Options options) {
        boolean biases = options.biases();
        g.matrix(p + "embeddings.tok_embeddings.weight", v, h);
        g.norm(p + "embeddings.norm", h, biases);
        for (int l = 0; l < options.numHiddenLayers(); l++) {
            String s = p + "layers." + l + ".";
            if (l > 0) {
                g.norm(s + "attn_norm", h, biases);
            }
            g.dense(s + "attn.Wqkv", 3 * h, h, biases);
            g.dense(s + "attn.Wo", h, h, biases);
            g.norm(s + "mlp_norm", h, biases);
            g.dense(s + "mlp.Wi", 2 * INTERMEDIATE, h, biases);
            g.dense(s + "mlp.Wo", h, INTERMEDIATE, biases);
        }
        g.norm(p + "final_norm", h, biases);
    }

    /**
     * ModernBERT's heads: the prediction head ({@code head.dense} and {@code head.norm}, biased only with
     * {@link Options#biases()}), then {@code classifier} (always with a bias) or the MLM {@code decoder}'s
     * bias (decoder_bias true; its weight is tied to the token embeddings).
     */
    private static void modernBertHead(Generator g, Head head, int labels, int v, int h, boolean biases) {
        if (head == Head.BASE) {
            return;
        }
        g.dense("head.dense", h, h, biases);
        g.norm("head.norm", h, biases);
        switch (head) {
            case SEQUENCE_CLASSIFICATION, MULTI_LABEL_CLASSIFICATION, TOKEN_CLASSIFICATION ->
                    g.linear("classifier", labels, h);
            case QUESTION_ANSWERING -> g.linear("classifier", 2, h);
            case MASKED_LM -> g.bias("decoder.bias", v);
            default -> throw new IllegalArgumentException("ModernBERT has no " + head + " head");
        }
    }

    private static void mlmHead(Generator g, Family family, int v, int h, int e) {
        switch (family) {
            case BERT -> {
                g.linear("cls.predictions.transform.dense", h, h);
                g.layerNorm("cls.predictions.transform.LayerNorm", h);
                g.bias("cls.predictions.bias", v);
            }
            case ROBERTA, XLM_ROBERTA, CAMEMBERT -> {
                g.linear("lm_head.dense", h, h);
                g.layerNorm("lm_head.layer_norm", h);
                g.bias("lm_head.bias", v);
            }
            case ALBERT -> {
                g.linear("predictions.dense", e, h);
                g.layerNorm("predictions.LayerNorm", e);
                g.bias("predictions.bias", v);
            }
            case ELECTRA -> {
                g.linear("generator_predictions.dense", e, h);
                g.layerNorm("generator_predictions.LayerNorm", e);
                g.bias("generator_lm_head.bias", v);
            }
            case DISTILBERT -> {
                g.linear("vocab_transform", h, h);
                g.layerNorm("vocab_layer_norm", h);
                g.bias("vocab_projector.bias", v);
            }
        }
    }

    /** Number of outputs of the head's classifier (0 for heads without labels). */
    static int numLabels(Head head) {
        return switch (head) {
            case SEQUENCE_CLASSIFICATION, MULTI_LABEL_CLASSIFICATION -> 3;
            case TOKEN_CLASSIFICATION -> BIO_LABELS.size();
            default -> 0;
        };
    }

    private static JsonObject config(Family family, Head head, Options o, SyntheticTokenizers.Spec tok,
                                     int maxPositions) {
        TreeMap<String, Object> c = new TreeMap<>(); // HuggingFace writes config.json with sorted keys
        c.put("architectures", List.of(head.architecture(family)));
        c.put("model_type", family.modelType());
        c.put("vocab_size", tok.vocabSize());
        c.put("max_position_embeddings", maxPositions);
        c.put("initializer_range", 0.02);
        c.put("pad_token_id", tok.padId());
        c.put("torch_dtype", "float32");
        c.put("transformers_version", "4.46.3");
        switch (family) {
            case MODERNBERT -> modernBertConfig(c, head, o, tok);
            case DISTILBERT -> {
                c.put("dim", HIDDEN);
                c.put("n_layers", o.numHiddenLayers());
                c.put("n_heads", HEADS);
                c.put("hidden_dim", INTERMEDIATE);
                c.put("activation", "gelu");
                c.put("dropout", 0.1);
                c.put("attention_dropout", 0.1);
                c.put("qa_dropout", 0.1);
                c.put("seq_classif_dropout", 0.2);
                c.put("sinusoidal_pos_embds", false);
                c.put("tie_weights_", true);
            }
            default -> {
                c.put("hidden_size", HIDDEN);
                c.put("num_hidden_layers", o.numHiddenLayers());
                c.put("num_attention_heads", HEADS);
                c.put("intermediate_size", INTERMEDIATE);
                c.put("hidden_dropout_prob", 0.1);
                c.put("attention_probs_dropout_prob", 0.1);
                c.put("type_vocab_size", family.robertaArchitecture() ? 1 : 2);
                c.put("layer_norm_eps", family.robertaArchitecture() ? 1e-5 : 1e-12);
                c.put("position_embedding_type", "absolute");
                c.put("hidden_act", family == Family.ALBERT || family == Family.ELECTRA ? "gelu_new" : "gelu");
            }
        }
        switch (family) {
            case BERT -> {
                c.put("classifier_dropout", null);
                c.put("use_cache", true);
            }
            case ROBERTA, XLM_ROBERTA, CAMEMBERT -> {
                c.put("bos_token_id", tok.clsId());
                c.put("eos_token_id", tok.sepId());
                c.put("classifier_dropout", null);
                c.put("use_cache", true);
            }
            case ALBERT -> {
                c.put("embedding_size", EMBEDDING);
                c.put("num_hidden_groups", o.numHiddenGroups());
                c.put("inner_group_num", o.innerGroupNum());
                c.put("classifier_dropout_prob", 0.1);
                c.put("bos_token_id", tok.clsId());
                c.put("eos_token_id", tok.sepId());
                c.put("hidden_dropout_prob", 0);
                c.put("attention_probs_dropout_prob", 0);
            }
            case ELECTRA -> {
                c.put("embedding_size", EMBEDDING);
                c.put("summary_type", "first");
                c.put("summary_use_proj", true);
                c.put("summary_activation", "gelu");
                c.put("summary_last_dropout", 0.1);
                c.put("classifier_dropout", null);
                c.put("use_cache", true);
            }
            case DISTILBERT, MODERNBERT -> { }
        }
        List<String> labels = switch (head) {
            case SEQUENCE_CLASSIFICATION -> SENTIMENT_LABELS;
            case MULTI_LABEL_CLASSIFICATION -> TOPIC_LABELS;
            case TOKEN_CLASSIFICATION -> BIO_LABELS;
            default -> null;
        };
        if (labels != null) {
            Map<String, String> id2label = new LinkedHashMap<>();
            Map<String, Integer> label2id = new LinkedHashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                id2label.put(String.valueOf(i), labels.get(i));
                label2id.put(labels.get(i), i);
            }
            c.put("id2label", id2label);
            c.put("label2id", label2id);
        }
        if (head == Head.MULTI_LABEL_CLASSIFICATION) {
            c.put("problem_type", "multi_label_classification");
        }
        Gson gson = new GsonBuilder().serializeNulls().create();
        return gson.toJsonTree(c).getAsJsonObject();
    }

    /**
     * ModernBERT's keys with its real structure at small sizes: global attention every 2nd layer (layer 0 global),
     * local_attention 8 (a local layer's token sees |i - j| &lt;= 4, so the test inputs exercise the window),
     * different global/local rotary bases (HuggingFace's defaults), no biases but the decoder's and the classifier's,
     * classifier_activation gelu_pytorch_tanh (unlike hidden_activation gelu, so the two cannot be confused), and
     * classifier_pooling "mean" for single-label sequence classification, "cls" otherwise (both poolings tested).
     */
    private static void modernBertConfig(TreeMap<String, Object> c, Head head, Options o, SyntheticTokenizers.Spec tok) {
        c.put("hidden_size", HIDDEN);
        c.put("num_hidden_layers", o.numHiddenLayers());
        c.put("num_attention_heads", HEADS);
        c.put("intermediate_size", INTERMEDIATE);
        c.put("hidden_activation", "gelu");
        c.put("norm_eps", 1e-5);
        c.put("norm_bias", o.biases());
        c.put("attention_bias", o.biases());
        c.put("attention_dropout", 0.0);
        c.put("mlp_bias", o.biases());
        c.put("mlp_dropout", 0.0);
        c.put("embedding_dropout", 0.0);
        c.put("decoder_bias", true);
        c.put("classifier_bias", o.biases());
        c.put("classifier_activation", "gelu_pytorch_tanh");
        c.put("classifier_dropout", 0.0);
        c.put("classifier_pooling", head == Head.SEQUENCE_CLASSIFICATION ? "mean" : "cls");
        c.put("global_attn_every_n_layers", 2);
        c.put("local_attention", 8);
        c.put("global_rope_theta", 160000.0);
        c.put("local_rope_theta", 10000.0);
        c.put("bos_token_id", tok.clsId());
        c.put("cls_token_id", tok.clsId());
        c.put("eos_token_id", tok.sepId());
        c.put("sep_token_id", tok.sepId());
        c.put("initializer_cutoff_factor", 2.0);
        c.put("deterministic_flash_attn", false);
        c.put("sparse_prediction", false);
        c.put("sparse_pred_ignore_index", -100);
        c.put("tie_word_embeddings", true);
    }

    // ------------------------------------------------------------------------------------------ reading

    /**
     * Reads a checkpoint directory ({@code config.json} and {@code model.safetensors}) with this package's own
     * reader, e.g. a real model for {@link ScalarReference}. The family comes from {@code model_type}, the head
     * from {@code architectures} (BASE when absent), the parameter prefix from the tensor names. Tied decoder copies
     * in the file are kept in {@link #weights()} (the reference ignores them and uses the word embeddings).
     */
    public static SyntheticCheckpoint load(Path dir) {
        try {
            JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json")))
                    .getAsJsonObject();
            Family family = Family.ofModelType(config.get("model_type").getAsString());
            String problemType = config.has("problem_type") && !config.get("problem_type").isJsonNull()
                    ? config.get("problem_type").getAsString() : null;
            Head head = config.has("architectures")
                    ? Head.ofArchitecture(family, config.getAsJsonArray("architectures").get(0).getAsString(),
                            problemType)
                    : Head.BASE;
            Map<String, float[]> weights = new LinkedHashMap<>();
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (Map.Entry<String, Safetensors.Tensor> t : Safetensors.read(dir.resolve("model.safetensors"))
                    .entrySet()) {
                weights.put(t.getKey(), t.getValue().data());
                shapes.put(t.getKey(), t.getValue().shape());
            }
            String prefix = weights.keySet().stream().anyMatch(k -> k.startsWith(family.basePrefix()))
                    ? family.basePrefix() : "";
            return new SyntheticCheckpoint(family, head, config, prefix, weights, shapes, null, false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint " + dir, e);
        }
    }

    // ------------------------------------------------------------------------------------------ writing

    /**
     * Writes {@code config.json}, {@code model.safetensors} ({@link #fileTensors()}) and, for created checkpoints,
     * {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. Call again after changing weights.
     */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            Gson gson = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();
            Files.writeString(dir.resolve("config.json"), gson.toJson(config) + "\n");
            Map<String, float[]> tensors = fileTensors();
            Map<String, int[]> tensorShapes = new LinkedHashMap<>(shapes);
            for (String name : tensors.keySet()) {
                if (!tensorShapes.containsKey(name)) {
                    tensorShapes.put(name, shapes.get(tiedSource(name)));
                }
            }
            Safetensors.writeF32(dir.resolve("model.safetensors"), tensors, tensorShapes);
            if (tokenizer != null) {
                Gson compact = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
                Files.writeString(dir.resolve("tokenizer.json"), compact.toJson(tokenizer.tokenizerJson()) + "\n");
                Files.writeString(dir.resolve("tokenizer_config.json"),
                        gson.toJson(tokenizer.tokenizerConfigJson()) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint into " + dir, e);
        }
    }

    /** The tensors as written to {@code model.safetensors}: the weights plus the tied copies when enabled. */
    public Map<String, float[]> fileTensors() {
        Map<String, float[]> out = new LinkedHashMap<>(weights);
        if (tiedDecoderWritten) {
            for (String name : tiedNames()) {
                out.put(name, weights.get(tiedSource(name)).clone());
            }
        }
        return out;
    }

    /** Names HuggingFace ties to another parameter (decoder to word embeddings, decoder bias to head bias). */
    public List<String> tiedNames() {
        if (head != Head.MASKED_LM && head != Head.PRETRAINING) {
            return List.of();
        }
        return switch (family) {
            case BERT -> List.of("cls.predictions.decoder.weight", "cls.predictions.decoder.bias");
            case ROBERTA, XLM_ROBERTA, CAMEMBERT -> List.of("lm_head.decoder.weight", "lm_head.decoder.bias");
            case ALBERT -> List.of("predictions.decoder.weight", "predictions.decoder.bias");
            case ELECTRA -> List.of("generator_lm_head.weight");
            case DISTILBERT -> List.of("vocab_projector.weight");
            case MODERNBERT -> List.of("decoder.weight");
        };
    }

    /** The name of the word (token) embedding matrix, with this checkpoint's prefix. */
    public String wordEmbeddingsName() {
        return prefix + (family == Family.MODERNBERT ? "embeddings.tok_embeddings.weight"
                : "embeddings.word_embeddings.weight");
    }

    /** A copy (weights copied) whose config.json has {@code key} set to {@code value}. */
    public SyntheticCheckpoint withConfig(String key, Object value) {
        SyntheticCheckpoint copy = copy();
        JsonObject edited = config.deepCopy();
        edited.add(key, new GsonBuilder().serializeNulls().create().toJsonTree(value));
        return new SyntheticCheckpoint(family, head, edited, prefix, copy.weights, copy.shapes, tokenizer,
                tiedDecoderWritten);
    }

    private String tiedSource(String name) {
        if (name.endsWith("decoder.weight") || name.equals("generator_lm_head.weight")
                || name.equals("vocab_projector.weight")) {
            return wordEmbeddingsName();
        }
        if (name.endsWith("decoder.bias")) {
            return name.replace("decoder.bias", "bias");
        }
        throw new IllegalArgumentException("Not a tied name: " + name);
    }

    /** A deep copy (weights copied), e.g. to change weights for a test without touching the original. */
    public SyntheticCheckpoint copy() {
        Map<String, float[]> w = new LinkedHashMap<>();
        weights.forEach((k, v) -> w.put(k, v.clone()));
        Map<String, int[]> s = new LinkedHashMap<>();
        shapes.forEach((k, v) -> s.put(k, v.clone()));
        return new SyntheticCheckpoint(family, head, config.deepCopy(), prefix, w, s, tokenizer, tiedDecoderWritten);
    }

    // ------------------------------------------------------------------------------------------ accessors

    public Family family() {
        return family;
    }

    public Head head() {
        return head;
    }

    /** A copy of config.json's content. */
    public JsonObject config() {
        return config.deepCopy();
    }

    /** The parameter-name prefix of the body: "" for BASE, else {@code bert.}, {@code roberta.}, ... */
    public String prefix() {
        return prefix;
    }

    /** The live weights by HuggingFace name (row-major, PyTorch layout: Linear weights are [out, in]). */
    public Map<String, float[]> weights() {
        return weights;
    }

    /** The shapes of {@link #weights()}. */
    public Map<String, int[]> shapes() {
        return Collections.unmodifiableMap(shapes);
    }

    /** One weight tensor; throws when the checkpoint has none of that name. */
    public float[] weight(String name) {
        float[] w = weights.get(name);
        if (w == null) {
            throw new IllegalStateException(family + "/" + head + " checkpoint has no parameter " + name);
        }
        return w;
    }

    public boolean has(String name) {
        return weights.containsKey(name);
    }

    public int[] shape(String name) {
        weight(name);
        return shapes.get(name).clone();
    }

    /** The synthetic tokenizer (null for a checkpoint read by {@link #load(Path)}). */
    public SyntheticTokenizers.Spec tokenizer() {
        return tokenizer;
    }

    /** Labels by id (empty for heads without id2label in the config). */
    public String[] id2label() {
        return id2label.clone();
    }

    public int numLabels() {
        return id2label.length;
    }

    public String problemType() {
        return problemType;
    }

    public String architecture() {
        return architecture;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int numHiddenLayers() {
        return numHiddenLayers;
    }

    public int numAttentionHeads() {
        return numAttentionHeads;
    }

    public int intermediateSize() {
        return intermediateSize;
    }

    /** ALBERT/ELECTRA {@code embedding_size}; the hidden size for the other families. */
    public int embeddingSize() {
        return embeddingSize;
    }

    public int maxPositionEmbeddings() {
        return maxPositionEmbeddings;
    }

    /** {@code type_vocab_size}; 0 for DistilBERT (no segment embeddings). */
    public int typeVocabSize() {
        return typeVocabSize;
    }

    /** {@code layer_norm_eps}; 1e-12 for DistilBERT (hard-coded there). */
    public double layerNormEps() {
        return layerNormEps;
    }

    /** {@code hidden_act}, or DistilBERT's {@code activation}. */
    public String hiddenAct() {
        return hiddenAct;
    }

    public int padTokenId() {
        return padTokenId;
    }

    public int numHiddenGroups() {
        return numHiddenGroups;
    }

    public int innerGroupNum() {
        return innerGroupNum;
    }

    public boolean tiedDecoderWritten() {
        return tiedDecoderWritten;
    }

    @Override
    public String toString() {
        return family + "/" + head + " (" + architecture + ", " + weights.size() + " tensors)";
    }

    // ------------------------------------------------------------------------------------------ random weights

    private static final class Generator {
        final Random random;
        final Map<String, float[]> weights = new LinkedHashMap<>();
        final Map<String, int[]> shapes = new LinkedHashMap<>();

        Generator(Random random) {
            this.random = random;
        }

        void put(String name, int[] shape, double mean, double std) {
            if (weights.containsKey(name)) {
                throw new IllegalStateException("Duplicate parameter " + name);
            }
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            float[] w = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = (float) (mean + std * random.nextGaussian());
            }
            weights.put(name, w);
            shapes.put(name, shape);
        }

        void matrix(String name, int rows, int cols) {
            put(name, new int[] {rows, cols}, 0, 0.2);
        }

        void bias(String name, int n) {
            put(name, new int[] {n}, 0, 0.1);
        }

        void linear(String name, int out, int in) {
            matrix(name + ".weight", out, in);
            bias(name + ".bias", out);
        }

        /** A LayerNorm, without bias ({@code nn.LayerNorm(bias=False)}: the weight alone) unless asked. */
        void norm(String name, int n, boolean bias) {
            put(name + ".weight", new int[] {n}, 1, 0.1);
            if (bias) {
                bias(name + ".bias", n);
            }
        }

        /** A linear layer, without bias ({@code nn.Linear(bias=False)}) unless asked. */
        void dense(String name, int out, int in, boolean bias) {
            matrix(name + ".weight", out, in);
            if (bias) {
                bias(name + ".bias", out);
            }
        }

        void layerNorm(String name, int n) {
            put(name + ".weight", new int[] {n}, 1, 0.1);
            bias(name + ".bias", n);
        }
    }

    /** The names of all parameters, in file order. */
    public List<String> names() {
        return new ArrayList<>(weights.keySet());
    }
}
