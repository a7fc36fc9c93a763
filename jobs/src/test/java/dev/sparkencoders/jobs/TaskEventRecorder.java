package dev.sparkencoders.jobs;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records the task and executor events of a job running in this JVM, for tests that inject faults. Jobs register it
 * with {@code --set spark.extraListeners=dev.sparkencoders.jobs.TaskEventRecorder}; Spark creates the instance, so
 * the events are kept in static fields ({@link #reset()} between tests).
 */
public final class TaskEventRecorder extends SparkListener {

    /** Start time (ms) of the task attempt each executor is running; executors run one task at a time here. */
    static final Map<String, Long> runningSince = new ConcurrentHashMap<>();
    static final AtomicInteger succeeded = new AtomicInteger();
    /** Reasons of failed task attempts. */
    static final List<String> failures = new CopyOnWriteArrayList<>();
    /** Removed executors and why. */
    static final Map<String, String> removed = new ConcurrentHashMap<>();
    /** Executor ids of the successful task attempts, per stage id. */
    static final Map<Integer, List<String>> succeededByStage = new ConcurrentHashMap<>();

    static void reset() {
        runningSince.clear();
        succeeded.set(0);
        failures.clear();
        removed.clear();
        succeededByStage.clear();
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
        runningSince.put(start.taskInfo().executorId(), start.taskInfo().launchTime());
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        runningSince.remove(end.taskInfo().executorId());
        if (end.taskInfo().successful()) {
            succeeded.incrementAndGet();
            succeededByStage.computeIfAbsent(end.stageId(), s -> new CopyOnWriteArrayList<>())
                    .add(end.taskInfo().executorId());
        } else {
            failures.add(end.reason().toString());
        }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
        removed.put(event.executorId(), event.reason());
    }
}
