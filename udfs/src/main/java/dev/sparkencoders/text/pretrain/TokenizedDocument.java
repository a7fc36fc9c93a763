package dev.sparkencoders.text.pretrain;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One document as token ids, one array per sentence (no special tokens), with its place in the corpus: {@code index}
 * numbers the documents 0..N-1 in an order that depends on their content only, or is -1 before they are numbered.
 *
 * <pre>{@code
 * TokenizedDocument doc = new TokenizedDocument(-1, new int[][] {{7592, 2088}, {2023, 2003}});
 * }</pre>
 */
public record TokenizedDocument(long index, int[][] sentences) implements Serializable {

    public TokenizedDocument withIndex(long newIndex) {
        return new TokenizedDocument(newIndex, sentences);
    }

    public int tokens() {
        int n = 0;
        for (int[] sentence : sentences) {
            n += sentence.length;
        }
        return n;
    }

    /** A hash of the token ids, sentence by sentence: the first key of the corpus order. */
    public long contentHash() {
        long h = SeededRandom.hash(sentences.length);
        for (int[] sentence : sentences) {
            h = SeededRandom.hash(h, Arrays.hashCode(sentence), sentence.length);
        }
        return h;
    }

    /**
     * The document's place in the corpus order: by {@link #contentHash()}, then by the ids themselves, so only
     * documents with the same ids tie (and those are interchangeable).
     */
    public CorpusOrder order() {
        return new CorpusOrder(contentHash(), sentences);
    }

    /** A sort key of documents that depends on their content only (see {@link #order()}). */
    public record CorpusOrder(long hash, int[][] sentences) implements Serializable, Comparable<CorpusOrder> {

        @Override
        public int compareTo(CorpusOrder other) {
            int c = Long.compare(hash, other.hash);
            if (c != 0) {
                return c;
            }
            int n = Math.min(sentences.length, other.sentences.length);
            for (int i = 0; i < n; i++) {
                c = Arrays.compare(sentences[i], other.sentences[i]);
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(sentences.length, other.sentences.length);
        }
    }
}
