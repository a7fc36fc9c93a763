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
