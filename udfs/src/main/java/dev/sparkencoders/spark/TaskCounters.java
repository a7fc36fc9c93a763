package dev.sparkencoders.spark;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;

/**
 * Counters that tasks add to and the driver reads for progress and the run report: rows processed, rows truncated
 * to the model's maximum length, tokens encoded, and model loads. The driver sees a task's counts when it ends.
 */
public record TaskCounters(LongAccumulator rows, LongAccumulator rowsTruncated, LongAccumulator tokens,
                           LongAccumulator modelLoads) implements Serializable {

    public static TaskCounters register(SparkSession spark) {
        var sc = spark.sparkContext();
        return new TaskCounters(sc.longAccumulator("rows"), sc.longAccumulator("rows_truncated"),
                sc.longAccumulator("tokens"), sc.longAccumulator("model_loads"));
    }
}
