package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.ModelConfig;

/**
 * A PyTorch body that runs each forward pass inside a {@link TorchMatmulPrecision} scope of its precision: fp32
 * bodies at PyTorch's full fp32 products, {@link Precision#BF16} bodies at bf16 products, whatever else the JVM runs.
 *
 * <pre>{@code
 * try (Encoder encoder = Encoders.load(checkpoint, Engine.PYTORCH, Precision.BF16, 1)) { ... }
 * }</pre>
 */
final class TorchPrecisionEncoder implements Encoder {

    private final Encoder body;
    private final Precision precision;

    TorchPrecisionEncoder(Encoder body, Precision precision) {
        this.body = body;
        this.precision = precision;
    }

    /** Refuses bf16 on ONNX Runtime and on CPUs without bf16 dot products, in one sentence each. */
    static void requireBf16(Checkpoint checkpoint, Engine engine) {
        if (engine == Engine.ONNXRUNTIME) {
            throw new IllegalArgumentException("Cannot run model " + checkpoint.dir() + " at precision bf16 on ONNX "
                    + "Runtime: its CPU kernels have no bf16 matrix products (set model.engine to pytorch or auto, or "
                    + "model.precision to fp32)");
        }
        CpuFlags cpu = CpuFlags.ofThisMachine();
        if (!cpu.bf16()) {
            throw new IllegalArgumentException("Cannot run model " + checkpoint.dir() + " at precision bf16: this CPU"
                    + " has no bf16 dot products (" + cpu.describe() + "; use precision fp32, or int8 on ONNX"
                    + " Runtime)");
        }
    }

    @Override
    public ModelConfig config() {
        return body.config();
    }

    @Override
    public Engine engine() {
        return body.engine();
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public long padTokenId() {
        return body.padTokenId();
    }

    @Override
    public NDManager newBatchManager() {
        return body.newBatchManager();
    }

    @Override
    public NDArray lastHiddenState(PaddedBatch batch) {
        try (TorchMatmulPrecision.Scope scope = TorchMatmulPrecision.enter(precision)) {
            return body.lastHiddenState(batch);
        }
    }

    @Override
    public void close() {
        body.close();
    }
}
