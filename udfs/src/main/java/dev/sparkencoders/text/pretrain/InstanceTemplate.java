package dev.sparkencoders.text.pretrain;

import dev.sparkencoders.text.TextTokenizer;
import dev.sparkencoders.text.TokenizedText;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The special tokens a tokenizer's post-processor puts around one segment and around two: {@code [CLS] A [SEP]} and
 * {@code [CLS] A [SEP] B [SEP]} for BERT and ALBERT, {@code <s> A </s>} and {@code <s> A </s></s> B </s>} for
 * RoBERTa, read off the tokenizer itself.
 *
 * <pre>{@code
 * InstanceTemplate template = InstanceTemplate.of(tokenizer);   // pairSpecials() == 3 for BERT
 * }</pre>
 */
public record InstanceTemplate(int[] pairPrefix, int[] pairMiddle, int[] pairSuffix, int[] singlePrefix,
                               int[] singleSuffix) implements Serializable {

    public static InstanceTemplate of(TextTokenizer tokenizer) {
        List<int[]> pair = specialRuns(tokenizer.encodePair("a", "b"), 3);
        List<int[]> single = specialRuns(tokenizer.encode("a"), 2);
        return new InstanceTemplate(pair.get(0), pair.get(1), pair.get(2), single.get(0), single.get(1));
    }

    /** The special tokens before, between and after the content runs of a row with {@code runs - 1} texts. */
    private static List<int[]> specialRuns(TokenizedText row, int runs) {
        List<int[]> out = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        boolean inContent = false;
        for (int i = 0; i < row.length(); i++) {
            if (row.isSpecial(i)) {
                if (inContent) {
                    inContent = false;
                }
                current.add((int) row.ids()[i]);
            } else if (!inContent) {
                inContent = true;
                out.add(current.stream().mapToInt(Integer::intValue).toArray());
                current = new ArrayList<>();
            }
        }
        out.add(current.stream().mapToInt(Integer::intValue).toArray());
        if (out.size() != runs) {
            throw new IllegalArgumentException("Cannot read the tokenizer's special tokens: a " + (runs - 1)
                    + "-text row has " + (out.size() - 1) + " runs of content tokens (the tokenizer must keep"
                    + " each text whole between its special tokens)");
        }
        return out;
    }

    /** Special tokens of a two-segment instance. */
    public int pairSpecials() {
        return pairPrefix.length + pairMiddle.length + pairSuffix.length;
    }

    /** Special tokens of a one-segment instance. */
    public int singleSpecials() {
        return singlePrefix.length + singleSuffix.length;
    }

    @Override
    public String toString() {
        return "InstanceTemplate" + Arrays.toString(pairPrefix) + " A " + Arrays.toString(pairMiddle) + " B "
                + Arrays.toString(pairSuffix);
    }
}
