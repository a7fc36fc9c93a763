package dev.sparkencoders.jobs.io;

import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/** Reads a job's input and checks, on the driver, that it exists and has the text columns the job needs. */
public final class InputReader {

    private InputReader() {}

    public static Dataset<Row> read(SparkSession spark, JobConfig config) {
        return read(spark, config, Map.of());
    }

    /**
     * The input read with extra options for Spark's reader, e.g. {@code lineSep} for text files whose records are
     * not single lines.
     */
    public static Dataset<Row> read(SparkSession spark, JobConfig config, Map<String, String> options) {
        String path = config.require(ConfigKey.INPUT_PATH);
        InputFormat format = InputFormat.parse(config.require(ConfigKey.INPUT_FORMAT));
        requireExists(spark, path);
        try {
            return switch (format) {
                case TEXT -> spark.read().options(options).text(path);
                case PARQUET -> spark.read().options(options).parquet(path);
                case JSON -> spark.read().options(options).json(path);
                case CSV -> spark.read().options(options).option("header", "true").option("multiLine", "true").option("escape", "\"")
                        .csv(path);
            };
        } catch (RuntimeException e) {
            throw new JobConfigException("Cannot read input " + path + " as " + format.name().toLowerCase() + ": "
                    + e.getMessage() + " (check input.format)", e);
        }
    }

    /** The index of a string column, failing with the columns that exist when it is missing or not a string. */
    public static int stringColumn(Dataset<Row> input, String column, ConfigKey key) {
        String[] names = input.schema().fieldNames();
        if (!Arrays.asList(names).contains(column)) {
            throw new JobConfigException("Cannot find text column '" + column + "' in the input: it has columns "
                    + Arrays.toString(names) + " (set " + key.key() + ")");
        }
        StructField field = input.schema().apply(column);
        DataType type = field.dataType();
        if (!type.equals(DataTypes.StringType)) {
            throw new JobConfigException("Cannot use column '" + column + "' as text: its type is "
                    + type.simpleString() + ", not string (cast it to string or choose another column with "
                    + key.key() + ")");
        }
        return input.schema().fieldIndex(column);
    }

    private static void requireExists(SparkSession spark, String path) {
        try {
            Path p = new Path(path);
            if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
                throw new JobConfigException("Cannot read input " + path + ": it does not exist (check input.path)");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new JobConfigException("Cannot read input " + path + ": " + e.getMessage() + " (check input.path)", e);
        }
    }
}
