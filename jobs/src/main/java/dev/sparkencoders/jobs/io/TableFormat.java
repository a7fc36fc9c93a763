package dev.sparkencoders.jobs.io;

import dev.sparkencoders.jobs.config.JobConfigException;

import java.util.Locale;

/** The table formats {@code output.table} writes, with the Spark session settings each needs. */
public enum TableFormat {
    /** Apache Iceberg, through a catalog ({@code spark.sql.catalog.<name>}); the catalog {@code local} is built in. */
    ICEBERG("org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
            "org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.12.0"),
    /** Delta Lake, in the session catalog (Delta's catalog and SQL extension), stored under the warehouse. */
    DELTA("io.delta.sql.DeltaSparkSessionExtension", "io.delta:delta-spark_2.13:4.1.0");

    private final String extension;
    private final String artifact;

    TableFormat(String extension, String artifact) {
        this.extension = extension;
        this.artifact = artifact;
    }

    /**
     * Fails with one sentence when the format's classes are not on the driver's class path (the shaded spark-submit
     * jar holds none: a cluster brings its own).
     */
    public void requireOnClassPath(String table) {
        try {
            Class.forName(extension, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new JobConfigException("Cannot write table " + table + ": " + id() + " is not on the class path ("
                    + "use the cluster's own, or add --packages " + artifact + " to spark-submit)");
        }
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
