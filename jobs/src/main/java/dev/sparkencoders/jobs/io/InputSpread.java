package dev.sparkencoders.jobs.io;

import dev.sparkencoders.jobs.config.JobConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

/**
 * Spreads an input that Spark reads in fewer splits than there are cores over at least {@code splitsPerCore} tasks
 * per core, keeping the rows in input order. A CSV file with quoted line breaks (read with {@code multiLine}), a
 * gzip file or one large Parquet row group is one split, which would leave every core but one idle for the whole
 * job; encoding costs so much more than reading that the extra pass and shuffle pay for themselves at once. An
 * input under {@value #MIN_SPREAD_BYTES} bytes stays as it is: the range partitioning's sampling job and shuffle
 * (about 2 s) cost more than encoding a few hundred rows on one core.
 *
 * <pre>{@code
 * InputSpread spread = InputSpread.of(input, 4 * spark.sparkContext().defaultParallelism());
 * Dataset<Row> rows = spread.rows();   // spread.inputPartitions() -> the report
 * }</pre>
 *
 * @param rows            the input, redistributed when it was read in too few splits
 * @param inputPartitions the splits the file source produced
 * @param partitions      the partitions (tasks) the job runs; for a spread input, those asked of the range
 *                        partitioning (fewer when the input has fewer rows)
 */
public record InputSpread(Dataset<Row> rows, int inputPartitions, int partitions) {

    private static final String ORDER = "_spark_encoders_row";

    /**
     * The input as it is when it has at least one split per core ({@code cores}) or fewer than
     * {@value #MIN_SPREAD_BYTES} bytes, else range-partitioned by input position into {@code target} partitions.
     * Nothing runs here: the range partitioning samples the input when the job runs.
     */
    public static InputSpread of(Dataset<Row> input, int cores, int target) {
        int read = input.rdd().getNumPartitions();
        if (read >= cores || target <= read || sizeInBytes(input) < MIN_SPREAD_BYTES) {
            return new InputSpread(input, read, read);
        }
        Dataset<Row> spread = input.withColumn(ORDER, monotonically_increasing_id())
                .repartitionByRange(target, col(ORDER))
                .sortWithinPartitions(ORDER)
                .drop(ORDER);
        return new InputSpread(spread, read, target);
    }

    /** Spark's estimate of the input's size: the files' bytes for a file source, no job run. */
    private static long sizeInBytes(Dataset<Row> input) {
        scala.math.BigInt size = input.queryExecution().optimizedPlan().stats().sizeInBytes();
        return size.isValidLong() ? size.longValue() : Long.MAX_VALUE;
    }

    /** The same for a job's SparkSession: {@code splitsPerCore} partitions per core of the cluster. */
    public static InputSpread of(SparkSession spark, Dataset<Row> input, int splitsPerCore) {
        int cores = Math.max(1, spark.sparkContext().defaultParallelism());
        return of(input, cores, splitsPerCore * cores);
    }

    /**
     * The job's input ({@link InputReader}), read in splits sized for inference and spread over
     * {@value #SPLITS_PER_CORE} tasks per core when the file source yields fewer splits than cores.
     */
    public static InputSpread read(SparkSession spark, JobConfig config) {
        splitFilesForInference(spark, config);
        return of(spark, InputReader.read(spark, config), SPLITS_PER_CORE);
    }

    /**
     * Spark reads files in splits of up to 128 MB and never splits a file below 4 MB, sizes made for scans: a
     * 1 MB text file is hours of encoder work in one task on one core. Unless the user set them, splits are capped
     * at {@value #SPLIT_BYTES} bytes and small files are split across the cores too, into at least
     * {@value #SPLITS_PER_CORE} splits per core: with one split per core, splits that differ by a few percent in
     * rows leave a core idle at the end (an 11,000-sentence file split 58/42 left one core idle for the last 10 s of
     * a 44 s run).
     */
    private static void splitFilesForInference(SparkSession spark, JobConfig config) {
        var settings = config.sparkSettings();
        if (!settings.containsKey("spark.sql.files.maxPartitionBytes")) {
            spark.conf().set("spark.sql.files.maxPartitionBytes", SPLIT_BYTES);
        }
        if (!settings.containsKey("spark.sql.files.openCostInBytes")) {
            spark.conf().set("spark.sql.files.openCostInBytes", 64 * 1024);
        }
        if (!settings.containsKey("spark.sql.files.minPartitionNum")) {
            spark.conf().set("spark.sql.files.minPartitionNum",
                    SPLITS_PER_CORE * Math.max(1, spark.sparkContext().defaultParallelism()));
        }
    }

    public static final int SPLITS_PER_CORE = 4;

    /** Inputs smaller than this are never spread. */
    public static final long MIN_SPREAD_BYTES = 32L << 10;

    public static final long SPLIT_BYTES = 4L << 20;
}
