package dev.sparkencoders.encoder;

import java.util.Locale;

/**
 * The number format of the encoder body's matrix products. Embeddings, LayerNorm, attention's softmax and pooling
 * stay fp32 at every precision; heads stay fp32 at int8 and run their products at bf16 at bf16.
 *
 * <p>{@link #INT8} runs every linear layer of the body (query, key, value, attention output, both feed-forward
 * layers) as ONNX Runtime's DynamicQuantizeMatMul: weights quantized once per output column (symmetric, int8),
 * activations quantized per call (uint8, one scale per tensor). It is lossy and runs on
 * {@link Engine#ONNXRUNTIME} only; README.md lists its measured accuracy (STS-B) and speed.
 *
 * <p>{@link #BF16} keeps every tensor fp32 and runs the matrix products (linear layers, attention's batched products,
 * heads) as oneDNN kernels that round their inputs to bf16 and accumulate in fp32, on the bf16 units of CPUs with
 * avx512_bf16 or AMX ({@link TorchMatmulPrecision}). It runs on {@link Engine#PYTORCH} only (ONNX Runtime's CPU
 * kernels have no bf16 products) and is refused on CPUs without those units.
 *
 * <pre>{@code
 * Encoder encoder = Encoders.load(checkpoint, Engine.AUTO, Precision.parse("int8"), 1);
 * }</pre>
 */
public enum Precision {
    /** 32-bit floats throughout: equal to the model's own results within float rounding. */
    FP32,
    /** int8 weights and dynamically quantized activations in the linear layers (ONNX Runtime only). */
    INT8,
    /** fp32 tensors, matrix products on bf16 inputs with fp32 sums (PyTorch on avx512_bf16 or AMX only). */
    BF16;

    /** The precision's name in settings and reports: fp32, int8 or bf16. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Precision parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Cannot use precision '" + name
                    + "': unknown precision (use fp32, int8 or bf16)");
        }
    }
}
