package dev.sparkencoders.text;

import java.util.List;

/**
 * Rebuilds a document's content tokens from its windows and averages each token's probabilities over the windows
 * that hold it.
 */
final class WindowMerger {

    /** The document's content tokens (no special tokens) and their averaged probabilities. */
    record Merged(TokenizedText tokens, float[][] probabilities) {}

    private WindowMerger() {}

    static Merged merge(List<WindowPrediction> windows, int labels) {
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("Cannot aggregate windows: there are none"
                    + " (pass every window of TextTokenizer.windows)");
        }
        int n = windows.get(0).window().documentTokens();
        TokenizedText doc = new TokenizedText(new long[n], new long[n], new int[n], new int[n], new int[n],
                new boolean[n], false);
        double[][] sums = new double[n][labels];
        int[] counts = new int[n];
        for (WindowPrediction prediction : windows) {
            TokenWindow w = prediction.window();
            if (w.documentTokens() != n) {
                throw new IllegalArgumentException("Cannot aggregate windows: they come from documents of " + n
                        + " and " + w.documentTokens() + " tokens (pass the windows of one text)");
            }
            TokenizedText t = w.tokens();
            for (int p = w.contentStart(); p < w.contentStart() + w.contentLength(); p++) {
                int d = w.documentToken(p);
                float[] row = prediction.probabilities()[p];
                if (row.length != labels) {
                    throw new IllegalArgumentException("Cannot aggregate windows: a token has " + row.length
                            + " probabilities for " + labels + " labels (give one per label of id2label)");
                }
                for (int c = 0; c < labels; c++) {
                    sums[d][c] += row[c];
                }
                counts[d]++;
                doc.ids()[d] = t.ids()[p];
                doc.typeIds()[d] = t.typeIds()[p];
                doc.starts()[d] = t.starts()[p];
                doc.ends()[d] = t.ends()[p];
                doc.wordIds()[d] = t.wordIds()[p];
            }
        }
        float[][] probabilities = new float[n][labels];
        for (int d = 0; d < n; d++) {
            if (counts[d] == 0) {
                throw new IllegalArgumentException("Cannot aggregate windows: document token " + d + " of " + n
                        + " is in none of the " + windows.size() + " windows (pass every window of"
                        + " TextTokenizer.windows)");
            }
            for (int c = 0; c < labels; c++) {
                probabilities[d][c] = (float) (sums[d][c] / counts[d]);
            }
        }
        return new Merged(doc, probabilities);
    }
}
