package dev.sparkencoders.text.pretrain;

import java.util.SplittableRandom;

/**
 * Random streams that depend on their inputs only: the seed, a document's index and a copy number, never on the
 * partition or thread that asks. Each stream starts from a SplitMix64 hash of its parts.
 *
 * <pre>{@code
 * SplittableRandom rng = SeededRandom.of(seed, documentIndex, copy);
 * }</pre>
 */
public final class SeededRandom {

    private SeededRandom() {}

    /** A stream for these parts; the same parts always give the same stream. */
    public static SplittableRandom of(long... parts) {
        return new SplittableRandom(hash(parts));
    }

    /** SplitMix64 over the parts in order. */
    public static long hash(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long part : parts) {
            h = mix(h ^ mix(part + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
