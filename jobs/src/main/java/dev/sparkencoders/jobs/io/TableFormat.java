package dev.sparkencoders.jobs.io;

import dev.sparkencoders.jobs.config.JobConfigException;

import java.util.Locale;

/** The table formats {@code output.table} writes, with the Spark session settings each needs. */
public enum TableFormat {
    /** Apache Iceberg, through a catalog ({@code spark.sql.catalog.<name>}); the catalog {@code local} is built in. */
    ICEBERG("org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"),
    /** Delta Lake, in the session catalog (Delta's catalog and SQL extension), stored under the warehouse. */
    DELTA("io.delta.sql.DeltaSparkSessionExtension");

    private final String extension;

    TableFormat(String extension) {
        this.extension = extension;
    }

    /** The SparkSession extension the format's MERGE and DDL need. */
    public String extension() {
        return extension;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TableFormat parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new JobConfigException("Cannot use output.table-format=" + value + ": unknown format (use iceberg"
                    + " or delta)");
        }
    }
}
