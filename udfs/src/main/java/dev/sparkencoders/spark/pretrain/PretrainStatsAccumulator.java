package dev.sparkencoders.spark.pretrain;

import dev.sparkencoders.text.pretrain.PretrainInstance;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.AccumulatorV2;

/**
 * Collects {@link PretrainStats} from the tasks that write the instances; a task's counts are added once, when it
 * succeeds.
 *
 * <pre>{@code
 * PretrainStatsAccumulator stats = PretrainStatsAccumulator.register(spark);
 * ... write ...
 * double rate = stats.value().maskRate();
 * }</pre>
 */
public final class PretrainStatsAccumulator extends AccumulatorV2<PretrainInstance, PretrainStats> {

    private PretrainStats stats = new PretrainStats();

    public static PretrainStatsAccumulator register(SparkSession spark) {
        PretrainStatsAccumulator accumulator = new PretrainStatsAccumulator();
        spark.sparkContext().register(accumulator, "pretrain-data statistics");
        return accumulator;
    }

    @Override
    public boolean isZero() {
        return stats.isZero();
    }

    @Override
    public AccumulatorV2<PretrainInstance, PretrainStats> copy() {
        PretrainStatsAccumulator c = new PretrainStatsAccumulator();
        c.stats = stats.copy();
        return c;
    }

    @Override
    public void reset() {
        stats = new PretrainStats();
    }

    @Override
    public void add(PretrainInstance instance) {
        stats.add(instance);
    }

    @Override
    public void merge(AccumulatorV2<PretrainInstance, PretrainStats> other) {
        stats.merge(other.value());
    }

    @Override
    public PretrainStats value() {
        return stats;
    }
}
