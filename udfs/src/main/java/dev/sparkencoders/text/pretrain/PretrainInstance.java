package dev.sparkencoders.text.pretrain;

import java.io.Serializable;

/**
 * One finished pre-training instance, unpadded: the input ids with masks applied, the segment ids, the masked
 * positions with their original ids and what each became ({@link MaskingRules#MASK}, {@code RANDOM}, {@code KEPT}),
 * the label (-1 without objective), the content tokens and how many tokens truncation cut. {@code skipped} marks a
 * chunk that made no instance (counted, never written). {@code replacedLabels} is null until a generator has
 * replaced the masked tokens ({@link #withReplacements}); then 1 marks a token that differs from the original.
 *
 * <pre>{@code
 * PretrainInstance instance = DocumentInstances.finish(draft, settings);
 * }</pre>
 */
public record PretrainInstance(long document, int copy, int number, int[] inputIds, int[] segmentIds,
                               int[] maskedPositions, int[] maskedIds, byte[] maskKinds, int label,
                               int contentTokens, int truncatedTokens, boolean skipped, int[] replacedLabels)
        implements Serializable {

    static PretrainInstance skipped(InstanceDraft draft) {
        return new PretrainInstance(draft.document(), draft.copy(), draft.number(), new int[0], new int[0],
                new int[0], new int[0], new byte[0], -1, 0, 0, true, null);
    }

    /** The instance with a generator's tokens in place: {@code ids} to feed a discriminator, 1 where they differ. */
    public PretrainInstance withReplacements(int[] ids, int[] replaced) {
        return new PretrainInstance(document, copy, number, ids, segmentIds, maskedPositions, maskedIds, maskKinds,
                label, contentTokens, truncatedTokens, skipped, replaced);
    }

    public int length() {
        return inputIds.length;
    }

    /**
     * The output order: copy by copy, and within a copy shuffled by a hash of the seed, the document and the
     * instance's number, so the order is the same however the corpus was partitioned.
     */
    public Order order(long seed) {
        return new Order(copy, SeededRandom.hash(seed, document, number), document, number);
    }

    /** A total order of instances (see {@link #order}). */
    public record Order(int copy, long hash, long document, int number) implements Serializable, Comparable<Order> {

        @Override
        public int compareTo(Order o) {
            int c = Integer.compare(copy, o.copy);
            c = c != 0 ? c : Long.compare(hash, o.hash);
            c = c != 0 ? c : Long.compare(document, o.document);
            return c != 0 ? c : Integer.compare(number, o.number);
        }
    }
}
