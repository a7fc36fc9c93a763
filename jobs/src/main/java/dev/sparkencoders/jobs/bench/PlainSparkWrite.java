package dev.sparkencoders.jobs.bench;

import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.util.List;

/**
 * The floor of a Spark job's start-up: a plain program that starts a local SparkSession (web UI off, as the jobs
 * run on local masters), writes one string to Parquet, stops the session and exits. It loads no model and uses
 * nothing of this project; the start-up part ({@link StartupPart}) times it in a child JVM next to the embed job,
 * without and with a class-data archive of its own.
 *
 * <pre>
 * java $(cat jobs/target/launcher/jvm-options.txt) -cp "jobs/target/spark-encoders-jobs.jar:$(cat jobs/target/launcher/classpath.txt)" \
 *   dev.sparkencoders.jobs.bench.PlainSparkWrite /tmp/one-row "A man is playing a flute."
 * rows written 1
 * </pre>
 */
public final class PlainSparkWrite {

    private PlainSparkWrite() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("Cannot run PlainSparkWrite: expected 2 arguments, got " + args.length
                    + " (usage: PlainSparkWrite <output folder> <sentence>)");
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().appName("plain-spark-write").master("local[*]")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            spark.createDataset(List.of(args[1]), Encoders.STRING()).write().mode(SaveMode.Overwrite).parquet(args[0]);
            System.out.println("rows written 1");
        } finally {
            spark.stop();
        }
    }
}
