package dev.sparkencoders.spark;

import java.util.List;

/** What the zero-shot tasks share: the checks on labels and template, and the label descriptions. */
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
}
