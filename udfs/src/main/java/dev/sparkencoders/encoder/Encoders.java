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
 * try (Encoder encoder = Encoders.load(checkpoint, Engine.AUTO, 1)) { ... }
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
        return switch (engine) {
            case PYTORCH -> onPyTorch(checkpoint);
            case ONNXRUNTIME -> OnnxRuntimeEncoder.load(checkpoint, intraOpThreads);
            case AUTO -> onnxRuntimeAvailable() ? OnnxRuntimeEncoder.load(checkpoint, intraOpThreads)
                    : onPyTorch(checkpoint);
        };
    }

    /** The PyTorch body of the checkpoint's architecture: ModernBERT's, or the post-LayerNorm BERT-family one. */
    private static Encoder onPyTorch(Checkpoint checkpoint) {
        return checkpoint.config().family() == ModelFamily.MODERNBERT ? ModernBertEncoder.load(checkpoint)
                : TransformerEncoder.load(checkpoint);
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
