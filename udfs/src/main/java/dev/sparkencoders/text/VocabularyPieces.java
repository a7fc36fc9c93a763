package dev.sparkencoders.text;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.model.CheckpointException;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * The pieces of a HuggingFace {@code tokenizer.json} by id, which of them are special tokens ({@code added_tokens}
 * marked {@code special}), and which continue the word of the piece before them, the rule whole-word masking groups
 * pieces by:
 * <ul>
 *   <li>WordPiece: pieces starting with the continuing-subword prefix ({@code ##} unless the file says otherwise);</li>
 *   <li>Unigram, BPE and WordLevel: when the vocabulary marks word starts with {@code Ġ} (byte-level BPE) or
 *   {@code ▁} (SentencePiece), pieces without that marker, except pieces made of punctuation only, which start a
 *   word of their own (as ALBERT's tool treats them); without such a marker every piece is a word.</li>
 * </ul>
 * Special tokens never continue a word.
 *
 * <pre>{@code
 * VocabularyPieces pieces = VocabularyPieces.read(dir.resolve("tokenizer.json"));
 * boolean[] continues = pieces.continuesWord();   // continues[id("##ing")] == true
 * }</pre>
 *
 * @param pieces  the piece of every id (null for ids the file does not name)
 * @param special whether each id is a special token
 * @param model   the tokenizer model's type: WordPiece, Unigram, BPE or WordLevel
 * @param marker  the prefix that marks a continuation (WordPiece) or a word start (others); empty when none
 */
public record VocabularyPieces(String[] pieces, boolean[] special, String model, String marker)
        implements Serializable {

    public static final String SENTENCEPIECE_SPACE = "\u2581";
    public static final String BYTE_LEVEL_SPACE = "\u0120";

    public static VocabularyPieces read(Path tokenizerJson) {
        try (Reader reader = Files.newBufferedReader(tokenizerJson, StandardCharsets.UTF_8)) {
            return of(JsonParser.parseReader(reader).getAsJsonObject(), TokenizerVocabulary.size(tokenizerJson));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("Cannot read the pieces of tokenizer " + tokenizerJson + ": "
                    + CheckpointException.firstLine(e) + " (it must be a HuggingFace fast-tokenizer tokenizer.json)", e);
        }
    }

    private static VocabularyPieces of(JsonObject json, int size) {
        String[] pieces = new String[size];
        boolean[] special = new boolean[size];
        JsonObject model = json.getAsJsonObject("model");
        String type = model.has("type") ? model.get("type").getAsString() : "WordPiece";
        JsonElement vocab = model.get("vocab");
        if (vocab != null && vocab.isJsonObject()) {
            for (var entry : vocab.getAsJsonObject().entrySet()) {
                pieces[entry.getValue().getAsInt()] = entry.getKey();
            }
        } else if (vocab != null && vocab.isJsonArray()) {
            for (int i = 0; i < vocab.getAsJsonArray().size(); i++) {
                pieces[i] = vocab.getAsJsonArray().get(i).getAsJsonArray().get(0).getAsString();
            }
        }
        JsonElement added = json.get("added_tokens");
        if (added != null && added.isJsonArray()) {
            for (JsonElement token : added.getAsJsonArray()) {
                JsonObject t = token.getAsJsonObject();
                int id = t.get("id").getAsInt();
                pieces[id] = t.get("content").getAsString();
                special[id] = t.has("special") && t.get("special").getAsBoolean();
            }
        }
        String marker;
        if (type.equals("WordPiece")) {
            JsonElement prefix = model.get("continuing_subword_prefix");
            marker = prefix == null || prefix.isJsonNull() ? "##" : prefix.getAsString();
        } else {
            marker = startMarker(pieces);
        }
        return new VocabularyPieces(pieces, special, type, marker);
    }

    /** {@code Ġ} or {@code ▁} when some piece starts with it (the commoner one wins), else empty. */
    private static String startMarker(String[] pieces) {
        int byteLevel = 0;
        int sentencePiece = 0;
        for (String piece : pieces) {
            if (piece != null) {
                byteLevel += piece.startsWith(BYTE_LEVEL_SPACE) ? 1 : 0;
                sentencePiece += piece.startsWith(SENTENCEPIECE_SPACE) ? 1 : 0;
            }
        }
        return byteLevel == 0 && sentencePiece == 0 ? "" : byteLevel > sentencePiece ? BYTE_LEVEL_SPACE
                : SENTENCEPIECE_SPACE;
    }

    public int size() {
        return pieces.length;
    }

    /** For every id, whether its piece continues the word of the piece before it (see the class comment). */
    public boolean[] continuesWord() {
        boolean[] continues = new boolean[pieces.length];
        for (int id = 0; id < pieces.length; id++) {
            String piece = pieces[id];
            if (piece == null || special[id] || piece.isEmpty() || marker.isEmpty()) {
                continue;
            }
            continues[id] = model.equals("WordPiece") ? piece.startsWith(marker)
                    : !piece.startsWith(marker) && !isPunctuation(piece);
        }
        return continues;
    }

    /** The ids a random replacement may take: every id with a piece that is not a special token. */
    public int[] ordinaryIds() {
        return IntStream.range(0, pieces.length).filter(id -> pieces[id] != null && !special[id]).toArray();
    }

    private static boolean isPunctuation(String piece) {
        return piece.codePoints().allMatch(c -> {
            int type = Character.getType(c);
            return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                    || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                    || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                    || type == Character.OTHER_PUNCTUATION || type == Character.MATH_SYMBOL
                    || type == Character.CURRENCY_SYMBOL;
        });
    }
}
