package dev.sparkencoders.jobs.io;

import org.apache.spark.SparkConf;

import java.util.Optional;

/**
 * Whether the memory a container grants an executor outside its heap ({@code spark.executor.memoryOverhead}) covers
 * what an executor of this project uses there: the JVM's own non-heap memory and the native engines with one loaded
 * model (about {@value #BASE_MIB} MiB), the model's weights once more (ONNX Runtime holds its own copy), and about
 * {@value #PER_TASK_MIB} MiB per concurrent task (activations, allocator arenas, tokenizer and write buffers).
 * Measured with all-MiniLM-L6-v2 on ONNX Runtime: 533 MiB outside the heap for one task over one row, 724 MiB for
 * two tasks over 46,000 rows. YARN and Kubernetes kill an executor whose resident memory passes heap plus overhead,
 * and Spark's default overhead is max(384 MiB, 10% of {@code spark.executor.memory}).
 *
 * <pre>{@code
 * ExecutorMemoryCheck.shortfall(spark.sparkContext().getConf(), weightsBytes)
 *         .ifPresent(LOG::warn);
 * }</pre>
 */
public final class ExecutorMemoryCheck {

    static final long BASE_MIB = 512;
    static final long PER_TASK_MIB = 96;

    private ExecutorMemoryCheck() {}

    /** The MiB an executor needs outside its heap for a model of {@code weightsBytes} and {@code tasks} tasks. */
    static long neededMib(long weightsBytes, int tasks) {
        return BASE_MIB + (weightsBytes >> 20) + PER_TASK_MIB * tasks;
    }

    /**
     * A warning when the master runs executors in containers (YARN, Kubernetes) whose overhead is below what they
     * need; empty otherwise.
     */
    public static Optional<String> shortfall(SparkConf conf, long weightsBytes) {
        String master = conf.get("spark.master", "");
        if (!master.startsWith("yarn") && !master.startsWith("k8s://")) {
            return Optional.empty();
        }
        long heapMib = conf.getSizeAsMb("spark.executor.memory", "1g");
        long overheadMib = conf.contains("spark.executor.memoryOverhead")
                ? conf.getSizeAsMb("spark.executor.memoryOverhead", "384m")
                : Math.max(384, (long) (heapMib * conf.getDouble("spark.executor.memoryOverheadFactor", 0.10)));
        int tasks = Math.max(1, conf.getInt("spark.executor.cores", 1) / Math.max(1, conf.getInt("spark.task.cpus", 1)));
        long needed = neededMib(weightsBytes, tasks);
        if (overheadMib >= needed) {
            return Optional.empty();
        }
        return Optional.of("Executors may be killed for memory: spark.executor.memoryOverhead is " + overheadMib
                + " MiB, below the about " + needed + " MiB an executor of this job uses outside its heap (native"
                + " engines and model, " + (weightsBytes >> 20) + " MiB of weights, " + tasks + " concurrent task(s))"
                + " (set spark.executor.memoryOverhead=" + needed + "m)");
    }
}
