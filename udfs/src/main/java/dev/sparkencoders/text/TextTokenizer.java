package dev.sparkencoders.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.sparkencoders.model.CheckpointException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A HuggingFace fast tokenizer (tokenizer.json, through DJL's binding) that never pads and truncates to a
 * maximum length, reporting which rows it truncated. Thread-safe.
 *
 * <pre>{@code
 * try (TextTokenizer tokenizer = TextTokenizer.load(dir.resolve("tokenizer.json"), 256)) {
 *     TokenizedText single = tokenizer.encode("A man is playing a guitar.");
 *     TokenizedText pair = tokenizer.encodePair("Where is it?", "It is here.");
 * }
 * }</pre>
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /** Loads {@code tokenizer.json}, overriding whatever padding and truncation the file fixes. */
    public static TextTokenizer load(Path tokenizerJson, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("Cannot load tokenizer: max length " + maxLength
                    + " leaves no room for the special tokens (use at least 2)");
        }
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optMaxLength(maxLength)
                    .optTruncation(true)
                    .optPadding(false)
                    .build();
            return new TextTokenizer(tokenizer, maxLength);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("Cannot load tokenizer " + tokenizerJson + ": " + e.getMessage()
                    + " (it must be a HuggingFace fast-tokenizer tokenizer.json)", e);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    public TokenizedText encode(String text) {
        return of(tokenizer.encode(text));
    }

    /** Encodes a text pair with segment ids 0 for the first text and 1 for the second. */
    public TokenizedText encodePair(String first, String second) {
        return of(tokenizer.encode(first, second));
    }

    private static TokenizedText of(Encoding encoding) {
        return new TokenizedText(encoding.getIds(), encoding.getTypeIds(), encoding.exceedMaxLength());
    }

    /** The surface form of one vocabulary id (a sub-word keeps its "##" or "Ġ" marker as the tokenizer decodes it). */
    public String decode(long id) {
        return tokenizer.decode(new long[] {id}, false).trim();
    }

    /** The id of the mask token ({@code [MASK]} or {@code <mask>}), if the tokenizer has one. */
    public OptionalLong maskTokenId() {
        for (String mask : new String[] {"[MASK]", "<mask>"}) {
            Encoding encoding = tokenizer.encode(mask, false, false);
            if (encoding.getIds().length == 1 && encoding.getTokens()[0].equals(mask)) {
                return OptionalLong.of(encoding.getIds()[0]);
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
