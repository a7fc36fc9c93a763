package dev.sparkencoders.jobs.io;

import dev.sparkencoders.spark.TaskCounters;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Logs a progress line every 10 seconds while a job runs: rows done, rows/s, tasks of the running stages and an
 * estimate of the time left. Rows of running tasks come from the accumulator values executors send with their
 * heartbeats ({@code spark.executor.heartbeatInterval}, 10 s by default), so long tasks show progress too.
 *
 * <pre>{@code
 * try (ProgressReporter progress = ProgressReporter.start(spark, "embed", counters)) { ... }
 * }</pre>
 */
public final class ProgressReporter extends SparkListener implements AutoCloseable {

    static final long PERIOD_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

    private final SparkSession spark;
    private final String job;
    private final TaskCounters counters;
    private final Map<Long, Long> runningRows = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final long start = System.nanoTime();

    private ProgressReporter(SparkSession spark, String job, TaskCounters counters) {
        this.spark = spark;
        this.job = job;
        this.counters = counters;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spark-encoders-progress");
            t.setDaemon(true);
            return t;
        });
    }

    public static ProgressReporter start(SparkSession spark, String job, TaskCounters counters) {
        ProgressReporter reporter = new ProgressReporter(spark, job, counters);
        spark.sparkContext().addSparkListener(reporter);
        reporter.timer.scheduleAtFixedRate(() -> LOG.info(reporter.line()), PERIOD_SECONDS, PERIOD_SECONDS,
                TimeUnit.SECONDS);
        return reporter;
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        long rowsId = counters.rows().id();
        for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task
                : CollectionConverters.asJava(update.accumUpdates())) {
            for (AccumulableInfo info : CollectionConverters.asJava(task._4())) {
                if (info.id() == rowsId && info.update().isDefined()) {
                    runningRows.put((Long) task._1(), ((Number) info.update().get()).longValue());
                }
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        runningRows.remove(end.taskInfo().taskId());
    }

    String line() {
        double seconds = (System.nanoTime() - start) / 1e9;
        int done = 0;
        int total = 0;
        var tracker = spark.sparkContext().statusTracker();
        for (int id : tracker.getActiveStageIds()) {
            SparkStageInfo stage = tracker.getStageInfo(id).getOrElse(() -> null);
            if (stage != null) {
                done += stage.numCompletedTasks();
                total += stage.numTasks();
            }
        }
        long rows = counters.rows().value() + runningRows.values().stream().mapToLong(Long::longValue).sum();
        String eta = done > 0 && total > done
                ? String.format("ETA %ds", Math.round(seconds * (total - done) / done)) : "ETA unknown";
        return String.format("%s: %,d rows done, %.1f rows/s, %d/%d tasks done, %.0f s elapsed, %s", job, rows,
                seconds > 0 ? rows / seconds : 0, done, total, seconds, eta);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        spark.sparkContext().removeSparkListener(this);
    }
}
