package dev.sparkencoders.jobs.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Everything a bench run found, in the order the report prints it. */
final class Results {

    final BenchSettings settings;
    final String date;
    final Map<String, String> machine;
    String engine = "";
    String loadAtEnd = "";
    double totalSeconds;
    /** What the inputs were: name to one-line description. */
    final Map<String, String> inputs = new LinkedHashMap<>();
    final Map<String, Table> tables = new LinkedHashMap<>();
    final List<Target> targets = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    /** The roofline by cores used: the best median GFLOP/s over the products and layouts using that many cores. */
    final Map<Integer, Double> roofline = new TreeMap<>();

    Results(BenchSettings settings, String date, Map<String, String> machine) {
        this.settings = settings;
        this.date = date;
        this.machine = machine;
    }

    Table table(String id) {
        return tables.get(id);
    }

    Table add(Table table) {
        tables.put(table.id, table);
        return table;
    }
}
