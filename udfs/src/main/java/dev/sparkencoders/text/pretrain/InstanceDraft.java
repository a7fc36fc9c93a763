package dev.sparkencoders.text.pretrain;

import java.io.Serializable;

/**
 * An instance as its document's chunking left it, before truncation and masking: segment A, segment B (null while
 * it must still come from the random document {@code randomDocument}, or for one-segment instances), the label and
 * the seeds of what is still to draw. {@code skipped} marks a chunk that could not make an instance (a one-token
 * sentence alone, for SOP); it is carried along only to be counted.
 *
 * @param document       the index of the document it comes from
 * @param copy           which copy of the document (0 .. dupe factor - 1)
 * @param number         its place among the instances of that copy
 * @param label          1 for a random next segment (NSP) or swapped segments (SOP), else 0; -1 without objective
 * @param randomDocument the document segment B is drawn from, or -1
 * @param targetBLength  the tokens B should reach when drawn from the random document
 * @param nextSeed       the seed of the draw from the random document
 * @param maskSeed       the seed of truncation and masking
 */
public record InstanceDraft(long document, int copy, int number, Segment a, Segment b, int label,
                            long randomDocument, int targetBLength, long nextSeed, long maskSeed, boolean skipped)
        implements Serializable {

    /** Whether segment B must still be drawn from another document. */
    public boolean needsRandomNext() {
        return !skipped && randomDocument >= 0 && b == null;
    }

    public InstanceDraft withB(Segment next) {
        return new InstanceDraft(document, copy, number, a, next, label, randomDocument, targetBLength, nextSeed,
                maskSeed, skipped);
    }
}
