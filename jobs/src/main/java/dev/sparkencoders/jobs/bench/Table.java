package dev.sparkencoders.jobs.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One section of the report: rows named by key columns (model, input, layout, ...), each with figures under the
 * metric columns, plus notes printed under the table.
 */
final class Table {

    /**
     * One row: its key values in key-column order, its figures by metric column, and the cores its layout used
     * (0 where that does not apply).
     */
    record Row(List<String> keys, Map<String, Stats> metrics, int cores) {

        String key(int i) {
            return keys.get(i);
        }

        Optional<Stats> metric(String name) {
            return Optional.ofNullable(metrics.get(name));
        }
    }

    final String id;
    final String title;
    final String description;
    final List<String> keyColumns;
    final List<String> metricColumns;
    final List<Row> rows = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    Table(String id, String title, String description, List<String> keyColumns, List<String> metricColumns) {
        this.id = id;
        this.title = title;
        this.description = description;
        this.keyColumns = keyColumns;
        this.metricColumns = metricColumns;
    }

    Row add(List<String> keys, Map<String, Stats> metrics) {
        return add(keys, metrics, 0);
    }

    Row add(List<String> keys, Map<String, Stats> metrics, int cores) {
        if (keys.size() != keyColumns.size()) {
            throw new IllegalArgumentException("Cannot add row " + keys + " to table " + id + ": expected "
                    + keyColumns.size() + " keys");
        }
        Row row = new Row(List.copyOf(keys), new LinkedHashMap<>(metrics), cores);
        rows.add(row);
        return row;
    }

    List<Row> rows(Predicate<Row> filter) {
        return rows.stream().filter(filter).toList();
    }

    /** Column names, key columns first. */
    List<String> header() {
        List<String> h = new ArrayList<>(keyColumns);
        h.addAll(metricColumns);
        return h;
    }

    /** Cell texts of every row, in {@link #header()} order; a figure not measured is empty. */
    List<List<String>> cells() {
        List<List<String>> out = new ArrayList<>();
        for (Row r : rows) {
            List<String> line = new ArrayList<>(r.keys());
            for (String m : metricColumns) {
                Stats s = r.metrics().get(m);
                line.add(s == null ? "" : s.format());
            }
            out.add(line);
        }
        return out;
    }
}
