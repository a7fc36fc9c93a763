package dev.sparkencoders.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.sparkencoders.model.CheckpointException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A HuggingFace fast tokenizer (tokenizer.json, through DJL's binding) that never pads and truncates to a
 * maximum length, reporting which rows it truncated. Every token carries its character span and word id
 * (see {@link TokenizedText}). Thread-safe.
 *
 * <p>{@link #encode(String)} and {@link #encodePair} let the tokenizer truncate (keep the head; longest-first for
 * pairs). {@link #encode(String, TruncationStrategy, int)} and {@link #windows} tokenize the whole text with a
 * second, non-truncating tokenizer instance (built on first use) and cut the content tokens themselves, keeping
 * whatever special tokens the tokenizer's post-processor puts around a single text.
 *
 * <pre>{@code
 * try (TextTokenizer tokenizer = TextTokenizer.load(dir.resolve("tokenizer.json"), 512)) {
 *     TokenizedText single = tokenizer.encode("A man is playing a guitar.");
 *     TokenizedText pair = tokenizer.encodePair("Where is it?", "It is here.");
 *     TokenizedText headTail = tokenizer.encode(longText, TruncationStrategy.HEAD_TAIL, 128);
 *     List<TokenWindow> windows = tokenizer.windows(longText, 128);   // 128 tokens of overlap
 * }
 * }</pre>
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final Path tokenizerJson;
    private final int maxLength;
    private final int vocabularySize;
    private HuggingFaceTokenizer untruncated;
    private final Map<Integer, HuggingFaceTokenizer> pairWindowTokenizers = new HashMap<>();
    private boolean closed;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Path tokenizerJson, int maxLength, int vocabularySize) {
        this.tokenizer = tokenizer;
        this.tokenizerJson = tokenizerJson;
        this.maxLength = maxLength;
        this.vocabularySize = vocabularySize;
    }

    /** Loads {@code tokenizer.json}, overriding whatever padding and truncation the file fixes. */
    public static TextTokenizer load(Path tokenizerJson, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("Cannot load tokenizer: max length " + maxLength
                    + " leaves no room for the special tokens (use at least 2)");
        }
        HuggingFaceTokenizer tokenizer = build(tokenizerJson, maxLength, true);
        try {
            return new TextTokenizer(tokenizer, tokenizerJson, maxLength, TokenizerVocabulary.size(tokenizerJson));
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static HuggingFaceTokenizer build(Path tokenizerJson, int maxLength, boolean truncate) {
        try {
            HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optTruncation(truncate)
                    .optPadding(false);
            if (truncate) {
                // DJL lowers a max length above its "modelMaxLength" option (512 unless set) to 512, logging only a warning.
                builder.optMaxLength(maxLength);
                builder.configure(Map.of("modelMaxLength", maxLength));
            }
            return builder.build();
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("Cannot load tokenizer " + tokenizerJson + ": " + CheckpointException.firstLine(e)
                    + " (it must be a HuggingFace fast-tokenizer tokenizer.json)", e);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    /** How many token ids this tokenizer can produce (its largest id + 1); the word embeddings need as many rows. */
    public int vocabularySize() {
        return vocabularySize;
    }

    /** How many tokens of a single text fit in one row next to the special tokens the tokenizer adds. */
    public int maxContentTokens() {
        return maxLength - document("").specialCount();
    }

    /** Encodes a single text, keeping its first tokens when it is too long. */
    public TokenizedText encode(String text) {
        String checked = checked(text);
        Encoding encoding = tokenizer.encode(checked);
        return of(encoding, checked, null, encoding.exceedMaxLength());
    }

    /** Encodes a text pair with segment ids 0 for the first text and 1 for the second (longest-first truncation). */
    public TokenizedText encodePair(String first, String second) {
        String a = checked(first);
        String b = checked(second);
        Encoding encoding = tokenizer.encode(a, b);
        return of(encoding, a, b, encoding.exceedMaxLength());
    }

    /** Encodes a single text cut by {@code strategy}, with {@link TruncationStrategy#DEFAULT_HEAD_TOKENS}. */
    public TokenizedText encode(String text, TruncationStrategy strategy) {
        return encode(text, strategy, TruncationStrategy.DEFAULT_HEAD_TOKENS);
    }

    /**
     * Encodes a single text and, when its content tokens do not fit next to the special tokens, cuts them by
     * {@code strategy}; {@code headTokens} is used by {@link TruncationStrategy#HEAD_TAIL} only and is capped at the
     * room available. A text that fits comes back whole with {@code truncated} false.
     */
    public TokenizedText encode(String text, TruncationStrategy strategy, int headTokens) {
        if (strategy == null || headTokens < 0) {
            throw new IllegalArgumentException("Cannot encode text: truncation " + strategy + " with " + headTokens
                    + " head tokens (give a strategy and a head count of 0 or more)");
        }
        return document(text).fit(strategy, headTokens, maxLength);
    }

    /**
     * Cuts a single text into windows of {@link #maxLength()} tokens, special tokens included, whose content tokens
     * overlap by {@code stride} tokens (HuggingFace's meaning of stride); the last window holds what is left and may
     * be shorter. A text that fits gives exactly one window. Windows are not flagged {@code truncated}: together they
     * hold every token.
     */
    public List<TokenWindow> windows(String text, int stride) {
        return document(text).windows(maxLength, stride);
    }

    /**
     * A question and a context too long to fit one row, as HuggingFace's question-answering pipeline cuts them: each
     * row holds the whole {@code first} text and a window of {@code second}, {@link #maxLength()} tokens in all, and
     * consecutive windows of {@code second} overlap by {@code stride} tokens. Character spans of second-segment
     * tokens index into {@code second}. A pair that fits gives one row; rows are not flagged {@code truncated}.
     */
    public List<TextPairWindow> pairWindows(String first, String second, int stride) {
        String a = checked(first);
        String b = checked(second);
        int room = maxLength - encodePair(a, "").length();
        if (room < 1) {
            throw new IllegalArgumentException("Cannot encode the text pair: the first text fills all "
                    + maxLength + " tokens of a row, leaving none for the second (shorten it or raise"
                    + " model.max-length)");
        }
        if (stride < 0 || stride >= room) {
            throw new IllegalArgumentException("Cannot cut the second text into windows of " + room + " tokens"
                    + " overlapping by " + stride + ": the overlap must be at least 0 and less than the window (lower"
                    + " the stride or shorten the first text)");
        }
        Encoding encoding = pairWindowTokenizer(stride).encode(a, b);
        List<TextPairWindow> rows = new ArrayList<>();
        rows.add(pairWindow(encoding, a, b));
        for (Encoding overflow : encoding.getOverflowing()) {
            rows.add(pairWindow(overflow, a, b));
        }
        return rows;
    }

    private static TextPairWindow pairWindow(Encoding encoding, String first, String second) {
        long[] sequences = encoding.getSequenceIds();
        long[] mask = encoding.getSpecialTokenMask();
        int start = -1;
        int end = -1;
        for (int i = 0; i < sequences.length; i++) {
            if (sequences[i] == 1 && mask[i] == 0) {
                start = start < 0 ? i : start;
                end = i + 1;
            }
        }
        return new TextPairWindow(of(encoding, first, second, false), Math.max(start, 0), Math.max(end, 0));
    }

    private synchronized HuggingFaceTokenizer pairWindowTokenizer(int stride) {
        if (closed) {
            throw new IllegalStateException("Cannot encode text: the tokenizer " + tokenizerJson
                    + " is closed (load it again)");
        }
        return pairWindowTokenizers.computeIfAbsent(stride, s -> {
            try {
                HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson)
                        .optPadding(false).optTruncateSecondOnly().optMaxLength(maxLength).optStride(s)
                        .optWithOverflowingTokens(true);
                builder.configure(Map.of("modelMaxLength", maxLength));
                return builder.build();
            } catch (IOException | RuntimeException e) {
                throw new CheckpointException("Cannot load tokenizer " + tokenizerJson + ": "
                        + CheckpointException.firstLine(e) + " (it must be a HuggingFace fast-tokenizer"
                        + " tokenizer.json)", e);
            }
        });
    }

    private DocumentTokens document(String text) {
        String checked = checked(text);
        return DocumentTokens.of(of(untruncated().encode(checked), checked, null, false));
    }

    private synchronized HuggingFaceTokenizer untruncated() {
        if (closed) {
            throw new IllegalStateException("Cannot encode text: the tokenizer " + tokenizerJson
                    + " is closed (load it again)");
        }
        if (untruncated == null) {
            untruncated = build(tokenizerJson, maxLength, false);
        }
        return untruncated;
    }

    /**
     * The text to hand to the native tokenizer: not null, and with unpaired surrogates replaced by U+FFFD (see
     * {@link Utf16Offsets#wellFormed}), so that character offsets stay those of the original text.
     */
    private static String checked(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Cannot encode text: it is null (filter or replace null rows first)");
        }
        return Utf16Offsets.wellFormed(text);
    }

    private static TokenizedText of(Encoding encoding, String first, String second, boolean truncated) {
        long[] ids = encoding.getIds();
        long[] words = encoding.getWordIds();
        long[] sequences = encoding.getSequenceIds();
        long[] mask = encoding.getSpecialTokenMask();
        CharSpan[] spans = encoding.getCharTokenSpans();
        Utf16Offsets firstOffsets = Utf16Offsets.of(first);
        Utf16Offsets secondOffsets = second == null ? null : Utf16Offsets.of(second);
        int n = ids.length;
        int[] starts = new int[n];
        int[] ends = new int[n];
        int[] wordIds = new int[n];
        boolean[] special = new boolean[n];
        for (int i = 0; i < n; i++) {
            special[i] = mask[i] != 0;
            wordIds[i] = special[i] ? -1 : (int) words[i];
            Utf16Offsets offsets = sequences[i] == 1 ? secondOffsets : sequences[i] == 0 ? firstOffsets : null;
            if (special[i] || spans[i] == null || offsets == null) {
                starts[i] = -1;
                ends[i] = -1;
            } else {
                starts[i] = offsets.toUtf16(spans[i].getStart());
                ends[i] = offsets.toUtf16(spans[i].getEnd());
            }
        }
        return new TokenizedText(ids, encoding.getTypeIds(), starts, ends, wordIds, special, truncated);
    }

    /**
     * The token ids of a whole text without the special tokens the post-processor adds and without truncation,
     * for callers that assemble rows themselves (pre-training instances).
     */
    public long[] contentIds(String text) {
        return untruncated().encode(checked(text), false, false).getIds();
    }

    /** The surface form of one vocabulary id (a sub-word keeps its "##" or "Ġ" marker as the tokenizer decodes it). */
    public String decode(long id) {
        return tokenizer.decode(new long[] {id}, false).trim();
    }

    /** The id of the mask token ({@code [MASK]} or {@code <mask>}), if the tokenizer has one. */
    public OptionalLong maskTokenId() {
        for (String mask : new String[] {"[MASK]", "<mask>"}) {
            Encoding encoding = tokenizer.encode(mask, false, false);
            if (encoding.getIds().length == 1 && encoding.getTokens()[0].trim().equals(mask)) {
                return OptionalLong.of(encoding.getIds()[0]);
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public synchronized void close() {
        closed = true;
        tokenizer.close();
        if (untruncated != null) {
            untruncated.close();
        }
        pairWindowTokenizers.values().forEach(HuggingFaceTokenizer::close);
    }
}
