package dev.sparkencoders.text;

/**
 * Converts the tokenizer's character offsets (Unicode code points, as the HuggingFace tokenizers library counts
 * them) into Java {@code String} (UTF-16) indices. Identity, with no table, for text without surrogate pairs.
 */
final class Utf16Offsets {

    /** UTF-16 index of each code-point index (one extra entry for the end); null for identity. */
    private final int[] table;
    private final int length;

    private Utf16Offsets(int[] table, int length) {
        this.table = table;
        this.length = length;
    }

    static Utf16Offsets of(String text) {
        int n = text.length();
        int i = 0;
        while (i < n && !Character.isSurrogate(text.charAt(i))) {
            i++;
        }
        if (i == n) {
            return new Utf16Offsets(null, n);
        }
        int[] table = new int[text.codePointCount(0, n) + 1];
        int cp = 0;
        for (int at = 0; at < n; at = text.offsetByCodePoints(at, 1)) {
            table[cp++] = at;
        }
        table[cp] = n;
        return new Utf16Offsets(table, n);
    }

    /**
     * The text with every unpaired surrogate replaced by U+FFFD, the character UTF-8 encoders write for it; the
     * same text when it has none. The length stays the same, so offsets into the result are offsets into the
     * text. Without it the native tokenizer receives the surrogates in a form that is not UTF-8 and drops or
     * widens them, which shifts the offsets of every later token.
     */
    static String wellFormed(String text) {
        int n = text.length();
        int i = 0;
        while (i < n && !Character.isSurrogate(text.charAt(i))) {
            i++;
        }
        if (i == n) {
            return text;
        }
        StringBuilder out = new StringBuilder(text);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                out.setCharAt(i, '\uFFFD');
            }
        }
        return out.toString();
    }

    /** The UTF-16 index of a code-point offset, clamped to the text. */
    int toUtf16(int codePoints) {
        if (table == null) {
            return Math.min(codePoints, length);
        }
        return table[Math.min(codePoints, table.length - 1)];
    }
}
