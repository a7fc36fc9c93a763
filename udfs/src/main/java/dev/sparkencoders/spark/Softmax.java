package dev.sparkencoders.spark;

/** The softmax of logits computed in Java, for the tasks that combine a head's outputs across rows or windows. */
final class Softmax {

    private Softmax() {}

    /** exp(x - max) / sum, in double precision. */
    static double[] of(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : logits) {
            max = Math.max(max, x);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** {@link #of} as the float probabilities a result column holds. */
    static float[] floats(double[] logits) {
        double[] p = of(logits);
        float[] out = new float[p.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) p[i];
        }
        return out;
    }
}
