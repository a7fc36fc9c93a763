package dev.sparkencoders.importer;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.sparkencoders.model.CheckpointException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The WordPiece tokenizer of a TensorFlow BERT: its {@code vocab.txt} parsed and checked, and the HuggingFace
 * {@code tokenizer.json} equivalent to {@code bert-base-uncased}'s built from it.
 *
 * <pre>{@code
 * List<String> vocab = WordPieceTokenizerJson.parseVocab(bytes, "assets/vocab.txt");
 * JsonObject tokenizer = WordPieceTokenizerJson.tokenizer(vocab);
 * }</pre>
 */
final class WordPieceTokenizerJson {

    static final String[] SPECIAL_TOKENS = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};

    private WordPieceTokenizerJson() {}

    static List<String> parseVocab(byte[] bytes, String what) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException("Cannot read vocabulary " + what + ": it is not valid UTF-8 (" + e + ")");
        }
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String token = lines.get(i);
            if (token.endsWith("\r")) {
                token = token.substring(0, token.length() - 1);
                lines.set(i, token);
            }
            if (token.isEmpty()) {
                throw new CheckpointException("Cannot read vocabulary " + what + ": line " + (i + 1)
                        + " is empty (one token per line is expected)");
            }
            Integer before = seen.put(token, i);
            if (before != null) {
                throw new CheckpointException("Cannot read vocabulary " + what + ": token '" + token + "' appears on lines "
                        + (before + 1) + " and " + (i + 1) + " (the ids would be ambiguous)");
            }
        }
        for (String special : SPECIAL_TOKENS) {
            if (!seen.containsKey(special)) {
                throw new CheckpointException("Cannot read vocabulary " + what + ": it has no " + special
                        + " token (a BERT WordPiece vocabulary is expected)");
            }
        }
        return Collections.unmodifiableList(lines);
    }

    /** A HuggingFace tokenizers JSON for BERT uncased WordPiece, equivalent to {@code bert-base-uncased}'s. */
    static JsonObject tokenizer(List<String> vocab) {
        Map<String, Integer> ids = new HashMap<>();
        for (String special : SPECIAL_TOKENS) {
            ids.put(special, vocab.indexOf(special));
        }
        JsonObject t = new JsonObject();
        t.addProperty("version", "1.0");
        t.add("truncation", JsonNull.INSTANCE);
        t.add("padding", JsonNull.INSTANCE);
        List<String> specials = new ArrayList<>(Arrays.asList(SPECIAL_TOKENS));
        specials.sort(Comparator.comparingInt(ids::get));
        JsonArray added = new JsonArray();
        for (String special : specials) {
            JsonObject a = new JsonObject();
            a.addProperty("id", ids.get(special));
            a.addProperty("content", special);
            a.addProperty("single_word", false);
            a.addProperty("lstrip", false);
            a.addProperty("rstrip", false);
            a.addProperty("normalized", false);
            a.addProperty("special", true);
            added.add(a);
        }
        t.add("added_tokens", added);

        JsonObject normalizer = new JsonObject();
        normalizer.addProperty("type", "BertNormalizer");
        normalizer.addProperty("clean_text", true);
        normalizer.addProperty("handle_chinese_chars", true);
        normalizer.addProperty("strip_accents", true);
        normalizer.addProperty("lowercase", true);
        t.add("normalizer", normalizer);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "BertPreTokenizer");
        t.add("pre_tokenizer", pre);

        JsonObject post = new JsonObject();
        post.addProperty("type", "TemplateProcessing");
        JsonArray single = new JsonArray();
        single.add(piece("SpecialToken", "[CLS]", 0));
        single.add(piece("Sequence", "A", 0));
        single.add(piece("SpecialToken", "[SEP]", 0));
        post.add("single", single);
        JsonArray pair = new JsonArray();
        pair.add(piece("SpecialToken", "[CLS]", 0));
        pair.add(piece("Sequence", "A", 0));
        pair.add(piece("SpecialToken", "[SEP]", 0));
        pair.add(piece("Sequence", "B", 1));
        pair.add(piece("SpecialToken", "[SEP]", 1));
        post.add("pair", pair);
        JsonObject templateSpecials = new JsonObject();
        for (String s : new String[] {"[CLS]", "[SEP]"}) {
            JsonObject o = new JsonObject();
            o.addProperty("id", s);
            JsonArray idList = new JsonArray();
            idList.add(ids.get(s));
            o.add("ids", idList);
            JsonArray tokens = new JsonArray();
            tokens.add(s);
            o.add("tokens", tokens);
            templateSpecials.add(s, o);
        }
        post.add("special_tokens", templateSpecials);
        t.add("post_processor", post);

        JsonObject decoder = new JsonObject();
        decoder.addProperty("type", "WordPiece");
        decoder.addProperty("prefix", "##");
        decoder.addProperty("cleanup", true);
        t.add("decoder", decoder);

        JsonObject model = new JsonObject();
        model.addProperty("type", "WordPiece");
        model.addProperty("unk_token", "[UNK]");
        model.addProperty("continuing_subword_prefix", "##");
        model.addProperty("max_input_chars_per_word", 100);
        JsonObject v = new JsonObject();
        for (int i = 0; i < vocab.size(); i++) {
            v.addProperty(vocab.get(i), i);
        }
        model.add("vocab", v);
        t.add("model", model);
        return t;
    }

    private static JsonObject piece(String kind, String id, int typeId) {
        JsonObject inner = new JsonObject();
        inner.addProperty("id", id);
        inner.addProperty("type_id", typeId);
        JsonObject outer = new JsonObject();
        outer.add(kind, inner);
        return outer;
    }
}
