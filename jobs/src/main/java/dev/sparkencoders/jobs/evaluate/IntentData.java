package dev.sparkencoders.jobs.evaluate;

import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.io.InputReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Arrays;

import static org.apache.spark.sql.functions.col;

/**
 * The labelled texts of {@code evaluate.task=intent}: CSV files with a header and RFC 4180 quotes, read as two
 * columns, {@value #TEXT} and {@value #GOLD}, whatever the files call them.
 */
final class IntentData {

    static final String TEXT = "text";
    static final String GOLD = "gold_label";

    private IntentData() {}

    /** Checks, before any output is written or model loaded, that both files have the text and label columns. */
    static void checkColumns(SparkSession spark, IntentSettings settings) {
        read(spark, settings.trainPath(), settings);
        read(spark, settings.testPath(), settings);
    }

    /** The file's text and label columns as {@value #TEXT} and {@value #GOLD}. */
    static Dataset<Row> read(SparkSession spark, String path, IntentSettings settings) {
        Dataset<Row> df;
        try {
            df = spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"").csv(path);
        } catch (RuntimeException e) {
            throw new JobConfigException("Cannot read " + path + " as CSV: " + e.getMessage(), e);
        }
        InputReader.stringColumn(df, settings.textCol(), ConfigKey.INPUT_TEXT_COL);
        if (!Arrays.asList(df.columns()).contains(settings.labelCol())) {
            throw new JobConfigException("Cannot find label column '" + settings.labelCol() + "' in " + path
                    + ": it has columns " + Arrays.toString(df.columns()) + " (set "
                    + ConfigKey.EVALUATE_LABEL_COL.key() + ")");
        }
        return df.select(col(settings.textCol()).alias(TEXT), col(settings.labelCol()).alias(GOLD));
    }
}
