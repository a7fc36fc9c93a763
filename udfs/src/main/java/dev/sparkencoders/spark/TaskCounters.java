package dev.sparkencoders.spark;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;

/**
 * Counters that tasks add to and the driver reads for progress and the run report: rows processed, rows that
 * failed (an error instead of results), rows truncated to the model's maximum length, tokens encoded, and model
 * loads. The driver sees a task's counts when it ends; a task that fails or is retried adds nothing, so when the
 * tasks run in the stage that writes the output (an action), each row is counted once.
 */
public record TaskCounters(LongAccumulator rows, LongAccumulator rowsFailed, LongAccumulator rowsTruncated,
                           LongAccumulator tokens, LongAccumulator modelLoads) implements Serializable {

    public static TaskCounters register(SparkSession spark) {
        var sc = spark.sparkContext();
        return new TaskCounters(sc.longAccumulator("rows"), sc.longAccumulator("rows_failed"),
                sc.longAccumulator("rows_truncated"), sc.longAccumulator("tokens"), sc.longAccumulator("model_loads"));
    }
}
