package dev.sparkencoders.jobs.io;

import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

import static org.apache.spark.sql.functions.lit;

/**
 * Writes a job's result rows and its run report, checking the output settings and path before any work starts.
 * With {@code output.partition-by} the output is partitioned and an overwrite replaces only the partitions this run
 * writes (Spark's dynamic partition overwrite), so a nightly rerun replaces exactly its own day.
 *
 * <p>What a rerun finds at the output path decides what happens (see {@link ExistingOutput}): what a run that was
 * killed or failed left, or an empty folder, is replaced whatever {@code output.mode} says; the output of a finished
 * run is refused, or overwritten with {@code output.mode=overwrite}; a file, or a folder holding anything a job does
 * not write, is always refused, so no setting can delete a user's folder.
 */
public final class OutputWriter {

    private static final Logger LOG = LoggerFactory.getLogger(OutputWriter.class);

    private final String path;
    private final String format;
    private final SaveMode mode;
    private final String partitionColumn;
    private final String partitionValue;
    private final boolean replaceIncomplete;

    private OutputWriter(String path, String format, SaveMode mode, String partitionColumn, String partitionValue,
                         boolean replaceIncomplete) {
        this.path = path;
        this.format = format;
        this.mode = mode;
        this.partitionColumn = partitionColumn;
        this.partitionValue = partitionValue;
        this.replaceIncomplete = replaceIncomplete;
    }

    /** Validates the output settings and what the output path holds, before the job runs. */
    public static OutputWriter prepare(SparkSession spark, JobConfig config) {
        String path = config.require(ConfigKey.OUTPUT_PATH);
        String format = config.require(ConfigKey.OUTPUT_FORMAT).toLowerCase(Locale.ROOT);
        if (!format.equals("parquet") && !format.equals("json")) {
            throw new JobConfigException("Cannot use output.format=" + format + ": unknown format (use parquet or json)");
        }
        SaveMode mode = saveMode(config);
        ExistingOutput existing = inspect(spark, path);
        switch (existing.state()) {
            case FOREIGN -> throw new JobConfigException("Cannot write output to " + path + ": "
                    + (existing.foreignEntry().isEmpty() ? "it is a file"
                    : "it holds '" + existing.foreignEntry() + "', which no job wrote")
                    + ", so it is neither replaced nor written into (choose another output.path, or move it away)");
            case COMPLETE -> {
                if (mode == SaveMode.ErrorIfExists) {
                    throw new JobConfigException("Cannot write output to " + path + ": it holds the output of a"
                            + " finished run (choose a new output.path or set output.mode=overwrite)");
                }
            }
            default -> { }
        }
        String partitionColumn = config.get(ConfigKey.OUTPUT_PARTITION_BY);
        if (partitionColumn != null) {
            spark.conf().set("spark.sql.sources.partitionOverwriteMode", "dynamic");
        }
        boolean replace = existing.state() == ExistingOutput.State.INCOMPLETE
                || existing.state() == ExistingOutput.State.EMPTY;
        return new OutputWriter(path, format, mode, partitionColumn, config.get(ConfigKey.OUTPUT_PARTITION_VALUE),
                replace);
    }

    /** {@code output.mode}: errorifexists or overwrite; anything else is refused with one sentence. */
    public static SaveMode saveMode(JobConfig config) {
        return switch (config.require(ConfigKey.OUTPUT_MODE).toLowerCase(Locale.ROOT)) {
            case "errorifexists" -> SaveMode.ErrorIfExists;
            case "overwrite" -> SaveMode.Overwrite;
            case "incremental" -> throw new JobConfigException("Cannot use output.mode=incremental with output.path:"
                    + " an incremental run merges into a table (set output.table, with input.id-col)");
            default -> throw new JobConfigException("Cannot use output.mode=" + config.get(ConfigKey.OUTPUT_MODE)
                    + ": unknown mode (use errorifexists or overwrite)");
        };
    }

    /** Adds the partition column with this run's value when the input does not have it. */
    public Dataset<Row> withPartitionColumn(Dataset<Row> input) {
        if (partitionColumn == null || Arrays.asList(input.columns()).contains(partitionColumn)) {
            return input;
        }
        if (partitionValue == null) {
            throw new JobConfigException("Cannot partition the output by '" + partitionColumn + "': the input has no"
                    + " such column (set output.partition-value to this run's value, e.g. the run date)");
        }
        return input.withColumn(partitionColumn, lit(partitionValue));
    }

    public String path() {
        return path;
    }

    /**
     * Writes the rows. An incomplete output found by {@link #prepare} is deleted first; after a partitioned write,
     * the {@code .spark-staging-*} folders that killed runs left at the top of the output are deleted too (runs
     * over one output path must not overlap: each also rewrites {@code _run_report.json}).
     */
    public void write(Dataset<Row> rows) {
        FileSystem fs = fileSystem(rows.sparkSession(), path);
        Path root = new Path(path);
        if (replaceIncomplete) {
            LOG.warn("Replacing {}: it holds what a run that did not finish left", path);
            delete(fs, root);
        }
        var writer = rows.write().mode(mode).format(format);
        if (format.equals("parquet")
                && rows.sparkSession().sparkContext().hadoopConfiguration().get(VectorColumnEncoding.DICTIONARY) == null) {
            writer = writer.options(VectorColumnEncoding.writerOptions(rows.schema()));
        }
        if (partitionColumn != null) {
            writer = writer.partitionBy(partitionColumn);
        }
        writer.save(path);
        if (partitionColumn != null) {
            try {
                for (FileStatus staging : fs.listStatus(root, p -> p.getName().startsWith(ExistingOutput.STAGING_PREFIX))) {
                    LOG.warn("Deleting {}, left by a run that did not finish", staging.getPath());
                    delete(fs, staging.getPath());
                }
            } catch (IOException e) {
                throw new IllegalStateException("Cannot list " + path + " after writing: " + e.getMessage(), e);
            }
        }
    }

    private static void delete(FileSystem fs, Path target) {
        try {
            if (!fs.delete(target, true) && fs.exists(target)) {
                throw new IOException("the file system refused");
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot delete " + target + ", left by a run that did not finish: "
                    + e.getMessage() + " (delete it yourself and rerun)", e);
        }
    }

    public void writeReport(SparkSession spark, String json) {
        Path file = new Path(path, ExistingOutput.RUN_REPORT);
        try {
            FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (OutputStream out = fs.create(file, true)) {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write run report " + file + ": " + e.getMessage(), e);
        }
    }

    private static ExistingOutput inspect(SparkSession spark, String path) {
        try {
            return ExistingOutput.inspect(fileSystem(spark, path), new Path(path));
        } catch (IOException | IllegalArgumentException e) {
            throw new JobConfigException("Cannot check output path " + path + ": " + e.getMessage(), e);
        }
    }

    private static FileSystem fileSystem(SparkSession spark, String path) {
        try {
            return new Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration());
        } catch (IOException | IllegalArgumentException e) {
            throw new JobConfigException("Cannot use output path " + path + ": " + e.getMessage(), e);
        }
    }
}
