package dev.sparkencoders.encoder;

/**
 * The cosines and sines of rotary position embeddings for positions 0 .. positions-1, each row {@code headSize}
 * wide: angle(p, i) = p * theta^(-2k / headSize) with k = i mod headSize/2 (HuggingFace's {@code cat(freqs, freqs)},
 * the rotate-half convention). Computed in float32 steps as HuggingFace's rotary embedding computes them (inverse
 * frequencies, then position times frequency, then cos and sin), so long sequences see the same angles.
 *
 * <pre>{@code
 * RotaryTables tables = RotaryTables.of(8192, 64, 160_000.0);
 * float c = tables.cos()[position * 64 + i];
 * }</pre>
 *
 * @param cos row-major [positions, headSize]
 * @param sin row-major [positions, headSize]
 */
public record RotaryTables(int positions, int headSize, float[] cos, float[] sin) {

    public static RotaryTables of(int positions, int headSize, double theta) {
        if (headSize % 2 != 0) {
            throw new IllegalArgumentException("Cannot build rotary tables: head size " + headSize
                    + " is odd (rotate-half needs an even head size)");
        }
        int half = headSize / 2;
        float[] inverseFrequencies = new float[half];
        for (int k = 0; k < half; k++) {
            float exponent = (float) (2 * k) / headSize;
            inverseFrequencies[k] = 1f / (float) Math.pow(theta, exponent);
        }
        float[] cos = new float[positions * headSize];
        float[] sin = new float[positions * headSize];
        for (int p = 0; p < positions; p++) {
            for (int k = 0; k < half; k++) {
                float angle = p * inverseFrequencies[k];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                int row = p * headSize;
                cos[row + k] = c;
                cos[row + half + k] = c;
                sin[row + k] = s;
                sin[row + half + k] = s;
            }
        }
        return new RotaryTables(positions, headSize, cos, sin);
    }
}
