package dev.sparkencoders.jobs.evaluate;

import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.Job;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.io.HadoopFiles;
import dev.sparkencoders.jobs.io.SparkSessions;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code evaluate}: measures the configured encoder on data whose answers are known, with the project's own Spark
 * pipeline, and writes {@code report.json} plus PNG charts under {@code output.path}.
 * <ul>
 * <li>{@code evaluate.task=sts}: STS Benchmark pairs; the cosine of the two sentences' embeddings against the gold score,
 * as Spearman and Pearson correlation x100 ({@link StsEvaluation}).</li>
 * <li>{@code evaluate.task=intent}: text classification; MLlib logistic regression on the embeddings against TF-IDF and
 * Word2Vec baselines, accuracy and macro-F1 on the test split, and the embedding classifier saved as a
 * {@code PipelineModel} that {@code classify --set head.path=...} uses ({@link IntentEvaluation}).</li>
 * <li>{@code evaluate.task=mlm}: a masked-LM head's top-1/top-5 accuracy and pseudo-perplexity on a corpus masked as
 * the pretrain-data job masks it, per kind of position and per instance length ({@link MlmEvaluation}).</li>
 * </ul>
 *
 * <pre>
 * ./spark-encoders evaluate --set evaluate.task=intent --set evaluate.train-path=train.csv --set evaluate.test-path=test.csv --set output.path=out/eval
 * </pre>
 */
public final class EvaluateJob implements Job {

    private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);
    static final List<String> TASKS = List.of("sts", "intent", "mlm");

    @Override
    public void run(JobConfig config) {
        String task = config.require(ConfigKey.EVALUATE_TASK).toLowerCase(Locale.ROOT);
        if (!TASKS.contains(task)) {
            throw new JobConfigException("Cannot use " + ConfigKey.EVALUATE_TASK.key() + "=" + task
                    + ": unknown evaluation (use sts, intent or mlm)");
        }
        SparkSession spark = SparkSessions.create("evaluate " + task, config);
        try {
            long start = System.nanoTime();
            // Check every input before the output is touched or the model loaded.
            IntentSettings intent = null;
            if (task.equals("sts")) {
                HadoopFiles.requireExists(spark, config.require(ConfigKey.EVALUATE_DATA_PATH),
                        ConfigKey.EVALUATE_DATA_PATH);
            } else if (task.equals("mlm")) {
                HadoopFiles.requireExists(spark, config.require(ConfigKey.INPUT_PATH), ConfigKey.INPUT_PATH);
            } else {
                HadoopFiles.requireExists(spark, config.require(ConfigKey.EVALUATE_TRAIN_PATH),
                        ConfigKey.EVALUATE_TRAIN_PATH);
                HadoopFiles.requireExists(spark, config.require(ConfigKey.EVALUATE_TEST_PATH),
                        ConfigKey.EVALUATE_TEST_PATH);
                intent = IntentSettings.from(config);
                IntentData.checkColumns(spark, intent);
            }
            String format = config.require(ConfigKey.OUTPUT_FORMAT).toLowerCase(Locale.ROOT);
            if (!format.equals("parquet") && !format.equals("json")) {
                throw new JobConfigException("Cannot use output.format=" + format + ": unknown format (use parquet or"
                        + " json)");
            }
            EvaluationOutput output = EvaluationOutput.prepare(spark, config);
            EncoderFeatures features = EncoderFeatures.prepare(spark, config);
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("job", "evaluate");
            report.put("task", task);
            report.putAll(features.describe());
            Map<String, Object> results = switch (task) {
                case "sts" -> new StsEvaluation(spark, config, features, output).run();
                case "mlm" -> new MlmEvaluation(spark, config, features, output).run();
                default -> new IntentEvaluation(spark, intent, features, output).run().toMap();
            };
            report.putAll(results);
            report.put("seconds", round((System.nanoTime() - start) / 1e9, 3));
            report.put("config", config.masked());
            output.writeJson(EvaluationOutput.REPORT, report);
            System.err.println("evaluate " + task + ": " + results.get("summary") + "; report in "
                    + output.resolve(EvaluationOutput.REPORT));
        } finally {
            spark.stop();
        }
    }

    /**
     * Draws a chart and writes it; a chart that cannot be drawn (e.g. no fonts on a bare server) is logged and
     * listed under {@code chart_errors} instead of failing an evaluation that took minutes.
     */
    static void chart(EvaluationOutput output, String name, Supplier<byte[]> draw, List<String> charts,
                      Map<String, String> errors) {
        try {
            output.write(name, draw.get());
            charts.add(name);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Cannot draw chart {}: {}", name, e.toString(), e);
            errors.put(name, e.toString());
        }
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
