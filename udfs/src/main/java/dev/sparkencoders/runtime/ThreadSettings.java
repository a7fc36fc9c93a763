package dev.sparkencoders.runtime;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's intra-op thread count for the calling task thread. PyTorch keeps that count per calling thread and
 * defaults to one thread per core, so N concurrent Spark tasks on N cores would run N x N threads; each task
 * instead gets the cores it was scheduled with ({@code spark.task.cpus}, 1 by default).
 */
public final class ThreadSettings {

    private static final ThreadLocal<Integer> APPLIED = new ThreadLocal<>();

    private ThreadSettings() {}

    /**
     * Threads one ONNX Runtime call may use: {@code OMP_NUM_THREADS} when set (the launcher sets 1 for local runs, the
     * jobs set {@code spark.task.cpus} on executors), else 1, so that concurrent tasks do not oversubscribe the cores.
     */
    public static int intraOpThreads() {
        String value = System.getenv("OMP_NUM_THREADS");
        try {
            return value == null || value.isBlank() ? 1 : Math.max(1, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Sets the intra-op thread count of the calling thread, once per thread and value. */
    public static void forTask(int cpus) {
        int threads = Math.max(1, cpus);
        Integer applied = APPLIED.get();
        if (applied == null || applied != threads) {
            JniUtils.setNumThreads(threads);
            APPLIED.set(threads);
        }
    }
}
