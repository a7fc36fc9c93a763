package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.Precision;

import java.util.ArrayList;
import java.util.EnumMap;
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
    /**
     * The roofline by precision, then by cores used: the best median rate over the products and layouts using that
     * many cores. fp32 holds the best fp32 or bf16 GEMM in GFLOP/s, int8 the best int8 one in GOP/s.
     */
    final Map<Precision, Map<Integer, Double>> roofline = new EnumMap<>(Precision.class);

    Results(BenchSettings settings, String date, Map<String, String> machine) {
        this.settings = settings;
        this.date = date;
        this.machine = machine;
    }

    /** The measured ceiling of figures at {@code precision} (bf16 ones: fp32's) on {@code cores} cores, or null. */
    Double ceiling(Precision precision, int cores) {
        Map<Integer, Double> byCores = roofline.get(precision == Precision.BF16 ? Precision.FP32 : precision);
        return byCores == null ? null : byCores.get(cores);
    }

    /** Raises the ceiling of {@code precision} on {@code cores} cores to {@code rate} if that is higher. */
    void raiseCeiling(Precision precision, int cores, double rate) {
        roofline.computeIfAbsent(precision, x -> new TreeMap<>()).merge(cores, rate, Math::max);
    }

    Table table(String id) {
        return tables.get(id);
    }

    Table add(Table table) {
        tables.put(table.id, table);
        return table;
    }
}
