package dev.sparkencoders.spark;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;

/**
 * Counters that tasks add to and the driver reads for the run report: rows truncated to the model's maximum
 * length, tokens encoded, and model loads.
 */
public record TaskCounters(LongAccumulator rowsTruncated, LongAccumulator tokens, LongAccumulator modelLoads)
        implements Serializable {

    public static TaskCounters register(SparkSession spark) {
        var sc = spark.sparkContext();
        return new TaskCounters(sc.longAccumulator("rows_truncated"), sc.longAccumulator("tokens"),
                sc.longAccumulator("model_loads"));
    }
}
