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

    /** The UTF-16 index of a code-point offset, clamped to the text (ill-formed UTF-16 may shift offsets). */
    int toUtf16(int codePoints) {
        if (table == null) {
            return Math.min(codePoints, length);
        }
        return table[Math.min(codePoints, table.length - 1)];
    }
}
