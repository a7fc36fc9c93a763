package dev.sparkencoders.encoder;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * PyTorch's process-wide precision of fp32 matrix products ({@code torch.set_float32_matmul_precision}), which DJL
 * 0.36 does not expose: set through libtorch's own {@code at::Context} functions. At {@link Mode#MEDIUM}, on a CPU
 * with bf16 dot products (avx512_bf16 or AMX), matmul, linear and batched matmul of fp32 tensors run as oneDNN
 * kernels that round their inputs to bf16 and accumulate in fp32; tensors stay fp32 everywhere else.
 *
 * <p>The setting belongs to the whole JVM, so the open encoders that need it count their leases: the first lease
 * at a mode sets it, the last one closed sets {@link Mode#HIGHEST} (PyTorch's default) again, and a lease at a
 * different mode while another is open is refused.
 *
 * <pre>{@code
 * try (TorchMatmulPrecision.Lease bf16 = TorchMatmulPrecision.lease(Mode.MEDIUM, "model /models/minilm")) { ... }
 * }</pre>
 */
public final class TorchMatmulPrecision {

    /** PyTorch's {@code at::Float32MatmulPrecision}, in its declaration order (the native value is the ordinal). */
    public enum Mode { HIGHEST, HIGH, MEDIUM }

    private static final String LIBRARY = "torch_cpu";
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET = "_ZN2at7Context25setFloat32MatmulPrecisionENS_22Float32MatmulPrecisionE";
    private static final String GET = "_ZNK2at7Context22float32MatmulPrecisionEv";

    private static Mode leased;
    private static int leases;

    private TorchMatmulPrecision() {}

    /** An open claim on the process-wide mode; closing the last one restores {@link Mode#HIGHEST}. */
    public static final class Lease implements AutoCloseable {
        private boolean open = true;

        private Lease() {}

        @Override
        public void close() {
            synchronized (TorchMatmulPrecision.class) {
                if (open && --leases == 0) {
                    apply(Mode.HIGHEST);
                    leased = null;
                }
                open = false;
            }
        }
    }

    /**
     * Sets PyTorch's fp32 matmul precision to {@code mode} for as long as the lease is open. {@code user} names what
     * asks for it in errors ("model /models/minilm"). PyTorch's engine must be loaded (any DJL NDManager on PyTorch).
     *
     * @throws IllegalStateException when a lease at another mode is open, or libtorch does not take the setting
     */
    public static synchronized Lease lease(Mode mode, String user) {
        if (leases > 0 && leased != mode) {
            throw new IllegalStateException("Cannot run " + user + " with PyTorch matmul precision "
                    + mode.name().toLowerCase(java.util.Locale.ROOT) + ": a model open in this JVM runs at "
                    + leased.name().toLowerCase(java.util.Locale.ROOT) + ", and the setting is process-wide (use one"
                    + " model.precision per job)");
        }
        if (leases == 0) {
            apply(mode);
            leased = mode;
        }
        leases++;
        return new Lease();
    }

    /** The mode libtorch reports now. */
    public static Mode current() {
        Pointer context = context();
        return Mode.values()[symbol(GET).invokeInt(new Object[] {context})];
    }

    private static void apply(Mode mode) {
        Pointer context = context();
        symbol(SET).invokeVoid(new Object[] {context, mode.ordinal()});
        Mode now = current();
        if (now != mode) {
            throw new IllegalStateException("Cannot set PyTorch's matmul precision to " + mode + ": libtorch reports "
                    + now + " after the call (use model.precision=fp32)");
        }
    }

    private static Pointer context() {
        return symbol(GLOBAL_CONTEXT).invokePointer(new Object[0]);
    }

    /** A function of libtorch_cpu as DJL loaded it (dlopen finds the loaded library by its name). */
    private static Function symbol(String name) {
        try {
            ai.djl.engine.Engine.getEngine("PyTorch");
            return NativeLibrary.getInstance(LIBRARY).getFunction(name);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new IllegalStateException("Cannot reach libtorch's matmul precision setting " + name + ": "
                    + e.getMessage() + " (use model.precision=fp32)", e);
        }
    }
}
