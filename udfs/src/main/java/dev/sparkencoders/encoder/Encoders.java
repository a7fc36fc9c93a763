package dev.sparkencoders.encoder;

import dev.sparkencoders.encoder.onnx.OnnxRuntimeEncoder;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.ModelFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a checkpoint's encoder body on the chosen {@link Engine}; the one place the runtime layer asks for an encoder.
 *
 * <pre>{@code
 * try (Encoder encoder = Encoders.load(checkpoint, Engine.AUTO, Precision.FP32, 1)) { ... }
 * }</pre>
 */
public final class Encoders {

    private static final Logger LOG = LoggerFactory.getLogger(Encoders.class);

    private Encoders() {}

    /**
     * The encoder on {@code engine}. {@code intraOpThreads} is ONNX Runtime's per-call thread count (one session is
     * shared by all callers); PyTorch's threads are set process-wide (ai.djl.pytorch.num_threads).
     */
    public static Encoder load(Checkpoint checkpoint, Engine engine, int intraOpThreads) {
        return load(checkpoint, engine, Precision.FP32, intraOpThreads);
    }

    /**
     * The encoder on {@code engine} at {@code precision}. {@link Precision#INT8} runs on ONNX Runtime only: it is
     * refused on PyTorch, and under {@link Engine#AUTO} when ONNX Runtime cannot start here.
     * {@link Precision#BF16} runs on PyTorch only (AUTO picks it) and is refused on ONNX Runtime and on CPUs without
     * avx512_bf16 or amx_bf16.
     */
    public static Encoder load(Checkpoint checkpoint, Engine engine, Precision precision, int intraOpThreads) {
        if (precision == Precision.INT8 && (engine == Engine.PYTORCH
                || engine == Engine.AUTO && !onnxRuntimeAvailable())) {
            throw new IllegalArgumentException("Cannot run model " + checkpoint.dir() + " at precision int8 on "
                    + "PyTorch: int8 runs on ONNX Runtime only (set model.engine to onnxruntime or auto, or "
                    + "model.precision to fp32)");
        }
        if (precision == Precision.BF16) {
            TorchPrecisionEncoder.requireBf16(checkpoint, engine);
            return onPyTorch(checkpoint, precision);
        }
        return switch (engine) {
            case PYTORCH -> onPyTorch(checkpoint, precision);
            case ONNXRUNTIME -> OnnxRuntimeEncoder.load(checkpoint, precision, intraOpThreads);
            case AUTO -> onnxRuntimeAvailable() ? OnnxRuntimeEncoder.load(checkpoint, precision, intraOpThreads)
                    : onPyTorch(checkpoint, precision);
        };
    }

    /**
     * The PyTorch body of the checkpoint's architecture (ModernBERT's, or the post-LayerNorm BERT-family one) at
     * {@code precision}, with glibc's mmap threshold raised for it ({@link MmapThreshold}).
     */
    private static Encoder onPyTorch(Checkpoint checkpoint, Precision precision) {
        MmapThreshold.raiseForPyTorch();
        return new TorchPrecisionEncoder(checkpoint.config().family() == ModelFamily.MODERNBERT
                ? ModernBertEncoder.load(checkpoint) : TransformerEncoder.load(checkpoint), precision);
    }

    /** True when DJL's ONNX Runtime engine starts here; logs why not otherwise. */
    static boolean onnxRuntimeAvailable() {
        try {
            ai.djl.engine.Engine.getEngine(OnnxRuntimeEncoder.ENGINE);
            return true;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("ONNX Runtime cannot start on this machine ({}); the encoder runs on PyTorch", e.toString());
            return false;
        }
    }
}
