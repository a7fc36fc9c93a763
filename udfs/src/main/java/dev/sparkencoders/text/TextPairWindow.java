package dev.sparkencoders.text;

/**
 * One row of a text pair from {@link TextTokenizer#pairWindows}: the tokens, and the row positions
 * {@code [secondStart, secondEnd)} that hold the second text's tokens (a window of it), whose character spans index
 * into the second text.
 *
 * <pre>{@code
 * for (TextPairWindow w : tokenizer.pairWindows(question, context, 128)) {
 *     String first = context.substring(w.tokens().starts()[w.secondStart()], w.tokens().ends()[w.secondStart()]);
 * }
 * }</pre>
 */
public record TextPairWindow(TokenizedText tokens, int secondStart, int secondEnd) {

    public TextPairWindow {
        if (secondStart < 0 || secondEnd < secondStart || secondEnd > tokens.length()) {
            throw new IllegalArgumentException("Cannot build text-pair window: second text at positions ["
                    + secondStart + ", " + secondEnd + ") of a row of " + tokens.length() + " tokens (take windows"
                    + " from TextTokenizer.pairWindows)");
        }
    }
}
