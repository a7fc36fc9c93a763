package dev.sparkencoders.reference;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sanity checks of the scalar reference that do not reuse its own code path: results computed by hand in this
 * test on checkpoints edited so that the answer is known, and structural identities (ALBERT layer sharing).
 * Real-weight checks are in {@link RealWeightsReferenceTest}.
 */
class ScalarReferenceTest {

    private static final long[] IDS = {2, 11, 13, 14, 15, 11, 17, 3};
    private static final long[] TYPES = {0, 0, 0, 0, 1, 1, 1, 1};

    @Test
    void erfAndActivationsMatchKnownValues() {
        // erf values from Abramowitz & Stegun table 7.1 / high-precision tables.
        assertEquals(0.0, ScalarReference.erf(0.0));
        assertEquals(0.1124629160182849, ScalarReference.erf(0.1), 1e-15);
        assertEquals(0.5204998778130465, ScalarReference.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, ScalarReference.erf(1.0), 1e-15);
        assertEquals(0.9953222650189527, ScalarReference.erf(2.0), 1e-15);
        assertEquals(-0.9999779095030014, ScalarReference.erf(-3.0), 1e-15);
        assertEquals(2.209049699858544e-05, 1 - ScalarReference.erf(3.0), 1e-15);
        assertEquals(1.541725790028002e-08, 1 - ScalarReference.erf(4.0), 1e-15);
        assertEquals(1.0, ScalarReference.erf(7.0));
        // GELU(1) = 0.5 (1 + erf(1/sqrt 2)) = 0.8413447460685429; tanh form 0.8411919906082768.
        assertEquals(0.8413447460685429, ScalarReference.gelu(1.0), 1e-15);
        assertEquals(-0.15865525393145707, ScalarReference.gelu(-1.0), 1e-15);
        assertEquals(0.8411919906082768, ScalarReference.geluTanh(1.0), 1e-15);
        assertEquals(0.0, ScalarReference.activation("relu", -2.0));
        assertEquals(ScalarReference.geluTanh(0.7), ScalarReference.activation("gelu_new", 0.7));
        assertEquals(ScalarReference.gelu(0.7), ScalarReference.activation("gelu", 0.7));
    }

    /**
     * With every layer's attention-output and FFN-output projections zeroed and unit in-layer LayerNorms, each layer
     * is x -> LN(LN(x)), so the last hidden state is computed here from the embedding tables alone. Checks the
     * embedding sum (incl. RoBERTa's position offset and the token types), the embedding LayerNorm and eps, the
     * ALBERT/ELECTRA projections and the residual wiring.
     */
    @Test
    void zeroedLayersReduceToNormalizedEmbeddings() {
        for (Family family : Family.values()) {
            if (family == Family.MODERNBERT) {
                continue; // pre-LayerNorm, no position table: see modernBertWithoutProjectionsNormalizesTokens
            }
            SyntheticCheckpoint c = SyntheticCheckpoint.create(family, Head.BASE, 7,
                    SyntheticCheckpoint.Options.defaults()).copy();
            for (String name : c.names()) {
                boolean projection = name.contains(".attention.output.dense.") || name.contains(".output.dense.")
                        || name.contains(".attention.dense.") || name.contains(".ffn_output.")
                        || name.contains(".out_lin.") || name.contains(".lin2.");
                boolean norm = !name.startsWith("embeddings") && (name.contains("LayerNorm")
                        || name.contains("layer_norm"));
                if (projection) {
                    Arrays.fill(c.weights().get(name), 0f);
                } else if (norm) {
                    Arrays.fill(c.weights().get(name), name.endsWith(".weight") ? 1f : 0f);
                }
            }
            long[] types = family.robertaArchitecture() || family == Family.DISTILBERT ? null : TYPES;
            double eps = family.robertaArchitecture() ? 1e-5 : 1e-12;
            int e = family == Family.ALBERT || family == Family.ELECTRA ? 16 : 32;
            double[][] expected = new double[IDS.length][];
            for (int t = 0; t < IDS.length; t++) {
                int position = family.robertaArchitecture() ? 1 + 1 + t : t; // padding_idx 1, then 1-based count
                double[] x = new double[e];
                for (int i = 0; i < e; i++) {
                    x[i] = (double) c.weight("embeddings.word_embeddings.weight")[(int) IDS[t] * e + i]
                            + (double) c.weight("embeddings.position_embeddings.weight")[position * e + i];
                    if (types != null) {
                        x[i] += c.weight("embeddings.token_type_embeddings.weight")[(int) types[t] * e + i];
                    } else if (family.robertaArchitecture()) {
                        x[i] += c.weight("embeddings.token_type_embeddings.weight")[i];
                    }
                }
                x = norm(x, c.weight("embeddings.LayerNorm.weight"), c.weight("embeddings.LayerNorm.bias"), eps);
                if (family == Family.ALBERT) {
                    x = dense(c, "encoder.embedding_hidden_mapping_in", x);
                } else if (family == Family.ELECTRA) {
                    x = dense(c, "embeddings_project", x);
                }
                for (int k = 0; k < 2 * c.numHiddenLayers(); k++) {
                    x = norm(x, null, null, eps);
                }
                expected[t] = x;
            }
            double[][] actual = new ScalarReference(c).lastHiddenState(IDS, types);
            assertClose(expected, actual, 1e-12, family.toString());
        }
    }

