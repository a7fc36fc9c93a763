package dev.sparkencoders.jobs;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Writes a job's result rows and its run report, checking the output settings before any work starts. With
 * {@code output.partition-by} the output is partitioned and an overwrite replaces only the partitions this run
 * writes (Spark's dynamic partition overwrite), so a nightly rerun replaces exactly its own day.
 */
final class OutputWriter {

    private final String path;
    private final String format;
    private final SaveMode mode;
    private final String partitionColumn;
    private final String partitionValue;

    private OutputWriter(String path, String format, SaveMode mode, String partitionColumn, String partitionValue) {
        this.path = path;
        this.format = format;
        this.mode = mode;
        this.partitionColumn = partitionColumn;
        this.partitionValue = partitionValue;
    }

    /** Validates the output settings, and that the path is free unless overwriting, before the job runs. */
    static OutputWriter prepare(SparkSession spark, JobConfig config) {
        String path = config.require(ConfigKey.OUTPUT_PATH);
        String format = config.require(ConfigKey.OUTPUT_FORMAT).toLowerCase(Locale.ROOT);
        if (!format.equals("parquet") && !format.equals("json")) {
            throw new JobConfigException("Cannot use output.format=" + format + ": unknown format (use parquet or json)");
        }
        SaveMode mode = saveMode(config);
        if (mode == SaveMode.ErrorIfExists && exists(spark, path)) {
            throw new JobConfigException("Cannot write output to " + path + ": the path already exists (choose a new"
                    + " output.path or set output.mode=overwrite)");
        }
        String partitionColumn = config.get(ConfigKey.OUTPUT_PARTITION_BY);
        if (partitionColumn != null) {
            spark.conf().set("spark.sql.sources.partitionOverwriteMode", "dynamic");
        }
        return new OutputWriter(path, format, mode, partitionColumn, config.get(ConfigKey.OUTPUT_PARTITION_VALUE));
    }

    /** {@code output.mode}: errorifexists or overwrite; anything else is refused with one sentence. */
    static SaveMode saveMode(JobConfig config) {
        return switch (config.require(ConfigKey.OUTPUT_MODE).toLowerCase(Locale.ROOT)) {
            case "errorifexists" -> SaveMode.ErrorIfExists;
            case "overwrite" -> SaveMode.Overwrite;
            default -> throw new JobConfigException("Cannot use output.mode=" + config.get(ConfigKey.OUTPUT_MODE)
                    + ": unknown mode (use errorifexists or overwrite)");
        };
    }

    /** Adds the partition column with this run's value when the input does not have it. */
    Dataset<Row> withPartitionColumn(Dataset<Row> input) {
        if (partitionColumn == null || Arrays.asList(input.columns()).contains(partitionColumn)) {
            return input;
        }
        if (partitionValue == null) {
            throw new JobConfigException("Cannot partition the output by '" + partitionColumn + "': the input has no"
                    + " such column (set output.partition-value to this run's value, e.g. the run date)");
        }
        return input.withColumn(partitionColumn, lit(partitionValue));
    }

    String path() {
        return path;
    }

    void write(Dataset<Row> rows) {
        var writer = rows.write().mode(mode).format(format);
        if (partitionColumn != null) {
            writer = writer.partitionBy(partitionColumn);
        }
        writer.save(path);
    }

    /**
     * Reads this run's output back with the schema it was written with (JSON leaves out null fields, so inference
     * could miss a column), for counts that reflect what is really on disk. A partitioned run reads its own
     * partition only.
     */
    Dataset<Row> readBack(SparkSession spark, StructType schema) {
        Dataset<Row> all = spark.read().schema(schema).format(format).load(path);
        return partitionColumn != null && partitionValue != null
                ? all.filter(col(partitionColumn).equalTo(lit(partitionValue))) : all;
    }

    void writeReport(SparkSession spark, String json) {
        Path file = new Path(path, "_run_report.json");
        try {
            FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (OutputStream out = fs.create(file, true)) {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write run report " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean exists(SparkSession spark, String path) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (IOException | IllegalArgumentException e) {
            throw new JobConfigException("Cannot check output path " + path + ": " + e.getMessage(), e);
        }
    }
}
