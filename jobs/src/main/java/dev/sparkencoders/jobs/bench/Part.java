package dev.sparkencoders.jobs.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The parts of the bench run, each skippable through {@code bench.parts}. */
public enum Part {
    /** The bare engine (no Spark): length-sorted token-budget batches. */
    ENGINE,
    /** langchain4j's in-process AllMiniLmL6V2EmbeddingModel, and ONNX Runtime at its best through its Java API. */
    PEER,
    /** Our bare engine and ONNX Runtime at its best in alternating passes: their ratio pair by pair. */
    PAIRED,
    /** The same engine with fixed-count batches in arrival order. */
    NAIVE,
    /** The embed job, launcher to Parquet, in a child process. */
    SPARK,
    /**
     * The matmul ceilings: the best GEMM of PyTorch and ONNX Runtime (fp32; bf16 where the CPU has it) and, for int8
     * figures, ONNX Runtime's DynamicQuantizeMatMul.
     */
    ROOFLINE,
    /** Peak RSS of embed child processes over two row counts. */
    MEMORY,
    /** The embed job on a one-line file vs a plain ONNX Runtime program, launcher to exit. */
    STARTUP,
    /** The sql job's {@code SELECT value, embed(value) FROM input} vs the embed job on the same file. */
    SQL,
    /** The embed job on one executor against two ({@code local-cluster}), over {@code bench.scaling-rows} rows. */
    SCALING,
    /** The embed job over {@code bench.soak-rows} rows on two executors, each executor's resident set sampled. */
    SOAK;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Part parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot use bench part '" + name.trim() + "': unknown part (known: "
                    + names() + ")");
        }
    }

    public static String names() {
        return Arrays.stream(values()).map(Part::id).collect(Collectors.joining(","));
    }
}
