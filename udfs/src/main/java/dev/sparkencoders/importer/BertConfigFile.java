package dev.sparkencoders.importer;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.sparkencoders.model.Checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The HuggingFace {@code config.json} of a BERT-family checkpoint that an importer writes: every importer describes
 * the shape it read here, so the files agree on keys, order and the defaults they state (dropout 0.1,
 * initializer range 0.02, absolute positions, float32).
 *
 * <pre>{@code
 * new BertConfigFile("BertModel", 30522, 384, 6, 12, 1536, "gelu", 512, 2, 1e-12, 0, null).write(dir);
 * }</pre>
 *
 * @param architecture       the {@code transformers} class the weights' names follow, e.g. {@code BertForMaskedLM}
 * @param hiddenAct          {@code gelu} (erf), {@code gelu_new} (tanh approximation) or {@code relu}
 * @param tieWordEmbeddings  whether the masked-LM decoder shares the word embeddings; null to leave it unstated
 */
record BertConfigFile(String architecture, long vocabSize, long hiddenSize, int layers, int attentionHeads,
                      long intermediateSize, String hiddenAct, long maxPositions, long typeVocabSize,
                      double layerNormEps, int padTokenId, Boolean tieWordEmbeddings) {

    JsonObject toJson() {
        JsonObject c = new JsonObject();
        JsonArray architectures = new JsonArray();
        architectures.add(architecture);
        c.add("architectures", architectures);
        c.addProperty("model_type", "bert");
        c.addProperty("vocab_size", vocabSize);
        c.addProperty("hidden_size", hiddenSize);
        c.addProperty("num_hidden_layers", layers);
        c.addProperty("num_attention_heads", attentionHeads);
        c.addProperty("intermediate_size", intermediateSize);
        c.addProperty("hidden_act", hiddenAct);
        c.addProperty("hidden_dropout_prob", 0.1);
        c.addProperty("attention_probs_dropout_prob", 0.1);
        c.addProperty("max_position_embeddings", maxPositions);
        c.addProperty("type_vocab_size", typeVocabSize);
        c.addProperty("initializer_range", 0.02);
        c.addProperty("layer_norm_eps", layerNormEps);
        c.addProperty("pad_token_id", padTokenId);
        c.addProperty("position_embedding_type", "absolute");
        if (tieWordEmbeddings != null) {
            c.addProperty("tie_word_embeddings", tieWordEmbeddings);
        }
        c.addProperty("torch_dtype", "float32");
        return c;
    }

    /** Writes {@value Checkpoint#CONFIG} into the checkpoint directory {@code dir}. */
    void write(Path dir) throws IOException {
        writeJson(dir.resolve(Checkpoint.CONFIG), toJson());
    }

    /** Pretty-printed JSON ending with a newline, as every importer writes its files. */
    static void writeJson(Path file, JsonElement json) throws IOException {
        String text = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(json)
                + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
