package dev.sparkencoders.reference;

import dev.sparkencoders.model.Tensor;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthetic checkpoints' files: names, shapes, config keys, safetensors layout, and the tokenizers in DJL. */
class SyntheticCheckpointTest {

    @TempDir
    Path tmp;

    @Test
    void everySupportedHeadWritesAndReadsBack() throws IOException {
        int combos = 0;
        for (Family family : Family.values()) {
            for (Head head : Head.values()) {
                if (!head.supportedBy(family)) {
                    assertThrows(IllegalArgumentException.class,
                            () -> SyntheticCheckpoint.create(family, head, 1, SyntheticCheckpoint.Options.defaults()));
                    continue;
                }
                combos++;
                Path dir = tmp.resolve(family + "-" + head);
                SyntheticCheckpoint written = SyntheticCheckpoint.write(dir, family, head, 42);
                for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
                    assertTrue(Files.isRegularFile(dir.resolve(f)), dir + " lacks " + f);
                }
                SyntheticCheckpoint read = SyntheticCheckpoint.load(dir);
                assertEquals(family, read.family());
                assertEquals(head, read.head());
                assertEquals(written.prefix(), read.prefix());
                assertEquals(written.weights().keySet(), read.weights().keySet());
                for (String name : written.weights().keySet()) {
                    assertArrayEquals(written.weights().get(name), read.weights().get(name), 0f, name);
                    assertArrayEquals(written.shapes().get(name), read.shapes().get(name), name);
                }
                assertEquals(written.vocabSize(), written.tokenizer().vocabSize());
                assertEquals(written.vocabSize(), written.shape(written.wordEmbeddingsName())[0]);
                assertEquals(head.architecture(family), read.architecture());
                assertArrayEquals(written.id2label(), read.id2label());
                assertEquals(family.robertaArchitecture() ? 66 : 64, read.maxPositionEmbeddings());
                // The same seed gives the same weights.
                SyntheticCheckpoint again = SyntheticCheckpoint.create(family, head, 42,
                        SyntheticCheckpoint.Options.defaults());
                for (String name : written.weights().keySet()) {
                    assertArrayEquals(written.weights().get(name), again.weights().get(name), 0f, name);
                }
            }
        }
        assertEquals(8 * 6 + 2 + 1 + 1, combos);
        assertEquals(125, SyntheticTokenizers.of(Family.BERT, 64).vocabSize());
        assertEquals(125, SyntheticTokenizers.of(Family.DISTILBERT, 64).vocabSize());
        assertEquals(102, SyntheticTokenizers.of(Family.ALBERT, 64).vocabSize());
        assertEquals(419, SyntheticTokenizers.of(Family.ROBERTA, 64).vocabSize());
    }

    @Test
    void safetensorsHeaderIsPaddedWithSpacesToEightBytes() throws IOException {
        SyntheticCheckpoint.write(tmp, Family.BERT, Head.NSP, 3);
        byte[] file = Files.readAllBytes(tmp.resolve("model.safetensors"));
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{"));
        assertTrue(header.stripTrailing().endsWith("}"));
        assertTrue(header.substring(header.lastIndexOf('}') + 1).chars().allMatch(ch -> ch == ' '));
        JsonObject json = JsonParser.parseString(header).getAsJsonObject();
        JsonObject pooler = json.getAsJsonObject("bert.pooler.dense.weight");
        assertEquals("F32", pooler.get("dtype").getAsString());
        assertEquals("[32,32]", pooler.get("shape").toString());
    }

    @Test
    void parameterNamesAreHuggingFaces() {
        // BERT: pooler only where HF builds one; NSP on the pooled output; MLM decoder tied (not written).
        assertNames(Family.BERT, Head.BASE, Set.of("embeddings.word_embeddings.weight",
                "embeddings.token_type_embeddings.weight", "encoder.layer.1.attention.self.query.bias",
                "encoder.layer.0.attention.output.LayerNorm.weight", "encoder.layer.0.intermediate.dense.weight",
                "encoder.layer.1.output.dense.bias", "pooler.dense.weight"), Set.of("bert.pooler.dense.weight"));
        assertNames(Family.BERT, Head.PRETRAINING, Set.of("bert.pooler.dense.bias",
                "cls.predictions.transform.dense.weight", "cls.predictions.transform.LayerNorm.bias",
                "cls.predictions.bias", "cls.seq_relationship.weight"), Set.of("cls.predictions.decoder.weight"));
        assertNames(Family.BERT, Head.MASKED_LM, Set.of("cls.predictions.bias"),
                Set.of("bert.pooler.dense.weight", "cls.seq_relationship.weight"));
        assertNames(Family.BERT, Head.TOKEN_CLASSIFICATION, Set.of("classifier.weight"),
                Set.of("bert.pooler.dense.weight"));
        assertNames(Family.BERT, Head.SEQUENCE_CLASSIFICATION, Set.of("bert.pooler.dense.weight",
                "classifier.bias"), Set.of());
        assertNames(Family.ROBERTA, Head.SEQUENCE_CLASSIFICATION, Set.of("roberta.embeddings.position_embeddings.weight",
                "classifier.dense.weight", "classifier.out_proj.bias"), Set.of("roberta.pooler.dense.weight"));
        assertNames(Family.ROBERTA, Head.MASKED_LM, Set.of("lm_head.dense.weight", "lm_head.layer_norm.weight",
                "lm_head.bias"), Set.of("lm_head.decoder.weight"));
        assertNames(Family.ROBERTA, Head.BASE, Set.of("pooler.dense.weight"), Set.of());
        assertNames(Family.ALBERT, Head.PRETRAINING, Set.of("albert.embeddings.word_embeddings.weight",
                "albert.encoder.embedding_hidden_mapping_in.weight",
                "albert.encoder.albert_layer_groups.0.albert_layers.0.attention.query.weight",
                "albert.encoder.albert_layer_groups.0.albert_layers.0.attention.dense.bias",
                "albert.encoder.albert_layer_groups.0.albert_layers.0.attention.LayerNorm.weight",
                "albert.encoder.albert_layer_groups.0.albert_layers.0.ffn.weight",
                "albert.encoder.albert_layer_groups.0.albert_layers.0.ffn_output.bias",
                "albert.encoder.albert_layer_groups.0.albert_layers.0.full_layer_layer_norm.bias",
                "albert.pooler.weight", "predictions.dense.weight", "predictions.LayerNorm.weight",
                "predictions.bias", "sop_classifier.classifier.weight"),
                Set.of("albert.encoder.albert_layer_groups.1.albert_layers.0.ffn.weight", "albert.pooler.dense.weight"));
        assertNames(Family.ALBERT, Head.MASKED_LM, Set.of("predictions.bias"), Set.of("albert.pooler.weight"));
        assertNames(Family.ELECTRA, Head.RTD, Set.of("electra.embeddings_project.weight",
                "electra.encoder.layer.1.output.LayerNorm.bias", "discriminator_predictions.dense.weight",
                "discriminator_predictions.dense_prediction.bias"), Set.of("electra.pooler.dense.weight"));
        assertNames(Family.ELECTRA, Head.MASKED_LM, Set.of("generator_predictions.dense.weight",
                "generator_predictions.LayerNorm.weight", "generator_lm_head.bias"),
                Set.of("generator_lm_head.weight"));
        assertNames(Family.ELECTRA, Head.SEQUENCE_CLASSIFICATION, Set.of("classifier.dense.weight",
                "classifier.out_proj.weight"), Set.of());
        assertNames(Family.DISTILBERT, Head.SEQUENCE_CLASSIFICATION, Set.of(
                "distilbert.embeddings.word_embeddings.weight", "distilbert.embeddings.position_embeddings.weight",
                "distilbert.embeddings.LayerNorm.weight", "distilbert.transformer.layer.0.attention.q_lin.weight",
                "distilbert.transformer.layer.1.attention.out_lin.bias",
                "distilbert.transformer.layer.0.sa_layer_norm.weight", "distilbert.transformer.layer.0.ffn.lin1.weight",
                "distilbert.transformer.layer.0.ffn.lin2.bias", "distilbert.transformer.layer.0.output_layer_norm.bias",
                "pre_classifier.weight", "classifier.weight"),
                Set.of("distilbert.embeddings.token_type_embeddings.weight"));
        assertNames(Family.DISTILBERT, Head.MASKED_LM, Set.of("vocab_transform.weight", "vocab_layer_norm.bias",
                "vocab_projector.bias"), Set.of("vocab_projector.weight"));
        // ModernBERT: model. prefix, no attn_norm on layer 0, no biases but the classifier's and the decoder's.
        assertNames(Family.MODERNBERT, Head.BASE, Set.of("embeddings.tok_embeddings.weight",
                "embeddings.norm.weight", "layers.0.attn.Wqkv.weight", "layers.0.attn.Wo.weight",
                "layers.0.mlp_norm.weight", "layers.0.mlp.Wi.weight", "layers.0.mlp.Wo.weight",
                "layers.1.attn_norm.weight", "final_norm.weight"), Set.of("layers.0.attn_norm.weight",
                "embeddings.norm.bias", "layers.0.attn.Wqkv.bias", "layers.0.mlp.Wi.bias", "final_norm.bias",
                "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight"));
        assertNames(Family.MODERNBERT, Head.SEQUENCE_CLASSIFICATION, Set.of("model.embeddings.tok_embeddings.weight",
                "model.layers.1.attn.Wqkv.weight", "head.dense.weight", "head.norm.weight", "classifier.weight",
                "classifier.bias"), Set.of("head.dense.bias", "head.norm.bias", "model.pooler.dense.weight"));
        assertNames(Family.MODERNBERT, Head.QUESTION_ANSWERING, Set.of("head.dense.weight", "classifier.weight"),
                Set.of("qa_outputs.weight"));
        assertNames(Family.MODERNBERT, Head.MASKED_LM, Set.of("head.dense.weight", "head.norm.weight",
                "decoder.bias"), Set.of("decoder.weight"));
        assertArrayEquals(new int[] {96, 32}, SyntheticCheckpoint.create(Family.MODERNBERT, Head.BASE, 1,
                SyntheticCheckpoint.Options.defaults()).shape("layers.0.attn.Wqkv.weight"));
        assertArrayEquals(new int[] {96, 32}, SyntheticCheckpoint.create(Family.MODERNBERT, Head.BASE, 1,
                SyntheticCheckpoint.Options.defaults()).shape("layers.1.mlp.Wi.weight"));
        assertArrayEquals(new int[] {32, 48}, SyntheticCheckpoint.create(Family.MODERNBERT, Head.BASE, 1,
                SyntheticCheckpoint.Options.defaults()).shape("layers.1.mlp.Wo.weight"));

        SyntheticCheckpoint albert = SyntheticCheckpoint.create(Family.ALBERT, Head.BASE, 1,
                SyntheticCheckpoint.Options.defaults().withLayers(4).withHiddenGroups(2));
        assertEquals(Set.of(0, 1), albert.names().stream().filter(n -> n.startsWith("encoder.albert_layer_groups."))
                .map(n -> Integer.parseInt(n.split("\\.")[2])).collect(java.util.stream.Collectors.toSet()));
        assertArrayEquals(new int[] {16, 32}, SyntheticCheckpoint.create(Family.ELECTRA, Head.MASKED_LM, 1,
                SyntheticCheckpoint.Options.defaults()).shape("generator_predictions.dense.weight"));
    }

    @Test
    void tiedDecoderCopiesAreWrittenOnRequest() throws IOException {
        List<String> roberta = List.of("lm_head.decoder.weight", "lm_head.decoder.bias");
        Map<Family, List<String>> expected = Map.of(
                Family.BERT, List.of("cls.predictions.decoder.weight", "cls.predictions.decoder.bias"),
                Family.ROBERTA, roberta, Family.XLM_ROBERTA, roberta, Family.CAMEMBERT, roberta,
                Family.ALBERT, List.of("predictions.decoder.weight", "predictions.decoder.bias"),
                Family.ELECTRA, List.of("generator_lm_head.weight"),
                Family.DISTILBERT, List.of("vocab_projector.weight"),
                Family.MODERNBERT, List.of("decoder.weight"));
        for (Family family : Family.values()) {
            Path dir = tmp.resolve("tied-" + family);
            SyntheticCheckpoint c = SyntheticCheckpoint.write(dir, family, Head.MASKED_LM, 5,
                    SyntheticCheckpoint.Options.defaults().withTiedDecoderWritten(true));
            Map<String, Safetensors.Tensor> file = Safetensors.read(dir.resolve("model.safetensors"));
            String word = c.wordEmbeddingsName();
            for (String name : expected.get(family)) {
                assertTrue(file.containsKey(name), family + " lacks " + name);
                assertFalse(c.weights().containsKey(name));
                String source = name.endsWith(".bias") ? name.replace("decoder.bias", "bias") : word;
                assertArrayEquals(c.weight(source), file.get(name).data(), 0f, name);
                assertArrayEquals(c.shape(source), file.get(name).shape(), name);
            }
            assertEquals(c.weights().size() + expected.get(family).size(), file.size());
        }
    }

    @Test
    void configsUseEachFamilysKeys() {
        JsonObject bert = SyntheticCheckpoint.create(Family.BERT, Head.SEQUENCE_CLASSIFICATION, 1,
                SyntheticCheckpoint.Options.defaults()).config();
        assertEquals("bert", bert.get("model_type").getAsString());
        assertEquals("BertForSequenceClassification", bert.getAsJsonArray("architectures").get(0).getAsString());
        assertEquals("gelu", bert.get("hidden_act").getAsString());
        assertEquals(1e-12, bert.get("layer_norm_eps").getAsDouble());
        assertEquals("{\"0\":\"negative\",\"1\":\"neutral\",\"2\":\"positive\"}", bert.get("id2label").toString());
        assertEquals("{\"negative\":0,\"neutral\":1,\"positive\":2}", bert.get("label2id").toString());
        assertFalse(bert.has("problem_type"));
        assertEquals(new TreeSet<>(bert.keySet()).toString(), new ArrayList<>(bert.keySet()).toString(),
                "keys sorted like HF's to_json_string");

        JsonObject multi = SyntheticCheckpoint.create(Family.ROBERTA, Head.MULTI_LABEL_CLASSIFICATION, 1,
                SyntheticCheckpoint.Options.defaults()).config();
        assertEquals("multi_label_classification", multi.get("problem_type").getAsString());
        assertEquals(1, multi.get("pad_token_id").getAsInt());
        assertEquals(1, multi.get("type_vocab_size").getAsInt());
        assertEquals(66, multi.get("max_position_embeddings").getAsInt());
        assertEquals(1e-5, multi.get("layer_norm_eps").getAsDouble());

        JsonObject albert = SyntheticCheckpoint.create(Family.ALBERT, Head.PRETRAINING, 1,
                SyntheticCheckpoint.Options.defaults()).config();
        assertEquals(16, albert.get("embedding_size").getAsInt());
        assertEquals(1, albert.get("num_hidden_groups").getAsInt());
        assertEquals(1, albert.get("inner_group_num").getAsInt());
        assertEquals("gelu_new", albert.get("hidden_act").getAsString());
        assertEquals("AlbertForPreTraining", albert.getAsJsonArray("architectures").get(0).getAsString());

        JsonObject electra = SyntheticCheckpoint.create(Family.ELECTRA, Head.RTD, 1,
                SyntheticCheckpoint.Options.defaults()).config();
        assertEquals("ElectraForPreTraining", electra.getAsJsonArray("architectures").get(0).getAsString());
        assertEquals("gelu_new", electra.get("hidden_act").getAsString());

        SyntheticCheckpoint ner = SyntheticCheckpoint.create(Family.DISTILBERT, Head.TOKEN_CLASSIFICATION, 1,
                SyntheticCheckpoint.Options.defaults());
        JsonObject distil = ner.config();
        for (String key : List.of("dim", "n_layers", "n_heads", "hidden_dim", "activation", "max_position_embeddings",
                "vocab_size", "pad_token_id", "sinusoidal_pos_embds")) {
            assertTrue(distil.has(key), key);
        }
        for (String key : List.of("hidden_size", "num_hidden_layers", "type_vocab_size", "hidden_act")) {
            assertFalse(distil.has(key), key);
        }
        assertArrayEquals(new String[] {"O", "B-PER", "I-PER", "B-LOC", "I-LOC"}, ner.id2label());
        assertEquals("DistilBertForTokenClassification", ner.architecture());

        SyntheticCheckpoint modern = SyntheticCheckpoint.create(Family.MODERNBERT, Head.SEQUENCE_CLASSIFICATION, 1,
                SyntheticCheckpoint.Options.defaults());
        JsonObject mb = modern.config();
        assertEquals("ModernBertForSequenceClassification", modern.architecture());
        for (String key : List.of("hidden_activation", "norm_eps", "norm_bias", "attention_bias", "mlp_bias",
                "classifier_bias", "decoder_bias", "classifier_activation", "classifier_pooling",
                "global_attn_every_n_layers", "local_attention", "global_rope_theta", "local_rope_theta")) {
            assertTrue(mb.has(key), key);
        }
        for (String key : List.of("hidden_act", "layer_norm_eps", "type_vocab_size")) {
            assertFalse(mb.has(key), key);
        }
        assertEquals("mean", mb.get("classifier_pooling").getAsString());
        assertEquals("cls", SyntheticCheckpoint.create(Family.MODERNBERT, Head.MULTI_LABEL_CLASSIFICATION, 1,
                SyntheticCheckpoint.Options.defaults()).config().get("classifier_pooling").getAsString());
        assertEquals(64, mb.get("max_position_embeddings").getAsInt());
        assertEquals(modern.tokenizer().padId(), mb.get("pad_token_id").getAsInt());
        assertEquals(0, modern.typeVocabSize());
    }

    // ------------------------------------------------------------------------------------------ tokenizers

    @Test
    void wordPieceTokenizerLoadsInDjl() throws IOException {
        for (Family family : List.of(Family.BERT, Family.ELECTRA, Family.DISTILBERT)) {
            SyntheticCheckpoint c = SyntheticCheckpoint.write(tmp.resolve("wp-" + family), family, Head.BASE, 1);
            SyntheticTokenizers.Spec spec = c.tokenizer();
            try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(tmp.resolve("wp-" + family))) {
                Encoding e = tok.encode("The cat sat on the mat");
                assertEquals(List.of("[CLS]", "the", "cat", "sat", "on", "the", "mat", "[SEP]"),
                        Arrays.asList(e.getTokens()));
                assertArrayEquals(ids(spec, "[CLS]", "the", "cat", "sat", "on", "the", "mat", "[SEP]"), e.getIds());
                assertEquals(2, e.getIds()[0]);
                assertEquals(3, e.getIds()[7]);

                Encoding sub = tok.encode("cats jumped, quickly!");
                assertEquals(List.of("[CLS]", "cat", "##s", "jump", "##ed", ",", "quick", "##ly", "!", "[SEP]"),
                        Arrays.asList(sub.getTokens()));
                assertEquals(1, tok.encode("zebra").getIds()[1], "unknown word -> [UNK]=1");

                Encoding pair = tok.encode("the capital of france is [MASK].", "paris is big");
                assertEquals(List.of("[CLS]", "the", "capital", "of", "france", "is", "[MASK]", ".", "[SEP]",
                        "paris", "is", "big", "[SEP]"), Arrays.asList(pair.getTokens()));
                assertEquals(4, pair.getIds()[6], "[MASK] is one token with id 4");
                assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, pair.getTypeIds());
                for (long id : pair.getIds()) {
                    assertTrue(id < c.vocabSize());
                }
            }
        }
    }

    @Test
    void byteLevelBpeTokenizerLoadsInDjl() throws IOException {
        Path dir = tmp.resolve("roberta");
        SyntheticCheckpoint c = SyntheticCheckpoint.write(dir, Family.ROBERTA, Head.BASE, 1);
        SyntheticTokenizers.Spec spec = c.tokenizer();
        assertEquals("Ġcat", SyntheticTokenizers.byteLevel(" cat"));
        assertEquals(5 + ' ', spec.id("Ġ"), "byte characters follow the 5 special tokens in byte order");
        assertEquals(5 + '!', spec.id("!"));
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir)) {
            Encoding e = tok.encode("the cat sat on the mat");
            assertEquals(List.of("<s>", "the", "Ġcat", "Ġsat", "Ġon", "Ġthe", "Ġmat", "</s>"),
                    Arrays.asList(e.getTokens()));
            assertArrayEquals(ids(spec, "<s>", "the", "Ġcat", "Ġsat", "Ġon", "Ġthe", "Ġmat", "</s>"), e.getIds());

            // Words outside the merges fall back to smaller pieces, ultimately bytes; nothing is unknown.
            Encoding odd = tok.encode("The zebra é");
            for (long id : odd.getIds()) {
                assertTrue(id != spec.unkId() && id < c.vocabSize());
            }
            assertEquals("The zebra é", tok.decode(odd.getIds(), true));

            Encoding pair = tok.encode("The capital of France is <mask>.", "Paris is great");
            // DJL reports the lstrip-ed <mask> with the space it absorbed (" <mask>"): compare trimmed text.
            List<String> tokens = Arrays.stream(pair.getTokens()).map(String::strip).toList();
            assertEquals(List.of("<s>", "The", "Ġcapital", "Ġof", "ĠFrance", "Ġis", "<mask>", ".", "</s>", "</s>"),
                    tokens.subList(0, 10));
            assertEquals("Paris", String.join("", tokens.subList(10, tokens.size() - 3)), "no merge for \"Paris\"");
            assertEquals(List.of("Ġis", "Ġgreat", "</s>"), tokens.subList(tokens.size() - 3, tokens.size()));
            assertEquals(4, pair.getIds()[6], "<mask> (lstrip) is one token with id 4");
            System.out.println("RoBERTa pair tokens " + tokens + " type ids " + Arrays.toString(pair.getTypeIds()));
        }
    }

    @Test
    void modernBertByteLevelBpeTokenizerLoadsInDjl() throws IOException {
        Path dir = tmp.resolve("modernbert");
        SyntheticCheckpoint c = SyntheticCheckpoint.write(dir, Family.MODERNBERT, Head.BASE, 1);
        SyntheticTokenizers.Spec spec = c.tokenizer();
        assertEquals('!', spec.id("!"), "the byte characters come first, in byte order");
        assertEquals(c.vocabSize() - 5, spec.id("[UNK]"), "the specials come last");
        assertEquals(c.vocabSize() - 1, spec.maskId());
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir)) {
            Encoding e = tok.encode("the cat sat on the mat");
            assertEquals(List.of("[CLS]", "the", "Ġcat", "Ġsat", "Ġon", "Ġthe", "Ġmat", "[SEP]"),
                    Arrays.asList(e.getTokens()));
            assertArrayEquals(ids(spec, "[CLS]", "the", "Ġcat", "Ġsat", "Ġon", "Ġthe", "Ġmat", "[SEP]"), e.getIds());
            Encoding pair = tok.encode("The capital of France is [MASK].", "Paris");
            List<String> tokens = Arrays.stream(pair.getTokens()).map(String::strip).toList();
            assertEquals(List.of("[CLS]", "The", "Ġcapital", "Ġof", "ĠFrance", "Ġis", "[MASK]", ".", "[SEP]"),
                    tokens.subList(0, 9));
            assertEquals(spec.maskId(), pair.getIds()[6], "[MASK] (lstrip) is one token");
            assertEquals(spec.sepId(), pair.getIds()[pair.getIds().length - 1]);
            for (long id : pair.getIds()) {
                assertTrue(id < c.vocabSize());
            }
        }
    }

    @Test
    void unigramTokenizerLoadsInDjl() throws IOException {
        Path dir = tmp.resolve("albert");
        SyntheticCheckpoint c = SyntheticCheckpoint.write(dir, Family.ALBERT, Head.BASE, 1);
        SyntheticTokenizers.Spec spec = c.tokenizer();
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir)) {
            Encoding e = tok.encode("The cat sat on the mat");
            assertEquals(List.of("[CLS]", "▁the", "▁cat", "▁sat", "▁on", "▁the", "▁mat", "[SEP]"),
                    Arrays.asList(e.getTokens()));
            assertArrayEquals(ids(spec, "[CLS]", "▁the", "▁cat", "▁sat", "▁on", "▁the", "▁mat", "[SEP]"), e.getIds());

            Encoding sub = tok.encode("cats zebra");
            assertEquals(List.of("[CLS]", "▁cat", "s", "▁", "z", "e", "b", "r", "a", "[SEP]"),
                    Arrays.asList(sub.getTokens()));

            Encoding pair = tok.encode("the capital of france is [MASK].", "paris is great");
            assertEquals(List.of("[CLS]", "▁the", "▁capital", "▁of", "▁france", "▁is", "[MASK]", "▁", ".", "[SEP]",
                    "▁paris", "▁is", "▁great", "[SEP]"), Arrays.asList(pair.getTokens()));
            assertEquals(4, pair.getIds()[6], "[MASK] is one token with id 4");
            assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, pair.getTypeIds());
            for (long id : pair.getIds()) {
                assertTrue(id != spec.unkId() && id < c.vocabSize());
            }
        }
    }

    private static void assertNames(Family family, Head head, Set<String> present, Set<String> absent) {
        SyntheticCheckpoint c = SyntheticCheckpoint.create(family, head, 1, SyntheticCheckpoint.Options.defaults());
        for (String name : present) {
            assertTrue(c.has(name), family + "/" + head + " lacks " + name + "; has " + c.names());
        }
        for (String name : absent) {
            assertFalse(c.has(name), family + "/" + head + " should not have " + name);
        }
        String body = head == Head.BASE ? "" : family.basePrefix();
        for (String name : c.names()) {
            boolean isBody = name.startsWith(body + "embeddings") || name.startsWith(body + "encoder")
                    || name.startsWith(body + "transformer") || name.startsWith(body + "pooler")
                    || name.startsWith(body + "layers.") || name.startsWith(body + "final_norm");
            if (head != Head.BASE) {
                assertTrue(isBody == name.startsWith(family.basePrefix()), name);
            } else {
                assertTrue(isBody, name);
            }
        }
    }

    private static long[] ids(SyntheticTokenizers.Spec spec, String... tokens) {
        long[] ids = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = spec.id(tokens[i]);
            assertTrue(ids[i] >= 0, tokens[i] + " not in the vocabulary");
        }
        return ids;
    }
}
