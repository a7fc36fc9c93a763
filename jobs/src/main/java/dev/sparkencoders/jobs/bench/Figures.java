package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.Precision;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Looks figures up in a run's tables by their keys. The engine, naive, peer and ONNX Runtime tables key their rows by
 * model (key 0) and input (key 1); the engine table's key 3 is our engine's name with its precision
 * ({@link EnginePrecision#label()}), the ONNX Runtime table's last key its ONNX file.
 */
final class Figures {

    private final Results r;

    Figures(Results results) {
        this.r = results;
    }

    /** The row of {@code table} with the highest median of {@code metric} among those {@code filter} keeps. */
    Optional<Table.Row> bestRow(String table, Predicate<Table.Row> filter, String metric) {
        Table t = r.table(table);
        if (t == null) {
            return Optional.empty();
        }
        return t.rows(filter.and(x -> x.metrics().containsKey(metric))).stream()
                .max(Comparator.comparingDouble(x -> x.metrics().get(metric).median()));
    }

    Optional<Stats> best(String table, Predicate<Table.Row> filter, String metric) {
        return bestRow(table, filter, metric).map(x -> x.metrics().get(metric));
    }

    /** The first figure {@code metric} of a row {@code filter} keeps. */
    Optional<Stats> first(String table, Predicate<Table.Row> filter, String metric) {
        Table t = r.table(table);
        return t == null ? Optional.empty()
                : t.rows(filter).stream().map(x -> x.metrics().get(metric)).filter(Objects::nonNull).findFirst();
    }

    /** Rows of a model and input, on {@code cores} cores (null: any). */
    static Predicate<Table.Row> of(String model, String input, Integer cores) {
        return x -> x.key(0).equals(model) && x.key(1).equals(input) && (cores == null || x.cores() == cores);
    }

    /** Engine-table (and Spark-table) rows of one of our engines at one precision (null: any). */
    static Predicate<Table.Row> on(EnginePrecision variant) {
        return x -> variant == null || x.key(3).equals(variant.label());
    }

    /** Engine-table rows of any of our engines at {@code precision}, as this run's settings name them. */
    Predicate<Table.Row> atPrecision(Precision precision) {
        List<String> labels = r.settings.variants().stream().filter(v -> v.precision() == precision)
                .map(EnginePrecision::label).toList();
        return x -> labels.contains(x.key(3));
    }

    /** ONNX Runtime peer rows (section 3b) of the ONNX file of {@code precision}. */
    static Predicate<Table.Row> ortFile(Precision precision) {
        return x -> x.key(OrtPeerPart.FILE_KEY).equals(OrtPeerPart.file(precision).label());
    }

    static Double ratio(Optional<Stats> a, Optional<Stats> b) {
        return a.isPresent() && b.isPresent() ? a.get().median() / b.get().median() : null;
    }
}
