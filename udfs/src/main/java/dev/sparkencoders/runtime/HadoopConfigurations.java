package dev.sparkencoders.runtime;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * The Hadoop configuration model files are read with: Hadoop's defaults and site files, plus every
 * {@code spark.hadoop.*} key of this JVM's Spark configuration (driver or executor; before a SparkSession exists,
 * the system properties spark-submit sets), as Spark itself builds it,
 * so file system settings and credentials given to Spark reach the model copy too.
 */
final class HadoopConfigurations {

    private static final String PREFIX = "spark.hadoop.";

    private HadoopConfigurations() {}

    static Configuration current() {
        Configuration conf = new Configuration();
        SparkEnv env = SparkEnv.get();
        // Before a SparkSession exists (the driver checks the model first), Spark's settings are the system
        // properties spark-submit sets.
        SparkConf spark = env != null ? env.conf() : new SparkConf();
        for (Tuple2<String, String> entry : spark.getAllWithPrefix(PREFIX)) {
            conf.set(entry._1(), entry._2());
        }
        return conf;
    }
}
