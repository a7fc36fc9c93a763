package dev.sparkencoders.jobs.evaluate;

import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.io.HadoopFiles;
import dev.sparkencoders.jobs.io.ProgressReporter;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Correlation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

/**
 * STS Benchmark: every pair's two sentences are embedded by the encoder pipeline, their cosine is compared with
 * the gold 0-5 score by Spearman's rank correlation (the figure MTEB and sentence-transformers publish) and
 * Pearson's, both x100. Writes {@code predictions/} (each pair with its cosine) and {@code sts-scatter.png}.
 *
 * <p>The file is read as lines and split on tabs: it has no header, quotes are part of the text (a CSV reader
 * would pair them up across fields), and some lines carry extra trailing fields, which are ignored. Lines
 * without seven fields or with a score that is not a number are skipped and counted.
 */
final class StsEvaluation {

    static final String SCATTER = "sts-scatter.png";
    static final StructType PAIRS = new StructType()
            .add("genre", DataTypes.StringType).add("file", DataTypes.StringType)
            .add("year", DataTypes.StringType).add("id", DataTypes.StringType)
            .add("score", DataTypes.DoubleType).add("sentence1", DataTypes.StringType)
            .add("sentence2", DataTypes.StringType);

    private final SparkSession spark;
    private final JobConfig config;
    private final EncoderFeatures features;
    private final EvaluationOutput output;

    StsEvaluation(SparkSession spark, JobConfig config, EncoderFeatures features, EvaluationOutput output) {
        this.spark = spark;
        this.config = config;
        this.features = features;
        this.output = output;
    }

    Map<String, Object> run() {
        String path = config.require(ConfigKey.EVALUATE_DATA_PATH);
        Dataset<String> lines = spark.read().textFile(path);
        long lineCount = lines.count();
        Dataset<Row> pairs = lines.flatMap((FlatMapFunction<String, Row>) StsEvaluation::parse, Encoders.row(PAIRS))
                .persist(StorageLevel.MEMORY_AND_DISK());
        long pairCount = pairs.count();

        long start = System.nanoTime();
        Dataset<Row> embedded = features.embed(features.embed(features.spread(pairs), "sentence1", "embedding1",
                "error1"), "sentence2", "embedding2", "error2");
        Dataset<Row> scored = embedded.withColumn("cosine", COSINE.apply(col("embedding1"), col("embedding2")))
                .drop("embedding1", "embedding2").persist(StorageLevel.MEMORY_AND_DISK());
        try (ProgressReporter progress = ProgressReporter.start(spark, "evaluate sts", features.counters())) {
            scored.count();
        }
        double embedSeconds = EvaluateJob.seconds(start);

        Dataset<Row> ok = scored.filter(col("cosine").isNotNull());
        long okCount = ok.count();
        if (okCount < 2) {
            throw new IllegalStateException("Cannot correlate: only " + okCount + " of " + pairCount
                    + " pairs were embedded (see the error columns in the predictions)");
        }
        Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"cosine", "score"})
                .setOutputCol("pair").transform(ok);
        double spearman = 100 * correlation(assembled, "spearman");
        double pearson = 100 * correlation(assembled, "pearson");

        String predictions = output.resolve(EvaluationOutput.PREDICTIONS_DIR);
        scored.write().format(config.require(ConfigKey.OUTPUT_FORMAT).toLowerCase(Locale.ROOT)).save(predictions);

        List<Row> points = ok.select("score", "cosine").collectAsList();
        double[] gold = new double[points.size()];
        double[] cosine = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            gold[i] = points.get(i).getDouble(0);
            cosine[i] = points.get(i).getDouble(1);
        }
        List<String> charts = new ArrayList<>();
        Map<String, String> chartErrors = new LinkedHashMap<>();
        String title = String.format(Locale.ROOT, "STS Benchmark: Spearman %.2f, Pearson %.2f (%d pairs)", spearman,
                pearson, okCount);
        EvaluateJob.chart(output, SCATTER, () -> Charts.scatter(title, "gold similarity (0-5)",
                "cosine of the embeddings", gold, cosine), charts, chartErrors);
        scored.unpersist();
        pairs.unpersist();

        long sentences = 2 * pairCount;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("data", Map.of("path", path, "sha256", HadoopFiles.sha256(spark, path)));
        report.put("lines", lineCount);
        report.put("pairs", okCount);
        report.put("pairs_skipped", lineCount - pairCount);
        report.put("pairs_failed", pairCount - okCount);
        report.put("spearman", spearman);
        report.put("pearson", pearson);
        Map<String, Object> encoder = new LinkedHashMap<>(features.counts());
        encoder.put("seconds", EvaluateJob.round(embedSeconds, 3));
        encoder.put("rows_per_second", EvaluateJob.round(sentences / embedSeconds, 1));
        report.put("encoder", encoder);
        report.put("predictions", predictions);
        report.put("charts", charts);
        if (!chartErrors.isEmpty()) {
            report.put("chart_errors", chartErrors);
        }
        report.put("summary", String.format(Locale.ROOT, "%d pairs, Spearman %.2f, Pearson %.2f, %.1f sentences/s",
                okCount, spearman, pearson, sentences / embedSeconds));
        return report;
    }

    /** One pair per line with at least seven tab-separated fields and a numeric score; nothing otherwise. */
    static java.util.Iterator<Row> parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length < 7) {
            return java.util.Collections.emptyIterator();
        }
        double score;
        try {
            score = Double.parseDouble(f[4].trim());
        } catch (NumberFormatException e) {
            return java.util.Collections.emptyIterator();
        }
        return List.of(RowFactory.create(f[0], f[1], f[2], f[3], score, f[5], f[6])).iterator();
    }

    private static double correlation(Dataset<Row> assembled, String method) {
        Row row = Correlation.corr(assembled, "pair", method).head();
        Matrix matrix = row.getAs(0);
        return matrix.apply(0, 1);
    }

    /** Cosine similarity of two vectors; null when either is missing (the row failed) or has no length. */
    static final UserDefinedFunction COSINE = udf((UDF2<Vector, Vector, Double>) (a, b) -> {
        if (a == null || b == null) {
            return null;
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.size(); i++) {
            double x = a.apply(i);
            double y = b.apply(i);
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return na == 0 || nb == 0 ? null : dot / Math.sqrt(na * nb);
    }, DataTypes.DoubleType);
}
