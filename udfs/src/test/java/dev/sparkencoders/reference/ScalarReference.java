package dev.sparkencoders.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * An independent forward pass of the BERT-family encoders and their heads, written from HuggingFace transformers'
 * semantics in plain Java with double-precision loops (no DJL, no NDArrays, no project code). It runs one unpadded
 * sequence at a time, so no attention mask is involved; the weights are the checkpoint's float32 values widened to
 * double.
 *
 * <p>What each family does (as in transformers' modeling_*.py):
 * <ul>
 *   <li>Embeddings: word + position + token type (DistilBERT: no token type), then LayerNorm; ALBERT and ELECTRA
 *       embed in {@code embedding_size} and project to the hidden size ({@code encoder.embedding_hidden_mapping_in},
 *       {@code embeddings_project}). Position ids are 0..L-1, except RoBERTa: padding_idx + 1 + the running count of
 *       non-padding tokens (padding tokens get padding_idx), with padding_idx = pad_token_id.</li>
 *   <li>Layer: multi-head self-attention (softmax over keys of q.k / sqrt(head_dim)), output dense, residual,
 *       LayerNorm; feed-forward with {@code hidden_act}, residual, LayerNorm (post-LN). ALBERT layer l runs group
 *       {@code int(l / (num_hidden_layers / num_hidden_groups))}, i.e. each of its inner_group_num layers in
 *       order.</li>
 *   <li>Pooler: tanh(dense(h[0])) (BERT, RoBERTa's bare model, ALBERT).</li>
 *   <li>Sequence classification: BERT/ALBERT classifier(pooled); RoBERTa out_proj(tanh(dense(h[0]))); ELECTRA
 *       out_proj(gelu(dense(h[0]))) with exact GELU; DistilBERT classifier(relu(pre_classifier(h[0]))).</li>
 *   <li>MLM: dense, activation, LayerNorm, then the word-embedding matrix (tied decoder) plus the head's bias.
 *       Activation: BERT and ALBERT {@code hidden_act}; RoBERTa and ELECTRA's generator exact GELU; DistilBERT
 *       {@code activation}. LayerNorm eps: config's (DistilBERT 1e-12).</li>
 *   <li>ModernBERT (modeling_modernbert.py, the padded/eager path): embeddings are LayerNorm(tok_embeddings[id]);
 *       no positions or token types are added. Layer l (pre-LayerNorm) is global when
 *       l % global_attn_every_n_layers == 0, else local: token i attends to j only when |i - j| &lt;=
 *       local_attention / 2 (integer division). h = attn_norm(x) (identity for layer 0); q, k, v are the thirds of
 *       Wqkv(h), per head; q and k are rotated: x * cos + rotate_half(x) * sin with angle p * theta^(-2k/d) for
 *       element k mod d/2 (rotate_half([a, b]) = [-b, a]), theta global_rope_theta or local_rope_theta (a null
 *       local base means the global one); scores q.k / sqrt(d); x += Wo(context); then x += mlp.Wo(act(a) * g)
 *       where [a, g] = mlp.Wi(mlp_norm(x)) and act is hidden_activation; after the last layer final_norm. Biases
 *       exist per attention_bias / mlp_bias / norm_bias. Heads: head.norm(classifier_activation(head.dense(x)))
 *       (dense bias per classifier_bias), then classifier (with bias) for sequence (after classifier_pooling: token 0
 *       or the mean over the tokens), token and QA logits, or the decoder (the token embeddings, bias per
 *       decoder_bias) for MLM.</li>
 * </ul>
 * Dropout is the identity (inference).
 */
public final class ScalarReference {

    private final SyntheticCheckpoint c;
    private final String p;
    private final com.google.gson.JsonObject config;

    public ScalarReference(SyntheticCheckpoint checkpoint) {
        this.c = checkpoint;
        this.p = checkpoint.prefix();
        this.config = checkpoint.config();
    }

    // ------------------------------------------------------------------------------------------ outputs

    /** The encoder's last hidden state, [L][hidden]. {@code typeIds} may be null (all zeros). */
    public double[][] lastHiddenState(long[] ids, long[] typeIds) {
        if (c.family() == Family.MODERNBERT) {
            return modernBertHiddenState(ids);
        }
        double[][] h = embeddingOutput(ids, typeIds);
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            h = layer(l, h);
        }
        return h;
    }

    /** tanh(dense(h[0])): BERT's, ALBERT's and RobertaModel's pooler output. */
    public double[] pooled(long[] ids, long[] typeIds) {
        return pool(lastHiddenState(ids, typeIds));
    }

    /** The sequence-classification logits of the family's head, [num_labels]. */
    public double[] sequenceLogits(long[] ids, long[] typeIds) {
        double[][] h = lastHiddenState(ids, typeIds);
        return switch (c.family()) {
            case MODERNBERT -> linear("classifier", predictionHead(modernBertPool(h)));
            case BERT, ALBERT -> linear("classifier", pool(h));
            case ROBERTA, XLM_ROBERTA, CAMEMBERT -> linear("classifier.out_proj", tanh(linear("classifier.dense", h[0])));
            case ELECTRA -> linear("classifier.out_proj", apply("gelu", linear("classifier.dense", h[0])));
            case DISTILBERT -> linear("classifier", apply("relu", linear("pre_classifier", h[0])));
        };
    }

    /** Per-token classification logits, [L][num_labels]. */
    public double[][] tokenLogits(long[] ids, long[] typeIds) {
        double[][] h = lastHiddenState(ids, typeIds);
        double[][] out = new double[h.length][];
        for (int t = 0; t < h.length; t++) {
            out[t] = linear("classifier", c.family() == Family.MODERNBERT ? predictionHead(h[t]) : h[t]);
        }
        return out;
    }

    /** Question answering: per token, its start and end logits ({@code qa_outputs}), [L][2]. */
    public double[][] qaLogits(long[] ids, long[] typeIds) {
        double[][] h = lastHiddenState(ids, typeIds);
        double[][] out = new double[h.length][];
        for (int t = 0; t < h.length; t++) {
            out[t] = c.family() == Family.MODERNBERT ? linear("classifier", predictionHead(h[t]))
                    : linear("qa_outputs", h[t]);
        }
        return out;
    }

    /** BERT's next-sentence logits on the pooled output; index 0 = "B follows A" (is next). */
    public double[] nspLogits(long[] ids, long[] typeIds) {
        requireFamily(Family.BERT, "NSP");
        return linear("cls.seq_relationship", pooled(ids, typeIds));
    }

    /** ALBERT's sentence-order logits on the pooled output; index 0 = original order (A then B). */
    public double[] sopLogits(long[] ids, long[] typeIds) {
        requireFamily(Family.ALBERT, "SOP");
        return linear("sop_classifier.classifier", pooled(ids, typeIds));
    }

    /** Masked-LM logits over the vocabulary for every token, [L][vocab] (ELECTRA: the generator's). */
    public double[][] mlmLogits(long[] ids, long[] typeIds) {
        double[][] h = lastHiddenState(ids, typeIds);
        if (c.family() == Family.MODERNBERT) {
            return modernBertMlmLogits(h);
        }
        String dense;
        String norm;
        String bias;
        String act;
        switch (c.family()) {
            case BERT -> {
                dense = "cls.predictions.transform.dense";
                norm = "cls.predictions.transform.LayerNorm";
                bias = "cls.predictions.bias";
                act = c.hiddenAct();
            }
            case ROBERTA, XLM_ROBERTA, CAMEMBERT -> {
                dense = "lm_head.dense";
                norm = "lm_head.layer_norm";
                bias = "lm_head.bias";
                act = "gelu";
            }
            case ALBERT -> {
                dense = "predictions.dense";
                norm = "predictions.LayerNorm";
                bias = "predictions.bias";
                act = c.hiddenAct();
            }
            case ELECTRA -> {
                dense = "generator_predictions.dense";
                norm = "generator_predictions.LayerNorm";
                bias = "generator_lm_head.bias";
                act = "gelu";
            }
            case DISTILBERT -> {
                dense = "vocab_transform";
                norm = "vocab_layer_norm";
                bias = "vocab_projector.bias";
                act = c.hiddenAct();
            }
            default -> throw new IllegalStateException();
        }
        float[] embeddings = c.weight(p + "embeddings.word_embeddings.weight");
        float[] b = c.weight(bias);
        int v = c.vocabSize();
        int e = embeddings.length / v;
        double[][] out = new double[h.length][];
        for (int t = 0; t < h.length; t++) {
            double[] x = layerNorm(norm, apply(act, linear(dense, h[t])));
            if (x.length != e) {
                throw new IllegalStateException("MLM transform width " + x.length + " != embedding width " + e);
            }
            out[t] = new double[v];
            for (int w = 0; w < v; w++) {
                double s = b[w];
                int row = w * e;
                for (int i = 0; i < e; i++) {
                    s += embeddings[row + i] * x[i];
                }
                out[t][w] = s;
            }
        }
        return out;
    }

    /** ELECTRA discriminator logits, one per token, [L]; sigmoid gives the probability of "replaced". */
    public double[] rtdLogits(long[] ids, long[] typeIds) {
        requireFamily(Family.ELECTRA, "replaced-token detection");
        double[][] h = lastHiddenState(ids, typeIds);
        double[] out = new double[h.length];
        for (int t = 0; t < h.length; t++) {
            double[] x = apply(c.hiddenAct(), linear("discriminator_predictions.dense", h[t]));
            out[t] = linear("discriminator_predictions.dense_prediction", x)[0];
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ body pieces

    /** The position ids the model uses for a sequence (RoBERTa: from the ids; others: 0..L-1). */
    public long[] positionIds(long[] ids) {
        if (c.family().robertaArchitecture()) {
            return robertaPositionIds(ids, c.padTokenId());
        }
        long[] pos = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            pos[i] = i;
        }
        return pos;
    }

    /**
     * RoBERTa's create_position_ids_from_input_ids: non-padding tokens get padding_idx + their 1-based count among
     * non-padding tokens so far; padding tokens get padding_idx.
     */
    public static long[] robertaPositionIds(long[] ids, int paddingIdx) {
        long[] pos = new long[ids.length];
        long count = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != paddingIdx) {
                count++;
                pos[i] = paddingIdx + count;
            } else {
                pos[i] = paddingIdx;
            }
        }
        return pos;
    }

    /** The input of the first layer, [L][hidden]: embeddings, LayerNorm, and the projection where there is one. */
    public double[][] embeddingOutput(long[] ids, long[] typeIds) {
        if (c.family() == Family.MODERNBERT) {
            throw new IllegalStateException("ModernBERT's embeddings are computed inside its hidden state");
        }
        int len = ids.length;
        if (typeIds != null && typeIds.length != len) {
            throw new IllegalArgumentException("ids and typeIds differ in length");
        }
        long[] pos = positionIds(ids);
        float[] word = c.weight(p + "embeddings.word_embeddings.weight");
        float[] position = c.weight(p + "embeddings.position_embeddings.weight");
        float[] type = c.typeVocabSize() > 0 ? c.weight(p + "embeddings.token_type_embeddings.weight") : null;
        int e = word.length / c.vocabSize();
        double[][] out = new double[len][];
        for (int t = 0; t < len; t++) {
            long id = ids[t];
            long tt = typeIds == null ? 0 : typeIds[t];
            if (id < 0 || id >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary");
            }
            if (pos[t] >= c.maxPositionEmbeddings()) {
                throw new IllegalArgumentException("position " + pos[t] + " >= max_position_embeddings");
            }
            if (type != null && (tt < 0 || tt >= c.typeVocabSize())) {
                throw new IllegalArgumentException("token type " + tt + " outside type_vocab_size "
                        + c.typeVocabSize());
            }
            double[] x = new double[e];
            for (int i = 0; i < e; i++) {
                double s = (double) word[(int) id * e + i] + (double) position[(int) pos[t] * e + i];
                if (type != null) {
                    s += type[(int) tt * e + i];
                }
                x[i] = s;
            }
            x = layerNorm(p + "embeddings.LayerNorm", x);
            if (c.family() == Family.ALBERT) {
                x = linear(p + "encoder.embedding_hidden_mapping_in", x);
            } else if (c.family() == Family.ELECTRA && c.has(p + "embeddings_project.weight")) {
                x = linear(p + "embeddings_project", x);
            }
            out[t] = x;
        }
        return out;
    }

    /** Applies encoder layer {@code l} (for ALBERT: the layer group that layer {@code l} runs). */
    public double[][] layer(int l, double[][] x) {
        return switch (c.family()) {
            case MODERNBERT -> modernBertLayer(l, x);
            case BERT, ROBERTA, XLM_ROBERTA, CAMEMBERT, ELECTRA -> {
                String s = p + "encoder.layer." + l + ".";
                yield transformerLayer(x, s + "attention.self.query", s + "attention.self.key",
                        s + "attention.self.value", s + "attention.output.dense", s + "attention.output.LayerNorm",
                        s + "intermediate.dense", s + "output.dense", s + "output.LayerNorm");
            }
            case DISTILBERT -> {
                String s = p + "transformer.layer." + l + ".";
                yield transformerLayer(x, s + "attention.q_lin", s + "attention.k_lin", s + "attention.v_lin",
                        s + "attention.out_lin", s + "sa_layer_norm", s + "ffn.lin1", s + "ffn.lin2",
                        s + "output_layer_norm");
            }
            case ALBERT -> {
                int group = albertGroup(l, c.numHiddenLayers(), c.numHiddenGroups());
                double[][] h = x;
                for (int inner = 0; inner < c.innerGroupNum(); inner++) {
                    String s = p + "encoder.albert_layer_groups." + group + ".albert_layers." + inner + ".";
                    h = transformerLayer(h, s + "attention.query", s + "attention.key", s + "attention.value",
                            s + "attention.dense", s + "attention.LayerNorm", s + "ffn", s + "ffn_output",
                            s + "full_layer_layer_norm");
                }
                yield h;
            }
        };
    }

    /** ALBERT's group index for layer {@code l}: {@code int(l / (num_hidden_layers / num_hidden_groups))}. */
    public static int albertGroup(int l, int layers, int groups) {
        return (int) (l / ((double) layers / groups));
    }

    private double[][] transformerLayer(double[][] x, String q, String k, String v, String attnOut,
                                        String attnNorm, String ffnIn, String ffnOut, String outNorm) {
        int len = x.length;
        int hidden = c.hiddenSize();
        int heads = c.numAttentionHeads();
        int d = hidden / heads;
        double scale = 1.0 / Math.sqrt(d);
        double[][] qs = new double[len][];
        double[][] ks = new double[len][];
        double[][] vs = new double[len][];
        for (int t = 0; t < len; t++) {
            qs[t] = linear(q, x[t]);
            ks[t] = linear(k, x[t]);
            vs[t] = linear(v, x[t]);
        }
        double[][] context = new double[len][hidden];
        double[] scores = new double[len];
        for (int hd = 0; hd < heads; hd++) {
            int off = hd * d;
            for (int i = 0; i < len; i++) {
                for (int j = 0; j < len; j++) {
                    double s = 0;
                    for (int a = 0; a < d; a++) {
                        s += qs[i][off + a] * ks[j][off + a];
                    }
                    scores[j] = s * scale;
                }
                double[] probs = softmax(scores);
                for (int j = 0; j < len; j++) {
                    for (int a = 0; a < d; a++) {
                        context[i][off + a] += probs[j] * vs[j][off + a];
                    }
                }
            }
        }
        double[][] out = new double[len][];
        for (int t = 0; t < len; t++) {
            double[] attn = add(linear(attnOut, context[t]), x[t]);
            attn = layerNorm(attnNorm, attn);
            double[] inner = apply(c.hiddenAct(), linear(ffnIn, attn));
            out[t] = layerNorm(outNorm, add(linear(ffnOut, inner), attn));
        }
        return out;
    }

    private double[] pool(double[][] h) {
        String name = c.family() == Family.ALBERT ? p + "pooler" : p + "pooler.dense";
        if (!c.has(name + ".weight")) {
            throw new IllegalStateException(c + " has no pooler (" + name + ".weight)");
        }
        return tanh(linear(name, h[0]));
    }

    private void requireFamily(Family family, String what) {
        if (c.family() != family) {
            throw new IllegalStateException(what + " exists only for " + family + ", not " + c.family());
        }
    }

    // ------------------------------------------------------------------------------------------ ModernBERT

    private double[][] modernBertHiddenState(long[] ids) {
        int hidden = c.hiddenSize();
        float[] tokens = c.weight(p + "embeddings.tok_embeddings.weight");
        double[][] x = new double[ids.length][];
        for (int t = 0; t < ids.length; t++) {
            if (ids[t] < 0 || ids[t] >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + ids[t] + " outside the vocabulary");
            }
            double[] e = new double[hidden];
            for (int i = 0; i < hidden; i++) {
                e[i] = tokens[(int) ids[t] * hidden + i];
            }
            x[t] = modernNorm(p + "embeddings.norm", e);
        }
        if (ids.length > c.maxPositionEmbeddings()) {
            throw new IllegalArgumentException(ids.length + " tokens > max_position_embeddings");
        }
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            x = modernBertLayer(l, x);
        }
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            out[t] = modernNorm(p + "final_norm", x[t]);
        }
        return out;
    }

    /** True when ModernBERT layer {@code l} attends globally: l % global_attn_every_n_layers == 0. */
    public boolean modernBertGlobal(int l) {
        return l % intConfig("global_attn_every_n_layers", 3) == 0;
    }

    private double[][] modernBertLayer(int l, double[][] x) {
        String s = p + "layers." + l + ".";
        int len = x.length;
        int hidden = c.hiddenSize();
        int heads = c.numAttentionHeads();
        int d = hidden / heads;
        boolean global = modernBertGlobal(l);
        double globalTheta = doubleConfig("global_rope_theta", 160_000.0);
        double theta = global ? globalTheta
                : config.has("local_rope_theta") && config.get("local_rope_theta").isJsonNull() ? globalTheta
                : doubleConfig("local_rope_theta", 10_000.0);
        int halfWindow = intConfig("local_attention", 128) / 2;
        boolean attentionBias = flag("attention_bias", false);
        double[][] qs = new double[len][hidden];
        double[][] ks = new double[len][hidden];
        double[][] vs = new double[len][hidden];
        for (int t = 0; t < len; t++) {
            double[] h = l == 0 ? x[t] : modernNorm(s + "attn_norm", x[t]);
            double[] qkv = linear(s + "attn.Wqkv", h, attentionBias);
            for (int hd = 0; hd < heads; hd++) {
                double[] q = new double[d];
                double[] k = new double[d];
                for (int a = 0; a < d; a++) {
                    q[a] = qkv[hd * d + a];
                    k[a] = qkv[hidden + hd * d + a];
                    vs[t][hd * d + a] = qkv[2 * hidden + hd * d + a];
                }
                System.arraycopy(rotary(q, t, theta), 0, qs[t], hd * d, d);
                System.arraycopy(rotary(k, t, theta), 0, ks[t], hd * d, d);
            }
        }
        double scale = 1.0 / Math.sqrt(d);
        double[][] context = new double[len][hidden];
        for (int hd = 0; hd < heads; hd++) {
            int off = hd * d;
            for (int i = 0; i < len; i++) {
                List<Integer> keys = new ArrayList<>();
                for (int j = 0; j < len; j++) {
                    if (global || Math.abs(i - j) <= halfWindow) {
                        keys.add(j);
                    }
                }
                double[] scores = new double[keys.size()];
                for (int n = 0; n < keys.size(); n++) {
                    int j = keys.get(n);
                    double sum = 0;
                    for (int a = 0; a < d; a++) {
                        sum += qs[i][off + a] * ks[j][off + a];
                    }
                    scores[n] = sum * scale;
                }
                double[] probs = softmax(scores);
                for (int n = 0; n < keys.size(); n++) {
                    int j = keys.get(n);
                    for (int a = 0; a < d; a++) {
                        context[i][off + a] += probs[n] * vs[j][off + a];
                    }
                }
            }
        }
        boolean mlpBias = flag("mlp_bias", false);
        int inner = c.intermediateSize();
        String act = textConfig("hidden_activation", "gelu");
        double[][] out = new double[len][];
        for (int t = 0; t < len; t++) {
            double[] attended = add(x[t], linear(s + "attn.Wo", context[t], attentionBias));
            double[] wi = linear(s + "mlp.Wi", modernNorm(s + "mlp_norm", attended), mlpBias);
            double[] gated = new double[inner];
            for (int i = 0; i < inner; i++) {
                gated[i] = activation(act, wi[i]) * wi[inner + i];
            }
            out[t] = add(attended, linear(s + "mlp.Wo", gated, mlpBias));
        }
        return out;
    }

    /**
     * The rotary embedding of one head's vector at {@code position}: x * cos + rotate_half(x) * sin, where element a
     * turns by position * theta^(-2k/d) with k = a mod d/2, and rotate_half([x1, x2]) = [-x2, x1].
     */
    public static double[] rotary(double[] x, int position, double theta) {
        int d = x.length;
        int half = d / 2;
        double[] y = new double[d];
        for (int a = 0; a < d; a++) {
            int k = a % half;
            double angle = position * Math.pow(theta, -2.0 * k / d);
            double rotated = a < half ? -x[a + half] : x[a - half];
            y[a] = x[a] * Math.cos(angle) + rotated * Math.sin(angle);
        }
        return y;
    }

    /** ModernBERT's classifier_pooling: token 0 ("cls") or the mean of all tokens ("mean"). */
    private double[] modernBertPool(double[][] h) {
        String pooling = textConfig("classifier_pooling", "cls");
        if (pooling.equals("cls")) {
            return h[0];
        }
        if (!pooling.equals("mean")) {
            throw new IllegalStateException("classifier_pooling " + pooling);
        }
        double[] mean = new double[h[0].length];
        for (double[] row : h) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += row[i] / h.length;
            }
        }
        return mean;
    }

    /** ModernBertPredictionHead: head.norm(classifier_activation(head.dense(x))). */
    private double[] predictionHead(double[] x) {
        double[] dense = linear("head.dense", x, flag("classifier_bias", false));
        return modernNorm("head.norm", apply(textConfig("classifier_activation", "gelu"), dense));
    }

    private double[][] modernBertMlmLogits(double[][] h) {
        float[] embeddings = c.weight(p + "embeddings.tok_embeddings.weight");
        float[] bias = flag("decoder_bias", true) ? c.weight("decoder.bias") : null;
        int v = c.vocabSize();
        int e = c.hiddenSize();
        double[][] out = new double[h.length][];
        for (int t = 0; t < h.length; t++) {
            double[] x = predictionHead(h[t]);
            out[t] = new double[v];
            for (int w = 0; w < v; w++) {
                double s = bias == null ? 0 : bias[w];
                for (int i = 0; i < e; i++) {
                    s += embeddings[w * e + i] * x[i];
                }
                out[t][w] = s;
            }
        }
        return out;
    }

    /** A ModernBERT LayerNorm: bias only when norm_bias is true. */
    private double[] modernNorm(String name, double[] x) {
        float[] gamma = c.weight(name + ".weight");
        float[] beta = flag("norm_bias", false) ? c.weight(name + ".bias") : new float[x.length];
        return layerNorm(x, gamma, beta, doubleConfig("norm_eps", 1e-5));
    }

    private boolean flag(String key, boolean fallback) {
        return config.has(key) && !config.get(key).isJsonNull() ? config.get(key).getAsBoolean() : fallback;
    }

    private int intConfig(String key, int fallback) {
        return config.has(key) && !config.get(key).isJsonNull() ? config.get(key).getAsInt() : fallback;
    }

    private double doubleConfig(String key, double fallback) {
        return config.has(key) && !config.get(key).isJsonNull() ? config.get(key).getAsDouble() : fallback;
    }

    private String textConfig(String key, String fallback) {
        return config.has(key) && !config.get(key).isJsonNull() ? config.get(key).getAsString() : fallback;
    }

    // ------------------------------------------------------------------------------------------ math

    /** y = W x + b with PyTorch's nn.Linear layout (W is [out][in], row-major). */
    double[] linear(String name, double[] x) {
        return linear(name, x, true);
    }

    /** y = W x [+ b]: {@code bias} false for a layer built with {@code bias=False}. */
    double[] linear(String name, double[] x, boolean bias) {
        float[] w = c.weight(name + ".weight");
        int in = x.length;
        int out = w.length / in;
        float[] b = bias ? c.weight(name + ".bias") : new float[out];
        if (b.length != out) {
            throw new IllegalStateException(name + ".bias has " + b.length + " values, expected " + out);
        }
        if (w.length != out * in) {
            throw new IllegalStateException(name + ".weight has " + w.length + " values, expected " + out + "x" + in);
        }
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = b[o];
            int row = o * in;
            for (int i = 0; i < in; i++) {
                s += w[row + i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    /** LayerNorm with the checkpoint's eps, gamma {@code name.weight}, beta {@code name.bias}. */
    double[] layerNorm(String name, double[] x) {
        return layerNorm(x, c.weight(name + ".weight"), c.weight(name + ".bias"), c.layerNormEps());
    }

    /** LayerNorm over the last axis: (x - mean) / sqrt(biased variance + eps) * gamma + beta. */
    public static double[] layerNorm(double[] x, float[] gamma, float[] beta, double eps) {
        int n = x.length;
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= n;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= n;
        double inv = 1.0 / Math.sqrt(var + eps);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
        }
        return y;
    }

    /** Numerically stable softmax. */
    public static double[] softmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.exp(x[i] - max);
            sum += y[i];
        }
        for (int i = 0; i < x.length; i++) {
            y[i] /= sum;
        }
        return y;
    }

    public static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** Applies a HuggingFace activation by its config name to every element. */
    public static double[] apply(String activation, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = activation(activation, x[i]);
        }
        return y;
    }

    /** A HuggingFace ACT2FN activation by name. */
    public static double activation(String name, double x) {
        return switch (name) {
            case "gelu", "gelu_python" -> gelu(x);
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> geluTanh(x);
            case "relu" -> Math.max(0, x);
            case "tanh" -> Math.tanh(x);
            case "silu", "swish" -> x * sigmoid(x);
            default -> throw new IllegalArgumentException("Unsupported activation " + name);
        };
    }

    /** Exact GELU: 0.5 x (1 + erf(x / sqrt 2)). */
    public static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** The tanh approximation (HuggingFace gelu_new): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    public static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    /**
     * The error function to about 1e-15 absolute: for |x| &lt;= 6 the everywhere-positive series
     * erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)) (no cancellation); beyond, erf = ±1
     * within 2e-17.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax > 6) {
            return Math.signum(x);
        }
        double x2 = ax * ax;
        double term = ax;
        double sum = ax;
        for (int n = 1; n < 500; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        double r = 2 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
        return Math.copySign(Math.min(r, 1.0), x);
    }

    private static double[] tanh(double[] x) {
        return apply("tanh", x);
    }

    private static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }
}
