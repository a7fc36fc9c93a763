package dev.sparkencoders.encoder;

import com.sun.jna.NativeLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * glibc's mmap threshold while a PyTorch body runs. The launcher and the executors start with
 * {@code MALLOC_MMAP_THRESHOLD_=131072}, which keeps the resident memory of ONNX Runtime jobs flat (ONNX Runtime
 * keeps its activations in its own arena). PyTorch allocates every operation's output with malloc, and at that
 * threshold each output of 128 KiB or more is a fresh mapping the kernel zero-fills page by page and unmaps when the
 * tensor is freed: measured at a quarter to a third of the PyTorch engine's time (BENCHMARKS.md, "Helped"). Loading
 * a PyTorch body therefore sets the threshold to {@value #FOR_PYTORCH} bytes for the process, so that those tensors
 * are reused from malloc's arenas, unless {@code MALLOC_MMAP_THRESHOLD_} holds a value of the user's own (anything
 * but the launcher's {@value #LAUNCHER_DEFAULT}).
 *
 * <pre>{@code
 * MmapThreshold.raiseForPyTorch();   // once per process, before the first batch
 * }</pre>
 */
final class MmapThreshold {

    /** The launcher's and the executors' default {@code MALLOC_MMAP_THRESHOLD_}. */
    static final int LAUNCHER_DEFAULT = 131_072;
    /** The threshold while a PyTorch body runs: above any one activation of a 1,024-slot batch of BERT-large. */
    static final int FOR_PYTORCH = 64 << 20;
    /** glibc's mallopt parameter number for M_MMAP_THRESHOLD. */
    private static final int M_MMAP_THRESHOLD = -3;
    private static final Logger LOG = LoggerFactory.getLogger(MmapThreshold.class);

    private static boolean done;

    private MmapThreshold() {}

    /** The threshold to set for a PyTorch body given {@code MALLOC_MMAP_THRESHOLD_} (null when unset), if any. */
    static OptionalInt forPyTorch(String environment) {
        boolean ours = environment == null || environment.trim().equals(Integer.toString(LAUNCHER_DEFAULT));
        return ours ? OptionalInt.of(FOR_PYTORCH) : OptionalInt.empty();
    }

    /** Sets the threshold once per process on Linux; a failure is logged (it costs speed only). */
    static synchronized void raiseForPyTorch() {
        OptionalInt threshold = forPyTorch(System.getenv("MALLOC_MMAP_THRESHOLD_"));
        if (done || threshold.isEmpty() || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
                .contains("linux")) {
            return;
        }
        done = true;
        try {
            int ok = NativeLibrary.getInstance("c").getFunction("mallopt")
                    .invokeInt(new Object[] {M_MMAP_THRESHOLD, threshold.getAsInt()});
            if (ok != 1) {
                LOG.warn("glibc refused mmap threshold {} (mallopt returned {}); PyTorch runs slower",
                        threshold.getAsInt(), ok);
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.warn("Cannot set glibc's mmap threshold for PyTorch: {} (PyTorch runs slower)", e.toString());
        }
    }
}
