package dev.sparkencoders.jobs.bench;

/**
 * One target of the bench (issues 14, 15 and 16) and whether the figures of this run meet it. {@code value} is null (and the status
 * {@code N/A}) when a figure it needs was not measured.
 */
record Target(String name, String requirement, Double value, String unit, String status, String basis) {

    static final String PASS = "PASS";
    static final String FAIL = "FAIL";
    static final String NOT_MEASURED = "N/A";

    static Target atLeast(String name, String requirement, Double value, double threshold, String unit, String basis) {
        return new Target(name, requirement, value, unit, value == null ? NOT_MEASURED : value >= threshold ? PASS : FAIL,
                basis);
    }

    static Target atMost(String name, String requirement, Double value, double threshold, String unit, String basis) {
        return new Target(name, requirement, value, unit, value == null ? NOT_MEASURED : value <= threshold ? PASS : FAIL,
                basis);
    }

    static Target below(String name, String requirement, Double value, double threshold, String unit, String basis) {
        return new Target(name, requirement, value, unit, value == null ? NOT_MEASURED : value < threshold ? PASS : FAIL,
                basis);
    }

    String measured() {
        return value == null ? "not measured" : Stats.number(value) + unit;
    }
}
