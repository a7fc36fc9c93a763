package dev.sparkencoders.encoder;

import java.util.Locale;

/**
 * Which engine runs the encoder body. Heads and pooling always run on PyTorch.
 *
 * <p>{@link #AUTO} picks ONNX Runtime, measured the faster engine for the same encoder from the same weights
 * (BENCHMARKS.md, EngineThroughputBenchmark; AVX2 machine, 2 callers x 1 thread, all-MiniLM-L6-v2): 1.4-1.7x
 * PyTorch's rate on 512-token documents, where its fused attention counts most, and 1.07x on short sentences in
 * batches of 64 (FACTS.md reports a wider gap on AVX-512 machines). When ONNX Runtime's natives cannot load on the
 * machine, AUTO falls back to PyTorch with a logged warning.
 *
 * <pre>{@code
 * Encoder encoder = Encoders.load(checkpoint, Engine.parse("auto"), 1);
 * }</pre>
 */
public enum Engine {
    /** ONNX Runtime when it loads, else PyTorch; PyTorch at {@link Precision#BF16} (the engine with bf16 products). */
    AUTO,
    /** {@link TransformerEncoder} (ModernBERT: {@link ModernBertEncoder}) on DJL's PyTorch engine. */
    PYTORCH,
    /** The encoder written as an ONNX graph and run by DJL's ONNX Runtime engine. */
    ONNXRUNTIME;

    /**
     * Token slots of this engine's batches at {@code precision}, padding included: 512 on ONNX Runtime at fp32,
     * 1,024 on PyTorch and at int8. Measured one thread, all-MiniLM-L6-v2, rows of 16 to 512 tokens (BENCHMARKS.md,
     * "What helped"): ONNX Runtime's fp32 rate peaks at 256-512 slots at every length and falls 5-10% by 1,024;
     * PyTorch's still rises up to 1,024 on short rows. At int8 each batch's activations are quantized with one
     * scale, so the batches change the vectors: 512-slot batches ran 2-4% faster but moved STS-B dev Spearman to
     * 0.11 below fp32 (86.61 against 86.72), past the 0.1 the precision is held to; 1,024 slots keep 86.65.
     */
    public int batchTokens(Precision precision) {
        return switch (this) {
            case ONNXRUNTIME -> precision == Precision.INT8 ? 1_024 : 512;
            case PYTORCH -> 1_024;
            case AUTO -> throw new IllegalStateException("Cannot give a batch size for engine auto: it is not an "
                    + "engine until a model loads (ask the loaded encoder's engine)");
        };
    }

    /** The engine's name in settings and reports: auto, pytorch or onnxruntime. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Engine parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Cannot use engine '" + name
                    + "': unknown engine (use auto, pytorch or onnxruntime)");
        }
    }
}
