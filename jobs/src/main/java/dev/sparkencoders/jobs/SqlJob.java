package dev.sparkencoders.jobs;

import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.Job;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.config.Models;
import dev.sparkencoders.jobs.io.InputSpread;
import dev.sparkencoders.jobs.io.OutputWriter;
import dev.sparkencoders.jobs.io.SparkSessions;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.spark.sql.SqlFunctions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code sql}: runs a Spark SQL query with the model's functions registered and writes its result like any other
 * job. When {@code input.path} is set, the input is also available as the view {@code input}, read in splits sized
 * for inference as the other jobs read it. The model's functions in a projection, filter or sort run over batches of
 * rows.
 *
 * <pre>
 * ./spark-encoders sql --set sql.query="SELECT similarity(embed('a'), embed('b')) AS close" --set output.path=out/
 * </pre>
 */
final class SqlJob implements Job {

    @Override
    public void run(JobConfig config) {
        String query = config.require(ConfigKey.SQL_QUERY);
        SparkSession spark = SparkSessions.create("sql", config);
        try {
            OutputWriter output = OutputWriter.prepare(spark, config);
            ModelSpec spec = Models.spec(config);
            Models.validate(spec, config);
            SqlFunctions.register(spark, spec);
            if (config.get(ConfigKey.INPUT_PATH) != null) {
                InputSpread.read(spark, config).rows().createOrReplaceTempView("input");
            }
            Dataset<Row> result;
            try {
                result = spark.sql(query);
            } catch (Exception e) { // AnalysisException is a checked exception thrown from Scala
                String reason = e.getMessage() == null ? e.toString()
                        : e.getMessage().lines().filter(line -> !line.isBlank()).findFirst().orElse(e.toString());
                throw new JobConfigException("Cannot run query: " + reason
                        + " (check the query)", e);
            }
            output.write(result);
            System.err.println("sql: wrote " + output.path());
        } finally {
            spark.stop();
        }
    }
}
