package dev.sparkencoders.jobs;

import org.apache.spark.sql.SparkSession;

/** A spark-submit entry point: validates its configuration on the driver, then runs. */
interface Job {

    /** Runs the job; any exception means the job failed and the process exits non-zero. */
    void run(SparkSession spark, JobConfig config);
}
