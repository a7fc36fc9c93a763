package dev.sparkencoders.text.pretrain;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * BERT's masked-LM rule for one instance. The content tokens (not special) form candidates, one per token, or with
 * {@code wholeWord} one per word: a token that continues a word ({@code ##ing}, a piece without {@code ▁}) joins
 * the candidate of the token just before it. The candidates are shuffled and taken in that order while they fit
 * in {@code min(maxPredictions, max(1, round(maskProb x content tokens)))} predictions (rounded half up; BERT's
 * tool counts [CLS] and [SEP] too); a word that would overshoot is passed over. Each chosen token becomes
 * {@code [MASK]} with probability {@code maskTokenShare} (BERT: 0.8; ELECTRA's generator input: 1), else keeps its
 * id with probability 0.5, else takes a random id from {@code randomIds}.
 *
 * <pre>{@code
 * MaskingRules rules = new MaskingRules(0.15, 20, true, maskId, vocabulary.ordinaryIds());
 * MaskingRules.Masked masked = rules.apply(ids, special, wordStart, rng);
 * }</pre>
 *
 * @param maskProb       share of the content tokens to predict
 * @param maxPredictions most predictions per instance
 * @param wholeWord      mask all pieces of a word together
 * @param maskId         the id of [MASK] / &lt;mask&gt;
 * @param randomIds      the ids a random replacement draws from, uniformly
 * @param maskTokenShare the share of chosen tokens that become [MASK]
 */
public record MaskingRules(double maskProb, int maxPredictions, boolean wholeWord, int maskId, int[] randomIds,
                           double maskTokenShare) implements Serializable {

    /** BERT's rule: 80% [MASK]. */
    public static final double BERT_MASK_SHARE = 0.8;

    /** The rules with BERT's 80% [MASK], 10% random, 10% unchanged. */
    public MaskingRules(double maskProb, int maxPredictions, boolean wholeWord, int maskId, int[] randomIds) {
        this(maskProb, maxPredictions, wholeWord, maskId, randomIds, BERT_MASK_SHARE);
    }

    /** A chosen token became [MASK]. */
    public static final byte MASK = 0;
    /** A chosen token became a random id. */
    public static final byte RANDOM = 1;
    /** A chosen token kept its id. */
    public static final byte KEPT = 2;

    public MaskingRules {
        if (!(maskProb >= 0 && maskProb <= 1) || maxPredictions < 1 || randomIds.length == 0) {
            throw new IllegalArgumentException("Cannot mask tokens: mask probability " + maskProb + ", "
                    + maxPredictions + " predictions at most and " + randomIds.length + " random ids (give a"
                    + " probability from 0 to 1, at least one prediction and a vocabulary)");
        }
    }

    /**
     * The masked instance: {@code inputIds} with the chosen tokens replaced, the chosen positions in increasing
     * order, their original ids and what each became ({@link #MASK}, {@link #RANDOM} or {@link #KEPT}).
     */
    public record Masked(int[] inputIds, int[] positions, int[] labels, byte[] kinds) {}

    /** How many tokens an instance with {@code contentTokens} content tokens predicts. */
    public int predictions(int contentTokens) {
        if (contentTokens == 0) {
            return 0;
        }
        return (int) Math.min(maxPredictions, Math.max(1, Math.round(contentTokens * maskProb)));
    }

    /**
     * Masks {@code ids}: {@code special} marks the tokens never chosen, {@code wordStart} the tokens that begin a
     * word (used with {@code wholeWord} only).
     */
    public Masked apply(int[] ids, boolean[] special, boolean[] wordStart, SplittableRandom rng) {
        int n = ids.length;
        int[] groupStart = new int[n];
        int[] groupLength = new int[n];
        int groups = 0;
        int content = 0;
        for (int i = 0; i < n; i++) {
            if (special[i]) {
                continue;
            }
            content++;
            boolean joins = wholeWord && !wordStart[i] && groups > 0
                    && groupStart[groups - 1] + groupLength[groups - 1] == i;
            if (joins) {
                groupLength[groups - 1]++;
            } else {
                groupStart[groups] = i;
                groupLength[groups] = 1;
                groups++;
            }
        }
        int[] order = new int[groups];
        for (int g = 0; g < groups; g++) {
            order[g] = g;
        }
        for (int g = groups - 1; g > 0; g--) {
            int j = rng.nextInt(g + 1);
            int t = order[g];
            order[g] = order[j];
            order[j] = t;
        }
        int target = predictions(content);
        byte[] chosen = new byte[n];
        java.util.Arrays.fill(chosen, (byte) -1);
        int[] output = ids.clone();
        int count = 0;
        for (int g : order) {
            if (count >= target) {
                break;
            }
            if (count + groupLength[g] > target) {
                continue;
            }
            for (int i = groupStart[g]; i < groupStart[g] + groupLength[g]; i++) {
                byte kind;
                if (rng.nextDouble() < maskTokenShare) {
                    kind = MASK;
                    output[i] = maskId;
                } else if (rng.nextDouble() < 0.5) {
                    kind = KEPT;
                } else {
                    kind = RANDOM;
                    output[i] = randomIds[rng.nextInt(randomIds.length)];
                }
                chosen[i] = kind;
                count++;
            }
        }
        int[] positions = new int[count];
        int[] labels = new int[count];
        byte[] kinds = new byte[count];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (chosen[i] >= 0) {
                positions[k] = i;
                labels[k] = ids[i];
                kinds[k] = chosen[i];
                k++;
            }
        }
        return new Masked(output, positions, labels, kinds);
    }
}
