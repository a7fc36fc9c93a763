package dev.sparkencoders.text;

/**
 * One window of a long text from {@link TextTokenizer#windows}: a row that fits the maximum length, holding the
 * document's content tokens {@code [firstContentToken, firstContentToken + contentLength)} at row positions
 * {@code [contentStart, contentStart + contentLength)}, with the tokenizer's special tokens around them.
 * {@code documentTokens} is the number of content tokens of the whole document, so results can be mapped back and
 * missing windows noticed. Word ids and character spans in {@code tokens} refer to the whole document.
 *
 * <pre>{@code
 * for (TokenWindow w : tokenizer.windows(text, 128)) {
 *     int doc = w.documentToken(position);   // -1 for [CLS]/[SEP]
 * }
 * }</pre>
 */
public record TokenWindow(TokenizedText tokens, int firstContentToken, int contentStart, int contentLength,
                          int documentTokens) {

    public TokenWindow {
        if (firstContentToken < 0 || contentStart < 0 || contentLength < 0
                || contentStart + contentLength > tokens.length()
                || firstContentToken + contentLength > documentTokens) {
            throw new IllegalArgumentException("Cannot build token window: content " + firstContentToken + "+"
                    + contentLength + " at row position " + contentStart + " does not fit a row of "
                    + tokens.length() + " tokens and a document of " + documentTokens
                    + " content tokens (take windows from TextTokenizer.windows)");
        }
    }

    /** The document content-token index at row position {@code position}, or -1 for a special token. */
    public int documentToken(int position) {
        int offset = position - contentStart;
        return offset >= 0 && offset < contentLength ? firstContentToken + offset : -1;
    }

    /** Whether this window ends at the document's last content token. */
    public boolean isLast() {
        return firstContentToken + contentLength == documentTokens;
    }
}
