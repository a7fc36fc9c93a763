package dev.sparkencoders.encoder;

import java.util.Locale;

/**
 * Which engine runs the encoder body. Heads and pooling always run on PyTorch.
 *
 * <p>{@link #AUTO} picks ONNX Runtime: on the project's CPUs (AVX2 and AVX-512 alike) it ran the same encoder,
 * from the same weights, several times faster than PyTorch (MLAS GEMMs and fused attention/LayerNorm/GELU kernels;
 * the figures and the command are in BENCHMARKS.md). When ONNX Runtime's natives cannot load on the machine, AUTO
 * falls back to PyTorch with a logged warning.
 *
 * <pre>{@code
 * Encoder encoder = Encoders.load(checkpoint, Engine.parse("auto"), 1);
 * }</pre>
 */
public enum Engine {
    /** ONNX Runtime when it loads, else PyTorch. */
    AUTO,
    /** {@link TransformerEncoder} on DJL's PyTorch engine. */
    PYTORCH,
    /** The encoder written as an ONNX graph and run by DJL's ONNX Runtime engine. */
    ONNXRUNTIME;

    public static Engine parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Cannot use engine '" + name
                    + "': unknown engine (use auto, pytorch or onnxruntime)");
        }
    }
}
