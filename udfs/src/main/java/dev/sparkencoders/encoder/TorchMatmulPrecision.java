package dev.sparkencoders.encoder;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * PyTorch's process-wide precision of fp32 matrix products ({@code torch.set_float32_matmul_precision}), which DJL
 * 0.36 does not expose: set through libtorch's own {@code at::Context} functions. At {@link Mode#MEDIUM}, on a CPU
 * with bf16 dot products (avx512_bf16 or AMX), matmul, linear and batched matmul of fp32 tensors run as oneDNN
 * kernels that round their inputs to bf16 and accumulate in fp32; tensors stay fp32 everywhere else.
 *
 * <p>The setting belongs to the whole JVM, so work that depends on it runs inside a {@link Scope} of its mode:
 * scopes of one mode run together (from any threads, nested or not), and a scope of the other mode waits until
 * they have all closed, then switches the mode. A JVM that runs one precision (a job) never waits; one that mixes
 * them (a notebook with two models) takes turns batch by batch, and every batch gets the precision it asked for.
 * A thread must not open a scope of the other mode inside one it holds: it would wait for itself.
 *
 * <pre>{@code
 * try (TorchMatmulPrecision.Scope bf16 = TorchMatmulPrecision.enter(Precision.BF16)) { ... }
 * }</pre>
 */
public final class TorchMatmulPrecision {

    /** PyTorch's {@code at::Float32MatmulPrecision}, in its declaration order (the native value is the ordinal). */
    public enum Mode { HIGHEST, HIGH, MEDIUM }

    private static final String LIBRARY = "torch_cpu";
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET = "_ZN2at7Context25setFloat32MatmulPrecisionENS_22Float32MatmulPrecisionE";
    private static final String GET = "_ZNK2at7Context22float32MatmulPrecisionEv";

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Condition IDLE = LOCK.newCondition();
    /** The mode set in libtorch by this class (PyTorch starts at HIGHEST). */
    private static Mode mode = Mode.HIGHEST;
    private static int open;

    private TorchMatmulPrecision() {}

    /** An open claim on the mode it entered; closing it lets a scope of the other mode in once none is open. */
    public static final class Scope implements AutoCloseable {
        private boolean closed;

        private Scope() {}

        @Override
        public void close() {
            LOCK.lock();
            try {
                if (!closed && --open == 0) {
                    IDLE.signalAll();
                }
                closed = true;
            } finally {
                LOCK.unlock();
            }
        }
    }

    /** The mode that runs {@code precision}'s products: {@link Mode#MEDIUM} for bf16, {@link Mode#HIGHEST} else. */
    public static Mode modeOf(Precision precision) {
        return precision == Precision.BF16 ? Mode.MEDIUM : Mode.HIGHEST;
    }

    /** {@link #enter(Mode)} at the mode of {@code precision}. */
    public static Scope enter(Precision precision) {
        return enter(modeOf(precision));
    }

    /**
     * Waits until no scope of another mode is open, sets {@code wanted} in libtorch if it is not the mode already,
     * and opens a scope. PyTorch's engine must be loaded for a switch (any DJL NDManager on PyTorch).
     *
     * @throws IllegalStateException when libtorch does not take the setting
     */
    public static Scope enter(Mode wanted) {
        LOCK.lock();
        try {
            while (open > 0 && mode != wanted) {
                IDLE.awaitUninterruptibly();
            }
            if (mode != wanted) {
                apply(wanted);
                mode = wanted;
            }
            open++;
            return new Scope();
        } finally {
            LOCK.unlock();
        }
    }

    /** The mode libtorch reports now. */
    public static Mode current() {
        Pointer context = context();
        return Mode.values()[symbol(GET).invokeInt(new Object[] {context})];
    }

    private static void apply(Mode wanted) {
        Pointer context = context();
        symbol(SET).invokeVoid(new Object[] {context, wanted.ordinal()});
        Mode now = current();
        if (now != wanted) {
            throw new IllegalStateException("Cannot set PyTorch's matmul precision to " + wanted + ": libtorch reports "
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
