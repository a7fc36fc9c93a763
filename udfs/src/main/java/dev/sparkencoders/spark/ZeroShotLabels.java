package dev.sparkencoders.spark;

import java.util.List;

/** What the zero-shot tasks share: the checks on labels and template, the label descriptions, the softmax. */
final class ZeroShotLabels {

    /** Where a label goes in the template. */
    static final String PLACEHOLDER = "{}";

    private ZeroShotLabels() {}

    static void check(List<String> labels, String template) {
        if (labels.size() < 2) {
            throw new IllegalArgumentException("Cannot classify zero-shot with " + labels.size() + " label(s): a"
                    + " text is ranked among two or more (list them comma-separated in zero-shot.labels)");
        }
        if (labels.stream().distinct().count() != labels.size() || labels.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("Cannot classify zero-shot with labels " + labels + ": each must be"
                    + " non-empty and appear once (check zero-shot.labels)");
        }
        if (!template.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException("Cannot use zero-shot template '" + template + "': it has no "
                    + PLACEHOLDER + " where the label goes (e.g. \"This text is about {}.\")");
        }
    }

    /** Each label put into the template, in label order. */
    static List<String> descriptions(List<String> labels, String template) {
        return labels.stream().map(l -> template.replace(PLACEHOLDER, l)).toList();
    }

    static float[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : logits) {
            max = Math.max(max, x);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] p = new float[e.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }
}
