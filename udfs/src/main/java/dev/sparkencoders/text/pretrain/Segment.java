package dev.sparkencoders.text.pretrain;

import java.io.Serializable;

/**
 * Consecutive sentences of a document joined into one run of token ids, with the tokens that begin a word: the
 * first token of every sentence, and every token whose piece does not continue a word.
 *
 * <pre>{@code
 * Segment a = Segment.of(doc.sentences(), 0, 2, continuesWord);   // sentences 0 and 1
 * }</pre>
 */
public record Segment(int[] ids, boolean[] wordStarts) implements Serializable {

    public static Segment of(int[][] sentences, int from, int to, boolean[] continuesWord) {
        int n = 0;
        for (int s = from; s < to; s++) {
            n += sentences[s].length;
        }
        int[] ids = new int[n];
        boolean[] starts = new boolean[n];
        int k = 0;
        for (int s = from; s < to; s++) {
            int[] sentence = sentences[s];
            for (int i = 0; i < sentence.length; i++) {
                int id = sentence[i];
                ids[k] = id;
                starts[k] = i == 0 || id < 0 || id >= continuesWord.length || !continuesWord[id];
                k++;
            }
        }
        return new Segment(ids, starts);
    }

    public int length() {
        return ids.length;
    }

    /** Tokens {@code from} (inclusive) to {@code to} (exclusive). */
    public Segment slice(int from, int to) {
        return new Segment(java.util.Arrays.copyOfRange(ids, from, to),
                java.util.Arrays.copyOfRange(wordStarts, from, to));
    }
}
