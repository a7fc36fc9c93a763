package dev.sparkencoders.jobs.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code evaluate.task=intent} found, as {@code report.json} lists it ({@link #toMap()}).
 *
 * @param train         the training file and its SHA-256 hashes
 * @param test          the test file and its SHA-256 hashes
 * @param trainRows     training rows read
 * @param testRows      test rows read
 * @param trainRowsUsed training rows with a text, a label and an embedding
 * @param testRowsUsed  test rows with a text, a label and an embedding
 * @param labels        the labels the classifiers know (those of the training rows)
 * @param encoderCounts the encoder pass's counters (rows, tokens, rows truncated)
 * @param encoder       the encoder pass's time over every train and test text
 * @param methods       each method's figures, in the order they ran
 * @param classifier    where the embedding classifier was saved
 * @param predictions   where its test predictions were written
 * @param charts        the charts drawn
 * @param chartErrors   the charts that could not be drawn, with the reason
 */
record IntentReport(DataFile train, DataFile test, long trainRows, long testRows, long trainRowsUsed,
                    long testRowsUsed, int labels, Map<String, Object> encoderCounts, Timing encoder,
                    List<MethodResult> methods, String classifier, String predictions, List<String> charts,
                    Map<String, String> chartErrors) {

    /** A file the evaluation read and the SHA-256 of each of its data files. */
    record DataFile(String path, Map<String, String> sha256) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", path);
            m.put("sha256", sha256);
            return m;
        }
    }

    /** How long a step took over how many rows. */
    record Timing(double seconds, long rows) {

        static Timing since(long startNanos, long rows) {
            return new Timing((System.nanoTime() - startNanos) / 1e9, rows);
        }

        double roundedSeconds() {
            return round(seconds, 3);
        }

        double rowsPerSecond() {
            return round(rows / seconds, 1);
        }
    }

    /**
     * One method's figures on the test rows.
     *
     * @param holdoutAccuracyByRegParam the hold-out accuracy of each regularisation tried, or null when it was fixed
     */
    record MethodResult(String method, String description, Map<String, Double> holdoutAccuracyByRegParam,
                        double regParam, int maxIter, ClassificationMetrics metrics, Timing fit, Timing predict) {

        double accuracy() {
            return metrics.accuracy();
        }

        double macroF1() {
            return metrics.macroF1();
        }

        Map<String, Object> toMap(Timing encoder) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method);
            m.put("description", description);
            if (holdoutAccuracyByRegParam != null) {
                m.put("holdout_accuracy_by_reg_param", holdoutAccuracyByRegParam);
            }
            m.put("reg_param", regParam);
            m.put("max_iter", maxIter);
            m.put("accuracy", accuracy());
            m.put("macro_f1", macroF1());
            m.put("fit_seconds", fit.roundedSeconds());
            m.put("fit_rows_per_second", fit.rowsPerSecond());
            m.put("predict_seconds", predict.roundedSeconds());
            m.put("predict_rows_per_second", predict.rowsPerSecond());
            if (method.equals(IntentMethod.EMBEDDING)) {
                m.put("encoder_seconds", encoder.roundedSeconds());
                m.put("encoder_rows_per_second", encoder.rowsPerSecond());
            }
            return m;
        }
    }

    /** The method with the best test accuracy (the first of equals). */
    MethodResult best() {
        MethodResult best = methods.get(0);
        for (MethodResult m : methods) {
            if (m.accuracy() > best.accuracy()) {
                best = m;
            }
        }
        return best;
    }

    /** One line: each method's accuracy and macro-F1. */
    String summary() {
        StringBuilder summary = new StringBuilder();
        for (MethodResult r : methods) {
            summary.append(String.format(Locale.ROOT, "%s%s accuracy %.4f macro-F1 %.4f", summary.length() > 0
                    ? ", " : "", r.method(), r.accuracy(), r.macroF1()));
        }
        return summary.toString();
    }

    /** The report's entries, in the order {@code report.json} lists them. */
    Map<String, Object> toMap() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("train", train.toMap());
        data.put("test", test.toMap());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("data", data);
        report.put("train_rows", trainRows);
        report.put("test_rows", testRows);
        report.put("train_rows_used", trainRowsUsed);
        report.put("test_rows_used", testRowsUsed);
        report.put("labels", labels);
        Map<String, Object> encoderEntry = new LinkedHashMap<>(encoderCounts);
        encoderEntry.put("seconds", encoder.roundedSeconds());
        encoderEntry.put("rows_per_second", encoder.rowsPerSecond());
        encoderEntry.put("rows_failed", encoder.rows() - trainRowsUsed - testRowsUsed);
        report.put("encoder", encoderEntry);
        List<Map<String, Object>> methodEntries = new ArrayList<>();
        methods.forEach(m -> methodEntries.add(m.toMap(encoder)));
        report.put("methods", methodEntries);
        MethodResult best = best();
        report.put("best_method", best.method());
        report.put("best_method_per_label", perLabel(best.metrics()));
        report.put("classifier", classifier);
        report.put("predictions", predictions);
        report.put("charts", charts);
        if (!chartErrors.isEmpty()) {
            report.put("chart_errors", chartErrors);
        }
        report.put("summary", summary());
        return report;
    }

    private static List<Map<String, Object>> perLabel(ClassificationMetrics m) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < m.labels().size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("label", m.labels().get(i));
            row.put("precision", round(m.precision(i), 4));
            row.put("recall", round(m.recall(i), 4));
            row.put("f1", round(m.f1(i), 4));
            out.add(row);
        }
        return out;
    }

    private static double round(double value, int decimals) {
        return EvaluateJob.round(value, decimals);
    }
}
