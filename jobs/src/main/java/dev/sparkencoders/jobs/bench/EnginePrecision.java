package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.Precision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One of our engines at one precision, as the engine, naive and spark parts run it ({@code bench.engines} x
 * {@code bench.precisions}, the pairs that run). Its label is the engine's name at fp32, as the report has always
 * named it, and the engine's name and the precision otherwise ({@code onnxruntime int8}).
 */
record EnginePrecision(BenchEngine engine, Precision precision) {

    EnginePrecision {
        if (!runs(engine, precision)) {
            throw new IllegalArgumentException("Cannot run " + engine.id() + " at " + precision.id() + ": "
                    + precision.id() + " runs on " + (precision == Precision.BF16 ? BenchEngine.PYTORCH
                    : BenchEngine.ONNXRUNTIME).id() + " only (leave it out of bench.precisions or bench.engines)");
        }
    }

    static EnginePrecision fp32(BenchEngine engine) {
        return new EnginePrecision(engine, Precision.FP32);
    }

    /**
     * Whether our {@code engine} runs at {@code precision}: int8 is ONNX Runtime's DynamicQuantizeMatMul, bf16
     * PyTorch's oneDNN products.
     */
    static boolean runs(BenchEngine engine, Precision precision) {
        return switch (precision) {
            case FP32 -> true;
            case INT8 -> engine == BenchEngine.ONNXRUNTIME;
            case BF16 -> engine == BenchEngine.PYTORCH;
        };
    }

    /** The name in the report's rows and targets: {@code pytorch}, {@code onnxruntime}, {@code onnxruntime int8}. */
    String label() {
        return precision == Precision.FP32 ? engine.id() : engine.id() + " " + precision.id();
    }

    /** Every pair that runs, engine by engine in {@code engines} order, each engine's precisions in their order. */
    static List<EnginePrecision> pairs(List<BenchEngine> engines, List<Precision> precisions) {
        List<EnginePrecision> out = new ArrayList<>();
        for (BenchEngine e : engines) {
            for (Precision p : precisions) {
                if (runs(e, p)) {
                    out.add(new EnginePrecision(e, p));
                }
            }
        }
        return out;
    }

    /** The pairs of {@code engines} x {@code precisions} that do not run, as "pytorch int8". */
    static List<String> skipped(List<BenchEngine> engines, List<Precision> precisions) {
        List<String> out = new ArrayList<>();
        for (BenchEngine e : engines) {
            for (Precision p : precisions) {
                if (!runs(e, p)) {
                    out.add(e.id() + " " + p.id());
                }
            }
        }
        return out;
    }

    /** The precisions of a comma-separated list ({@code bench.precisions}), in its order, each once. */
    static List<Precision> parsePrecisions(String value) {
        List<Precision> out = new ArrayList<>();
        for (String name : value.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            Precision precision;
            try {
                precision = Precision.valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Cannot use bench precision '" + name.trim() + "': unknown"
                        + " precision (known: " + names() + ")", e);
            }
            if (!out.contains(precision)) {
                out.add(precision);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("Cannot use bench precisions '" + value + "': name at least one"
                    + " precision (known: " + names() + ")");
        }
        return out;
    }

    static String names() {
        return Arrays.stream(Precision.values()).map(Precision::id).collect(Collectors.joining(","));
    }
}
