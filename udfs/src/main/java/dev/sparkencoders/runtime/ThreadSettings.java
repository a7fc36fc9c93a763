package dev.sparkencoders.runtime;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's intra-op thread count for the tasks of this JVM. PyTorch defaults to one thread per core for every
 * caller, so N concurrent Spark tasks on N cores would run N x N threads; each task instead gets the cores it was
 * scheduled with ({@code spark.task.cpus}, 1 by default).
 */
public final class ThreadSettings {

    private static volatile int applied = -1;

    private ThreadSettings() {}

    /** Sets the intra-op thread count for the calling task, once per JVM and value. */
    public static synchronized void forTask(int cpus) {
        int threads = Math.max(1, cpus);
        if (applied != threads) {
            JniUtils.setNumThreads(threads);
            applied = threads;
        }
    }
}
