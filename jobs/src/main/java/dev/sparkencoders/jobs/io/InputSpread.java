package dev.sparkencoders.jobs.io;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

/**
 * Spreads an input that Spark reads in fewer splits than there are cores over at least {@code splitsPerCore} tasks
 * per core, keeping the rows in input order. A CSV file with quoted line breaks (read with {@code multiLine}), a
 * gzip file or one large Parquet row group is one split, which would leave every core but one idle for the whole
 * job; encoding costs so much more than reading that the extra pass and shuffle pay for themselves at once.
 *
 * <pre>{@code
 * InputSpread spread = InputSpread.of(input, 4 * spark.sparkContext().defaultParallelism());
 * Dataset<Row> rows = spread.rows();   // spread.inputPartitions() -> the report
 * }</pre>
 *
 * @param rows            the input, redistributed when it was read in too few splits
 * @param inputPartitions the splits the file source produced
 * @param partitions      the partitions (tasks) the job runs
 */
public record InputSpread(Dataset<Row> rows, int inputPartitions, int partitions) {

    private static final String ORDER = "_spark_encoders_row";

    /**
     * The input as it is when it has at least one split per core ({@code cores}), else range-partitioned by input
     * position into {@code target} partitions.
     */
    public static InputSpread of(Dataset<Row> input, int cores, int target) {
        int read = input.rdd().getNumPartitions();
        if (read >= cores || target <= read) {
            return new InputSpread(input, read, read);
        }
        Dataset<Row> spread = input.withColumn(ORDER, monotonically_increasing_id())
                .repartitionByRange(target, col(ORDER))
                .sortWithinPartitions(ORDER)
                .drop(ORDER);
        return new InputSpread(spread, read, spread.rdd().getNumPartitions());
    }

    /** The same for a job's SparkSession: {@code splitsPerCore} partitions per core of the cluster. */
    public static InputSpread of(SparkSession spark, Dataset<Row> input, int splitsPerCore) {
        int cores = Math.max(1, spark.sparkContext().defaultParallelism());
        return of(input, cores, splitsPerCore * cores);
    }
}
