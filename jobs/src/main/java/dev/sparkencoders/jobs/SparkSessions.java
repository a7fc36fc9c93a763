package dev.sparkencoders.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the job's SparkSession from the {@code spark.*} settings, adding what executors need to run DJL without
 * network access so users never type it: offline mode for DJL, as a JVM option and an environment variable.
 */
final class SparkSessions {

    static final String OFFLINE_OPTION = "-Dai.djl.offline=true";

    private SparkSessions() {}

    static SparkSession create(String job, JobConfig config) {
        SparkConf conf = new SparkConf().setAppName("spark-encoders " + job);
        config.sparkSettings().forEach(conf::set);
        String executorOptions = conf.get("spark.executor.extraJavaOptions", "");
        if (!executorOptions.contains(OFFLINE_OPTION)) {
            conf.set("spark.executor.extraJavaOptions", (executorOptions + " " + OFFLINE_OPTION).trim());
        }
        conf.setIfMissing("spark.executorEnv.DJL_OFFLINE", "true");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
