package dev.sparkencoders.jobs.evaluate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Accuracy, per-label precision/recall/F1 and macro-F1 from a confusion matrix of string labels. Macro-F1 is the
 * unweighted mean of the per-label F1 over every label that occurs as gold or as prediction (scikit-learn's
 * {@code f1_score(average="macro")}, with 0 where a label's precision or recall is undefined). Spark's
 * {@code MulticlassClassificationEvaluator} "f1" is the weighted mean instead, hence this class.
 *
 * <pre>{@code
 * ClassificationMetrics m = ClassificationMetrics.of(List.of(new Cell("a", "a", 9), new Cell("a", "b", 1)));
 * double accuracy = m.accuracy();   // 0.9
 * }</pre>
 */
record ClassificationMetrics(List<String> labels, long[][] counts) {

    /** {@code count} rows with gold label {@code actual} were predicted as {@code predicted}. */
    record Cell(String actual, String predicted, long count) {}

    static ClassificationMetrics of(Collection<Cell> cells) {
        TreeSet<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder()));
        for (Cell c : cells) {
            names.add(c.actual());
            names.add(c.predicted());
        }
        List<String> labels = new ArrayList<>(names);
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        long[][] counts = new long[labels.size()][labels.size()];
        for (Cell c : cells) {
            counts[index.get(c.actual())][index.get(c.predicted())] += c.count();
        }
        return new ClassificationMetrics(labels, counts);
    }

    long total() {
        long n = 0;
        for (long[] row : counts) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    double accuracy() {
        long correct = 0;
        for (int i = 0; i < counts.length; i++) {
            correct += counts[i][i];
        }
        long n = total();
        return n == 0 ? 0 : (double) correct / n;
    }

    double precision(int label) {
        long predicted = 0;
        for (long[] row : counts) {
            predicted += row[label];
        }
        return predicted == 0 ? 0 : (double) counts[label][label] / predicted;
    }

    double recall(int label) {
        long actual = 0;
        for (long v : counts[label]) {
            actual += v;
        }
        return actual == 0 ? 0 : (double) counts[label][label] / actual;
    }

    double f1(int label) {
        double p = precision(label);
        double r = recall(label);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    double macroF1() {
        if (labels.isEmpty()) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < labels.size(); i++) {
            sum += f1(i);
        }
        return sum / labels.size();
    }

    /** Each gold row divided by its total (recall on the diagonal), for a heat map that is readable per label. */
    double[][] rowNormalized() {
        double[][] out = new double[counts.length][counts.length];
        for (int i = 0; i < counts.length; i++) {
            long actual = 0;
            for (long v : counts[i]) {
                actual += v;
            }
            for (int j = 0; j < counts.length; j++) {
                out[i][j] = actual == 0 ? 0 : (double) counts[i][j] / actual;
            }
        }
        return out;
    }
}
