package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.ModelConfig;

import java.util.function.Function;

/**
 * A PyTorch encoder whose matrix products run on bf16 inputs ({@link Precision#BF16}): the body is the fp32 one, and
 * the encoder holds a {@link TorchMatmulPrecision} lease at {@code MEDIUM} while it is open.
 *
 * <pre>{@code
 * try (Encoder encoder = Encoders.load(checkpoint, Engine.PYTORCH, Precision.BF16, 1)) { ... }
 * }</pre>
 */
final class Bf16Encoder implements Encoder {

    private final Encoder body;
    private final TorchMatmulPrecision.Lease lease;

    private Bf16Encoder(Encoder body, TorchMatmulPrecision.Lease lease) {
        this.body = body;
        this.lease = lease;
    }

    /** Checks the engine and the CPU, then loads the body with {@code pytorchBody} and takes the lease. */
    static Encoder of(Checkpoint checkpoint, Engine engine, Function<Checkpoint, Encoder> pytorchBody) {
        if (engine == Engine.ONNXRUNTIME) {
            throw new IllegalArgumentException("Cannot run model " + checkpoint.dir() + " at precision bf16 on ONNX "
                    + "Runtime: its CPU kernels have no bf16 matrix products (set model.engine to pytorch or auto, or "
                    + "model.precision to fp32)");
        }
        CpuFlags cpu = CpuFlags.ofThisMachine();
        if (!cpu.bf16()) {
            throw new IllegalArgumentException("Cannot run model " + checkpoint.dir() + " at precision bf16: this CPU"
                    + " has no bf16 dot products (" + cpu.describe() + "; use precision fp32, or int8 on ONNX Runtime)");
        }
        Encoder body = pytorchBody.apply(checkpoint);
        try {
            return new Bf16Encoder(body, TorchMatmulPrecision.lease(TorchMatmulPrecision.Mode.MEDIUM,
                    "model " + checkpoint.dir()));
        } catch (RuntimeException e) {
            body.close();
            throw e;
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
        return Precision.BF16;
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
        return body.lastHiddenState(batch);
    }

    @Override
    public void close() {
        try (lease) {
            body.close();
        }
    }
}
