package dev.sparkencoders.text.pretrain;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * BERT's {@code create_instances_from_document}, one copy of one document at a time, with every random choice drawn
 * from streams seeded by the seed, the document's index and the copy ({@link SeededRandom}):
 * <ol>
 *   <li>The target length is the content room ({@code max-length} less the special tokens), or with the
 *   short-sequence probability a uniform length from 2 to it.</li>
 *   <li>Sentences are added to a chunk until it reaches the target or the document ends.</li>
 *   <li>NSP and SOP: A takes the first 1 .. k-1 of the chunk's k sentences (uniformly). NSP: with probability 0.5
 *   B is drawn from a random other document (uniform over the others, starting at a uniform sentence and taking
 *   sentences until it reaches the target less A; label 1) and the chunk's unused sentences go back to the
 *   document; else B is the rest of the chunk (label 0). SOP: B is the rest of the chunk, and A and B are swapped
 *   with probability 0.5 (label 1). For both, a chunk of one sentence is cut in two at the word start nearest its
 *   middle to make A and B, so the label stays a fair coin on short documents (BERT's tool always draws a random
 *   next for such a chunk, which tilts NSP labels towards 1: 0.57 on documents of about ten sentences); a
 *   one-token sentence alone gets a random next (NSP) or is skipped and counted (SOP). {@code none}: the whole
 *   chunk is one segment (RoBERTa's packing of full sentences, within a document); {@code rtd} packs as
 *   {@code none}.</li>
 *   <li>The pair is cut to the content room by removing tokens from the longer segment (B on a tie), from its
 *   front or back with probability 0.5 each; then {@link MaskingRules} masks it.</li>
 * </ol>
 *
 * <pre>{@code
 * for (InstanceDraft draft : DocumentInstances.draft(doc, copy, documents, settings)) {
 *     InstanceDraft whole = draft.needsRandomNext() ? DocumentInstances.withRandomNext(draft, other, settings) : draft;
 *     PretrainInstance instance = DocumentInstances.finish(whole, settings);
 * }
 * }</pre>
 */
public final class DocumentInstances {

    private DocumentInstances() {}

    /** The drafts of copy {@code copy} of {@code doc}, in a corpus of {@code documents} documents. */
    public static List<InstanceDraft> draft(TokenizedDocument doc, int copy, long documents, PretrainSettings settings) {
        SplittableRandom rng = SeededRandom.of(settings.seed(), doc.index(), copy);
        int room = settings.maxContentTokens();
        int target = room;
        if (rng.nextDouble() < settings.shortSeqProb()) {
            target = 2 + rng.nextInt(room - 1);
        }
        int[][] sentences = doc.sentences();
        boolean[] continues = settings.continuesWord();
        PretrainObjective objective = settings.objective();
        List<InstanceDraft> drafts = new ArrayList<>();
        int chunkStart = 0;
        int chunkLength = 0;
        int i = 0;
        while (i < sentences.length) {
            chunkLength += sentences[i].length;
            if (i == sentences.length - 1 || chunkLength >= target) {
                int chunkEnd = i + 1;
                int k = chunkEnd - chunkStart;
                int number = drafts.size();
                if (!objective.pairs()) {
                    drafts.add(draft(doc, copy, number, Segment.of(sentences, chunkStart, chunkEnd, continues), null,
                            -1, -1, 0, 0, rng.nextLong()));
                } else {
                    int aEnd = k >= 2 ? chunkStart + 1 + rng.nextInt(k - 1) : chunkEnd;
                    Segment a = Segment.of(sentences, chunkStart, aEnd, continues);
                    if (objective == PretrainObjective.NSP) {
                        if (rng.nextDouble() < 0.5 || k == 1 && a.length() < 2) {
                            long random = otherDocument(doc.index(), documents, rng);
                            drafts.add(draft(doc, copy, number, a, null, 1, random, target - a.length(),
                                    rng.nextLong(), rng.nextLong()));
                            i -= chunkEnd - aEnd; // the chunk's unused sentences start the next chunk
                        } else if (k == 1) {
                            Segment[] halves = halves(a);
                            drafts.add(draft(doc, copy, number, halves[0], halves[1], 0, -1, 0, 0, rng.nextLong()));
                        } else {
                            drafts.add(draft(doc, copy, number, a, Segment.of(sentences, aEnd, chunkEnd, continues),
                                    0, -1, 0, 0, rng.nextLong()));
                        }
                    } else {
                        drafts.add(sentenceOrder(doc, copy, number, a,
                                k >= 2 ? Segment.of(sentences, aEnd, chunkEnd, continues) : null, rng));
                    }
                }
                chunkStart = i + 1;
                chunkLength = 0;
            }
            i++;
        }
        return drafts;
    }

    private static InstanceDraft draft(TokenizedDocument doc, int copy, int number, Segment a, Segment b, int label,
                                       long random, int targetB, long nextSeed, long maskSeed) {
        return new InstanceDraft(doc.index(), copy, number, a, b, label, random, targetB, nextSeed, maskSeed, false);
    }

    /** SOP: A then B, swapped with probability 0.5; one sentence alone is cut at the word start nearest its middle. */
    private static InstanceDraft sentenceOrder(TokenizedDocument doc, int copy, int number, Segment a, Segment b,
                                               SplittableRandom rng) {
        if (b == null) {
            if (a.length() < 2) {
                return new InstanceDraft(doc.index(), copy, number, a, null, -1, -1, 0, 0, 0, true);
            }
            Segment[] halves = halves(a);
            a = halves[0];
            b = halves[1];
        }
        boolean swap = rng.nextDouble() < 0.5;
        return draft(doc, copy, number, swap ? b : a, swap ? a : b, swap ? 1 : 0, -1, 0, 0, rng.nextLong());
    }

    /** One sentence of at least 2 tokens cut in two at the word start nearest its middle (else at the middle). */
    private static Segment[] halves(Segment sentence) {
        int n = sentence.length();
        int cut = n / 2;
        int best = Integer.MAX_VALUE;
        for (int p = 1; p < n; p++) {
            if (sentence.wordStarts()[p] && Math.abs(p - n / 2) < best) {
                best = Math.abs(p - n / 2);
                cut = p;
            }
        }
        return new Segment[] {sentence.slice(0, cut), sentence.slice(cut, n)};
    }

    /** A uniform document index other than {@code self}, out of {@code documents} (at least 2). */
    static long otherDocument(long self, long documents, SplittableRandom rng) {
        if (documents < 2) {
            throw new IllegalStateException("Cannot draw a random next segment: the corpus has " + documents
                    + " document(s) (NSP needs at least two)");
        }
        long r = rng.nextLong(documents - 1);
        return r >= self ? r + 1 : r;
    }

    /**
     * Segment B of a random-next draft, from document {@code other} (the draft's {@code randomDocument}): a uniform
     * first sentence, then sentences until B reaches the draft's target (at least one sentence).
     */
    public static InstanceDraft withRandomNext(InstanceDraft draft, TokenizedDocument other, PretrainSettings settings) {
        SplittableRandom rng = new SplittableRandom(draft.nextSeed());
        int[][] sentences = other.sentences();
        int start = rng.nextInt(sentences.length);
        int end = start;
        int length = 0;
        while (end < sentences.length) {
            length += sentences[end].length;
            end++;
            if (length >= draft.targetBLength()) {
                break;
            }
        }
        return draft.withB(Segment.of(sentences, start, end, settings.continuesWord()));
    }

    /** Truncates and masks a draft whose segments are all there. */
    public static PretrainInstance finish(InstanceDraft draft, PretrainSettings settings) {
        if (draft.skipped()) {
            return PretrainInstance.skipped(draft);
        }
        if (draft.needsRandomNext()) {
            throw new IllegalStateException("Cannot finish instance " + draft.number() + " of document "
                    + draft.document() + ": its random next segment was never drawn (draw it with withRandomNext)");
        }
        SplittableRandom rng = new SplittableRandom(draft.maskSeed());
        Segment a = draft.a();
        Segment b = draft.b();
        int aFrom = 0;
        int aTo = a.length();
        int bFrom = 0;
        int bTo = b == null ? 0 : b.length();
        int room = settings.maxContentTokens();
        int truncated = 0;
        while ((aTo - aFrom) + (bTo - bFrom) > room) {
            boolean cutA = aTo - aFrom > bTo - bFrom;
            boolean front = rng.nextDouble() < 0.5;
            if (cutA) {
                if (front) {
                    aFrom++;
                } else {
                    aTo--;
                }
            } else if (front) {
                bFrom++;
            } else {
                bTo--;
            }
            truncated++;
        }
        InstanceTemplate t = settings.template();
        boolean pairs = b != null;
        int[] prefix = pairs ? t.pairPrefix() : t.singlePrefix();
        int[] suffix = pairs ? t.pairSuffix() : t.singleSuffix();
        int[] middle = pairs ? t.pairMiddle() : new int[0];
        int n = prefix.length + (aTo - aFrom) + middle.length + (bTo - bFrom) + suffix.length;
        int[] ids = new int[n];
        int[] segments = new int[n];
        boolean[] special = new boolean[n];
        boolean[] starts = new boolean[n];
        int k = 0;
        k = specials(prefix, 0, ids, segments, special, k);
        k = content(a, aFrom, aTo, 0, ids, segments, starts, k);
        k = specials(middle, 0, ids, segments, special, k);
        if (pairs) {
            k = content(b, bFrom, bTo, 1, ids, segments, starts, k);
        }
        specials(suffix, pairs ? 1 : 0, ids, segments, special, k);
        MaskingRules.Masked masked = settings.masking().apply(ids, special, starts, rng);
        return new PretrainInstance(draft.document(), draft.copy(), draft.number(), masked.inputIds(), segments,
                masked.positions(), masked.labels(), masked.kinds(), draft.label(),
                (aTo - aFrom) + (bTo - bFrom), truncated, false, null);
    }

    private static int specials(int[] tokens, int segment, int[] ids, int[] segments, boolean[] special, int k) {
        for (int token : tokens) {
            ids[k] = token;
            segments[k] = segment;
            special[k] = true;
            k++;
        }
        return k;
    }

    private static int content(Segment s, int from, int to, int segment, int[] ids, int[] segments, boolean[] starts,
                               int k) {
        for (int i = from; i < to; i++) {
            ids[k] = s.ids()[i];
            segments[k] = segment;
            starts[k] = s.wordStarts()[i];
            k++;
        }
        return k;
    }
}
