package dev.sparkencoders.jobs;

import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ErrorMode;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.spark.EmbedPartitionFunction;
import dev.sparkencoders.spark.TaskCounters;
import dev.sparkencoders.text.TokenBudget;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import static org.apache.spark.sql.functions.col;

/**
 * {@code embed}: reads a corpus, appends a sentence embedding ({@code array<float>}) and an {@code error} column
 * to every row, writes the result and a run report.
 *
 * <pre>
 * ./spark-encoders embed --set input.path=docs.txt --set output.path=out/
 * </pre>
 */
final class EmbedJob implements Job {

    @Override
    public void run(SparkSession spark, JobConfig config) {
        long start = System.nanoTime();
        Dataset<Row> input = InputReader.read(spark, config);
        String textColumn = config.get(ConfigKey.INPUT_TEXT_COL) != null ? config.get(ConfigKey.INPUT_TEXT_COL)
                : InputFormat.parse(config.require(ConfigKey.INPUT_FORMAT)).defaultTextColumn();
        int textIndex = InputReader.stringColumn(input, textColumn, ConfigKey.INPUT_TEXT_COL);
        TokenBudget budget = new TokenBudget(config.positiveInt(ConfigKey.BATCH_MAX_TOKENS),
                config.positiveInt(ConfigKey.BATCH_MAX_ROWS));
        int chunkRows = config.positiveInt(ConfigKey.BATCH_CHUNK_ROWS);
        ErrorMode errors = parseErrors(config);
        OutputWriter output = OutputWriter.prepare(spark, config);
        ModelSpec spec = Models.spec(config);
        long loadsBefore = ModelCache.loads();
        EncoderModel model = Models.validate(spec);
        // In local mode the driver is the executor: the model it loaded to validate is the one the tasks use.
        long driverLoads = spark.sparkContext().isLocal() ? ModelCache.loads() - loadsBefore : 0;

        TaskCounters counters = TaskCounters.register(spark);
        Dataset<Row> embedded = input.mapPartitions(
                new EmbedPartitionFunction(spec, textIndex, budget, chunkRows, errors, counters),
                Encoders.row(EmbedPartitionFunction.outputSchema(input.schema())));
        output.write(embedded);

        Dataset<Row> written = output.readBack(spark, embedded.schema());
        RunReport report = new RunReport("embed", input.count(), written.count(),
                written.filter(col(EmbedPartitionFunction.ERROR_COL).isNotNull()).count(),
                counters.rowsTruncated().value(), counters.tokens().value(), driverLoads + counters.modelLoads().value(),
                (System.nanoTime() - start) / 1e9, model.checkpoint().dir().toString(), config.masked());
        output.writeReport(spark, report.toJson());
        System.err.println(report.summary());
    }

    private static ErrorMode parseErrors(JobConfig config) {
        try {
            return ErrorMode.parse(config.require(ConfigKey.ERRORS));
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
    }
}
