package dev.sparkencoders.jobs.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Median, min and max of a figure over its runs. */
record Stats(double median, double min, double max, int runs) {

    static Stats of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("Cannot summarise a figure without runs");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Stats(median, v[0], v[n - 1], n);
    }

    static Stats of(double... values) {
        return of(Arrays.stream(values).boxed().toList());
    }

    /** A value derived from other figures' medians, or measured once. */
    static Stats single(double value) {
        return new Stats(value, value, value, 1);
    }

    /** "median (min–max)", or the value alone when there was one run or no spread. */
    String format() {
        if (runs <= 1 || min == max) {
            return number(median);
        }
        return number(median) + " (" + number(min) + "–" + number(max) + ")";
    }

    static String number(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return "n/a";
        }
        double a = Math.abs(x);
        String pattern = a >= 1000 ? "%,.0f" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, x);
    }
}