    /**
     * Zero query and key projections make every attention row uniform, so each token's context is the mean of the
     * value vectors; with the FFN zeroed the layer output is known by hand. Checks softmax, the value path, the
     * attention output projection, both residuals and LayerNorms.
     */
    @Test
    void uniformAttentionAveragesValues() {
        SyntheticCheckpoint c = SyntheticCheckpoint.create(Family.BERT, Head.BASE, 11,
                SyntheticCheckpoint.Options.defaults().withLayers(1)).copy();
        for (String part : List.of("query", "key")) {
            Arrays.fill(c.weights().get("encoder.layer.0.attention.self." + part + ".weight"), 0f);
        }
        // The query and key biases stay: every query is b_q and every key b_k, so all scores in a row are equal.
        // The FFN output matrix is zeroed, so the FFN adds only its output bias.
        Arrays.fill(c.weights().get("encoder.layer.0.output.dense.weight"), 0f);
        ScalarReference ref = new ScalarReference(c);
        double[][] x = ref.embeddingOutput(IDS, TYPES);
        double[] meanValue = new double[32];
        for (double[] row : x) {
            double[] v = dense(c, "encoder.layer.0.attention.self.value", row);
            for (int i = 0; i < 32; i++) {
                meanValue[i] += v[i] / x.length;
            }
        }
        double[] attnOut = dense(c, "encoder.layer.0.attention.output.dense", meanValue);
        double[] ffnOut = toDouble(c.weight("encoder.layer.0.output.dense.bias"));
        double[][] expected = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double[] a = new double[32];
            for (int i = 0; i < 32; i++) {
                a[i] = x[t][i] + attnOut[i];
            }
            a = norm(a, c.weight("encoder.layer.0.attention.output.LayerNorm.weight"),
                    c.weight("encoder.layer.0.attention.output.LayerNorm.bias"), 1e-12);
            double[] o = new double[32];
            for (int i = 0; i < 32; i++) {
                o[i] = a[i] + ffnOut[i];
            }
            expected[t] = norm(o, c.weight("encoder.layer.0.output.LayerNorm.weight"),
                    c.weight("encoder.layer.0.output.LayerNorm.bias"), 1e-12);
        }
        assertClose(expected, ref.lastHiddenState(IDS, TYPES), 1e-12, "uniform attention");
        // And the unedited model does not attend uniformly (the check above is not vacuous).
        SyntheticCheckpoint original = SyntheticCheckpoint.create(Family.BERT, Head.BASE, 11,
                SyntheticCheckpoint.Options.defaults().withLayers(1));
        assertTrue(maxDiff(expected, new ScalarReference(original).lastHiddenState(IDS, TYPES)) > 1e-2);
    }

    @Test
    void robertaPositionsStartAfterThePaddingIndex() {
        assertArrayEquals(new long[] {2, 3, 4, 5}, ScalarReference.robertaPositionIds(new long[] {0, 9, 9, 2}, 1));
        assertArrayEquals(new long[] {2, 3, 1, 1}, ScalarReference.robertaPositionIds(new long[] {0, 2, 1, 1}, 1));
        SyntheticCheckpoint roberta = SyntheticCheckpoint.create(Family.ROBERTA, Head.BASE, 1,
                SyntheticCheckpoint.Options.defaults());
        assertArrayEquals(new long[] {2, 3, 4}, new ScalarReference(roberta).positionIds(new long[] {0, 50, 2}));
        // 64 tokens use positions 2..65, the last row of the 66-row table; 65 do not fit.
        long[] longest = new long[64];
        Arrays.fill(longest, 50);
        assertEquals(64, new ScalarReference(roberta).lastHiddenState(longest, null).length);
        assertThrows(IllegalArgumentException.class,
                () -> new ScalarReference(roberta).lastHiddenState(new long[65], null));
        // RoBERTa has a single token type.
        assertThrows(IllegalArgumentException.class,
                () -> new ScalarReference(roberta).lastHiddenState(new long[] {0, 50, 2}, new long[] {0, 1, 1}));
    }

    /**
     * ALBERT layer sharing: 4 layers in 2 groups run groups [0, 0, 1, 1] (HF: group = int(l / (layers / groups))),
     * which equals a 4-group model whose groups are copies [G0, G0, G1, G1]; 1 group / 4 layers equals 4 copies of
     * G0. A wrong mapping such as l % groups ([0, 1, 0, 1]) fails.
     */
    @Test
    void albertLayerGroupsAreSharedInBlocks() {
        SyntheticCheckpoint twoGroups = SyntheticCheckpoint.create(Family.ALBERT, Head.BASE, 3,
                SyntheticCheckpoint.Options.defaults().withLayers(4).withHiddenGroups(2));
        double[][] shared = new ScalarReference(twoGroups).lastHiddenState(IDS, TYPES);
        assertClose(shared, new ScalarReference(unrolled(twoGroups, 0, 0, 1, 1)).lastHiddenState(IDS, TYPES), 0,
                "groups [0,0,1,1]");
        assertTrue(maxDiff(shared, new ScalarReference(unrolled(twoGroups, 0, 1, 0, 1))
                .lastHiddenState(IDS, TYPES)) > 1e-3, "interleaved groups must differ");

        SyntheticCheckpoint oneGroup = SyntheticCheckpoint.create(Family.ALBERT, Head.BASE, 4,
                SyntheticCheckpoint.Options.defaults().withLayers(4).withHiddenGroups(1));
        assertClose(new ScalarReference(oneGroup).lastHiddenState(IDS, TYPES),
                new ScalarReference(unrolled(oneGroup, 0, 0, 0, 0)).lastHiddenState(IDS, TYPES), 0, "1 group");
        SyntheticCheckpoint twoLayers = SyntheticCheckpoint.create(Family.ALBERT, Head.BASE, 4,
                SyntheticCheckpoint.Options.defaults().withLayers(2).withHiddenGroups(1));
        assertTrue(maxDiff(new ScalarReference(oneGroup).lastHiddenState(IDS, TYPES),
                new ScalarReference(twoLayers).lastHiddenState(IDS, TYPES)) > 1e-3, "layer count matters");
        assertEquals(List.of(0, 0, 1, 1), List.of(0, 1, 2, 3).stream()
                .map(l -> ScalarReference.albertGroup(l, 4, 2)).toList());
        assertEquals(List.of(0, 0, 0, 1, 1, 1), List.of(0, 1, 2, 3, 4, 5).stream()
                .map(l -> ScalarReference.albertGroup(l, 6, 2)).toList());
    }

    /** A 4-group, 4-layer copy of {@code source} whose group g holds source group {@code groups[g]}. */
    private static SyntheticCheckpoint unrolled(SyntheticCheckpoint source, int... groups) {
        java.nio.file.Path dir;
        try {
            dir = java.nio.file.Files.createTempDirectory("albert-unrolled");
            SyntheticCheckpoint target = SyntheticCheckpoint.create(Family.ALBERT, Head.BASE, 99,
                    SyntheticCheckpoint.Options.defaults().withLayers(4).withHiddenGroups(4));
            for (String name : target.names()) {
                String from = name;
                if (name.startsWith("encoder.albert_layer_groups.")) {
                    int g = Integer.parseInt(name.split("\\.")[2]);
                    from = name.replaceFirst("^encoder\\.albert_layer_groups\\.\\d+\\.",
                            "encoder.albert_layer_groups." + groups[g] + ".");
                }
                System.arraycopy(source.weight(from), 0, target.weights().get(name), 0, source.weight(from).length);
            }
            target.save(dir);
            return SyntheticCheckpoint.load(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Head wiring, each head recomputed by hand from the reference's last hidden state: the parts the body tests do
     * not reach (which token is pooled, which activation, the tied decoder, the bias).
     */
    @Test
    void headsUseTheirOwnActivationsAndTokens() {
        // ELECTRA classification uses exact GELU on token 0, not tanh and not gelu_new.
        SyntheticCheckpoint electra = SyntheticCheckpoint.create(Family.ELECTRA, Head.SEQUENCE_CLASSIFICATION, 5,
                SyntheticCheckpoint.Options.defaults());
        ScalarReference er = new ScalarReference(electra);
        double[] h0 = er.lastHiddenState(IDS, TYPES)[0];
        double[] hidden = dense(electra, "classifier.dense", h0);
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = 0.5 * hidden[i] * (1 + ScalarReference.erf(hidden[i] / Math.sqrt(2)));
        }
        assertArrayEquals(dense(electra, "classifier.out_proj", hidden), er.sequenceLogits(IDS, TYPES), 1e-12);

        // DistilBERT: ReLU between pre_classifier and classifier, on token 0.
        SyntheticCheckpoint distil = SyntheticCheckpoint.create(Family.DISTILBERT, Head.SEQUENCE_CLASSIFICATION, 5,
                SyntheticCheckpoint.Options.defaults());
        ScalarReference dr = new ScalarReference(distil);
        double[] d0 = dense(distil, "pre_classifier", dr.lastHiddenState(IDS, null)[0]);
        for (int i = 0; i < d0.length; i++) {
            d0[i] = Math.max(0, d0[i]);
        }
        assertArrayEquals(dense(distil, "classifier", d0), dr.sequenceLogits(IDS, null), 1e-12);
        // DistilBERT ignores token types entirely.
        assertClose(dr.lastHiddenState(IDS, null), dr.lastHiddenState(IDS, TYPES), 0, "distilbert types");

        // BERT NSP: on the tanh pooler of token 0.
        SyntheticCheckpoint nsp = SyntheticCheckpoint.create(Family.BERT, Head.NSP, 5,
                SyntheticCheckpoint.Options.defaults());
        ScalarReference nr = new ScalarReference(nsp);
        double[] pooled = dense(nsp, "bert.pooler.dense", nr.lastHiddenState(IDS, TYPES)[0]);
        for (int i = 0; i < pooled.length; i++) {
            pooled[i] = Math.tanh(pooled[i]);
        }
        assertArrayEquals(pooled, nr.pooled(IDS, TYPES), 1e-12);
        assertArrayEquals(dense(nsp, "cls.seq_relationship", pooled), nr.nspLogits(IDS, TYPES), 1e-12);
        assertEquals(2, nr.nspLogits(IDS, TYPES).length);

        // MLM decoder tied to the word embeddings: logit(v) moves with word_embeddings row v only.
        SyntheticCheckpoint mlm = SyntheticCheckpoint.create(Family.BERT, Head.MASKED_LM, 5,
                SyntheticCheckpoint.Options.defaults()).copy();
        long[] ids = {2, 20, 4, 3};
        double[][] before = new ScalarReference(mlm).mlmLogits(ids, null);
        assertEquals(mlm.vocabSize(), before[2].length);
        float[] word = mlm.weights().get("bert.embeddings.word_embeddings.weight");
        int unused = 100; // not among the inputs, so only the decoder sees this row
        for (int i = 0; i < 32; i++) {
            word[unused * 32 + i] *= 2;
        }
        mlm.weights().get("cls.predictions.bias")[unused] += 1f;
        double[][] after = new ScalarReference(mlm).mlmLogits(ids, null);
        double bias = mlm.weight("cls.predictions.bias")[unused];
        for (int t = 0; t < ids.length; t++) {
            for (int v = 0; v < mlm.vocabSize(); v++) {
                if (v == unused) {
                    assertEquals(2 * (before[t][v] - (bias - 1)) + bias, after[t][v], 1e-6);
                } else {
                    assertEquals(before[t][v], after[t][v], 0);
                }
            }
        }

        // Heads that do not exist are refused, not silently computed.
        assertThrows(IllegalStateException.class, () -> new ScalarReference(mlm).pooled(ids, null));
        assertThrows(IllegalStateException.class, () -> new ScalarReference(mlm).sopLogits(ids, null));
        assertThrows(IllegalStateException.class, () -> er.rtdLogits(IDS, TYPES));
    }

    @Test
    void everyHeadProducesFiniteOutputsOfTheRightShape() {
        for (Family family : Family.values()) {
            for (Head head : Head.values()) {
                if (!head.supportedBy(family)) {
                    continue;
                }
                SyntheticCheckpoint c = SyntheticCheckpoint.create(family, head, 9,
                        SyntheticCheckpoint.Options.defaults());
                ScalarReference r = new ScalarReference(c);
                long[] types = family.robertaArchitecture() ? null : TYPES;
                long cls = c.tokenizer().clsId();
                long sep = c.tokenizer().sepId();
                long[] ids = family.robertaArchitecture() ? new long[] {cls, 100, 101, sep, sep, 102, 103, sep} : IDS;
                double[][] h = r.lastHiddenState(ids, types);
                assertEquals(ids.length, h.length);
                assertEquals(32, h[0].length);
                switch (head) {
                    case BASE -> {
                        if (family != Family.ELECTRA && family != Family.DISTILBERT && family != Family.MODERNBERT) {
                            assertEquals(32, r.pooled(ids, types).length);
                        }
                    }
                    case SEQUENCE_CLASSIFICATION, MULTI_LABEL_CLASSIFICATION ->
                            assertFinite(new double[][] {r.sequenceLogits(ids, types)}, 3);
                    case TOKEN_CLASSIFICATION -> assertFinite(r.tokenLogits(ids, types), 5);
                    case NSP -> assertFinite(new double[][] {r.nspLogits(ids, types)}, 2);
                    case PRETRAINING -> {
                        assertFinite(r.mlmLogits(ids, types), c.vocabSize());
                        assertFinite(new double[][] {family == Family.BERT ? r.nspLogits(ids, types)
                                : r.sopLogits(ids, types)}, 2);
                    }
                    case MASKED_LM -> assertFinite(r.mlmLogits(ids, types), c.vocabSize());
                    case RTD -> assertFinite(new double[][] {r.rtdLogits(ids, types)}, ids.length);
                    case QUESTION_ANSWERING -> assertFinite(r.qaLogits(ids, types), 2);
                }
            }
        }
        // Different seeds, different models.
        assertNotEquals(new ScalarReference(SyntheticCheckpoint.create(Family.BERT, Head.BASE, 1,
                SyntheticCheckpoint.Options.defaults())).lastHiddenState(IDS, TYPES)[0][0],
                new ScalarReference(SyntheticCheckpoint.create(Family.BERT, Head.BASE, 2,
                        SyntheticCheckpoint.Options.defaults())).lastHiddenState(IDS, TYPES)[0][0]);
    }

    // ------------------------------------------------------------------------------------------ ModernBERT

    /**
     * With attn.Wo and mlp.Wo zeroed every pre-LayerNorm layer adds nothing (x + 0), so the last hidden state is
     * final_norm(embeddings.norm(tok_embeddings[id])), both LayerNorms without bias and eps 1e-5.
     */
    @Test
    void modernBertWithoutProjectionsNormalizesTokens() {
        SyntheticCheckpoint c = SyntheticCheckpoint.create(Family.MODERNBERT, Head.BASE, 7,
                SyntheticCheckpoint.Options.defaults().withLayers(3)).copy();
        for (String name : c.names()) {
            if (name.endsWith("attn.Wo.weight") || name.endsWith("mlp.Wo.weight")) {
                Arrays.fill(c.weights().get(name), 0f);
            }
        }
        double[][] expected = new double[IDS.length][];
        for (int t = 0; t < IDS.length; t++) {
            double[] x = new double[32];
            for (int i = 0; i < 32; i++) {
                x[i] = c.weight("embeddings.tok_embeddings.weight")[(int) IDS[t] * 32 + i];
            }
            x = norm(x, c.weight("embeddings.norm.weight"), null, 1e-5);
            expected[t] = norm(x, c.weight("final_norm.weight"), null, 1e-5);
        }
        assertClose(expected, new ScalarReference(c).lastHiddenState(IDS, null), 1e-12, "modernbert");
        // Token types do not exist for ModernBERT.
        assertClose(new ScalarReference(c).lastHiddenState(IDS, null), new ScalarReference(c).lastHiddenState(IDS, TYPES),
                0, "modernbert types");
    }

    /**
     * Layer 0 is global and layer 1 local (global_attn_every_n_layers 2, local_attention 8). With layer 0's attention
     * output zeroed, layer 0 mixes no tokens, so after layer 1 token i depends only on tokens j with |i - j| <= 4:
     * changing token 15 of 16 changes positions 11..15 and leaves 0..10 exactly as they were. With every layer
     * global, every position changes.
     */
    @Test
    void modernBertLocalLayersAttendWithinHalfTheWindow() {
        SyntheticCheckpoint c = SyntheticCheckpoint.create(Family.MODERNBERT, Head.BASE, 13,
                SyntheticCheckpoint.Options.defaults()).copy();
        Arrays.fill(c.weights().get("layers.0.attn.Wo.weight"), 0f);
        ScalarReference local = new ScalarReference(c);
        assertTrue(local.modernBertGlobal(0));
        assertTrue(!local.modernBertGlobal(1));
        long[] ids = new long[16];
        for (int t = 0; t < ids.length; t++) {
            ids[t] = 40 + 7 * t;
        }
        long[] changed = ids.clone();
        changed[15] = 300;
        double[][] before = local.lastHiddenState(ids, null);
        double[][] after = local.lastHiddenState(changed, null);
        for (int t = 0; t < ids.length; t++) {
            double diff = maxDiff(new double[][] {before[t]}, new double[][] {after[t]});
            if (t < 11) {
                assertEquals(0, diff, "position " + t + " is outside the window of token 15");
            } else {
                assertTrue(diff > 1e-6, "position " + t + " is inside the window of token 15");
            }
        }
        ScalarReference global = new ScalarReference(c.withConfig("global_attn_every_n_layers", 1));
        double[][] globalAfter = global.lastHiddenState(changed, null);
        assertTrue(maxDiff(new double[][] {global.lastHiddenState(ids, null)[0]}, new double[][] {globalAfter[0]})
                > 1e-6, "a global layer lets token 0 see token 15");
    }

    /** rotate_half turns element a with element a + d/2 by position * theta^(-2k/d); scores see only i - j. */
    @Test
    void rotaryTurnsHalvesByPositionTimesFrequency() {
        double[] x = {1, 2, 3, 4};
        // d = 4: elements 0 and 2 turn by 1 rad per position, elements 1 and 3 by 1/100 (theta 10000^(-2/4)).
        double[] y = ScalarReference.rotary(x, 1, 10_000);
        assertArrayEquals(new double[] {
                1 * Math.cos(1) - 3 * Math.sin(1),
                2 * Math.cos(0.01) - 4 * Math.sin(0.01),
                3 * Math.cos(1) + 1 * Math.sin(1),
                4 * Math.cos(0.01) + 2 * Math.sin(0.01)}, y, 1e-15);
        assertArrayEquals(x, ScalarReference.rotary(x, 0, 10_000), 0);
        double[] q = {0.3, -1.2, 0.7, 2.0, -0.4, 0.9, 1.1, -0.6};
        double[] k = {1.5, 0.2, -0.8, 0.4, 0.6, -1.3, 0.1, 0.9};
        double near = dot(ScalarReference.rotary(q, 7, 160_000), ScalarReference.rotary(k, 3, 160_000));
        double shifted = dot(ScalarReference.rotary(q, 27, 160_000), ScalarReference.rotary(k, 23, 160_000));
        assertEquals(near, shifted, 1e-12, "q.k depends on i - j only");
        assertNotEquals(near, dot(ScalarReference.rotary(q, 7, 10_000), ScalarReference.rotary(k, 3, 10_000)),
                "the base matters");
    }

    /**
     * ModernBERT's heads recomputed by hand from the last hidden state: head.norm(gelu_tanh(head.dense(x))) with no
     * dense or norm bias, then the classifier with its bias; classifier_pooling "mean" averages every token, "cls"
     * takes token 0.
     */
    @Test
    void modernBertHeadsPoolThenPredict() {
        for (Head head : List.of(Head.SEQUENCE_CLASSIFICATION, Head.MULTI_LABEL_CLASSIFICATION)) {
            SyntheticCheckpoint c = SyntheticCheckpoint.create(Family.MODERNBERT, head, 5,
                    SyntheticCheckpoint.Options.defaults());
            ScalarReference r = new ScalarReference(c);
            double[][] h = r.lastHiddenState(IDS, null);
            double[] pooled = new double[32];
            if (head == Head.SEQUENCE_CLASSIFICATION) {
                for (double[] row : h) {
                    for (int i = 0; i < 32; i++) {
                        pooled[i] += row[i] / h.length;
                    }
                }
            } else {
                pooled = h[0];
            }
            double[] dense = denseNoBias(c, "head.dense", pooled);
            for (int i = 0; i < dense.length; i++) {
                dense[i] = ScalarReference.geluTanh(dense[i]);
            }
            double[] expected = dense(c, "classifier", norm(dense, c.weight("head.norm.weight"), null, 1e-5));
            assertArrayEquals(expected, r.sequenceLogits(IDS, null), 1e-12, head.toString());
        }
        SyntheticCheckpoint qa = SyntheticCheckpoint.create(Family.MODERNBERT, Head.QUESTION_ANSWERING, 5,
                SyntheticCheckpoint.Options.defaults());
        ScalarReference r = new ScalarReference(qa);
        double[] dense = denseNoBias(qa, "head.dense", r.lastHiddenState(IDS, null)[3]);
        for (int i = 0; i < dense.length; i++) {
            dense[i] = ScalarReference.geluTanh(dense[i]);
        }
        assertArrayEquals(dense(qa, "classifier", norm(dense, qa.weight("head.norm.weight"), null, 1e-5)),
                r.qaLogits(IDS, null)[3], 1e-12);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] denseNoBias(SyntheticCheckpoint c, String name, double[] x) {
        float[] w = c.weight(name + ".weight");
        double[] y = new double[w.length / x.length];
        for (int o = 0; o < y.length; o++) {
            for (int i = 0; i < x.length; i++) {
                y[o] += (double) w[o * x.length + i] * x[i];
            }
        }
        return y;
    }

    // ------------------------------------------------------------------------------------------ helpers (own math)

    private static void assertFinite(double[][] values, int width) {
        for (double[] row : values) {
            assertEquals(width, row.length);
            for (double v : row) {
                assertTrue(Double.isFinite(v));
            }
        }
    }

    /** (x - mean) / sqrt(var + eps) * g + b; g and b null mean 1 and 0. */
    private static double[] norm(double[] x, float[] g, float[] b, double eps) {
        double mean = Arrays.stream(x).average().orElseThrow();
        double var = Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / x.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - mean) / Math.sqrt(var + eps) * (g == null ? 1 : g[i]) + (b == null ? 0 : b[i]);
        }
        return y;
    }

    private static double[] dense(SyntheticCheckpoint c, String name, double[] x) {
        float[] w = c.weight(name + ".weight");
        float[] b = c.weight(name + ".bias");
        double[] y = new double[b.length];
        for (int o = 0; o < y.length; o++) {
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                s += (double) w[o * x.length + i] * x[i];
            }
            y[o] = s + b[o];
        }
        return y;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double maxDiff(double[][] a, double[][] b) {
        double worst = 0;
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[t].length; i++) {
                worst = Math.max(worst, Math.abs(a[t][i] - b[t][i]));
            }
        }
        return worst;
    }

    private static void assertClose(double[][] expected, double[][] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = maxDiff(expected, actual);
        assertTrue(worst <= tolerance, what + ": largest difference " + worst);
    }
}
