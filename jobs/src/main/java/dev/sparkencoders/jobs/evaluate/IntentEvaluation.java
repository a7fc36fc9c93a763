package dev.sparkencoders.jobs.evaluate;

import dev.sparkencoders.jobs.ConfigKey;
import dev.sparkencoders.jobs.io.InputReader;
import dev.sparkencoders.jobs.JobConfig;
import dev.sparkencoders.jobs.JobConfigException;
import dev.sparkencoders.jobs.PipelineHead;
import dev.sparkencoders.jobs.io.ProgressReporter;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.Word2Vec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Intent classification: what the encoder's sentence embeddings buy over classical Spark ML text features. Three
 * MLlib logistic regressions are trained on the same training rows and scored on the same test rows:
 * <ol>
 * <li>{@code embedding}: the encoder's sentence embeddings (computed once by the encoder pipeline, cached);</li>
 * <li>{@code tf-idf}: {@code RegexTokenizer} + {@code CountVectorizer} + {@code IDF};</li>
 * <li>{@code word2vec}: MLlib {@code Word2Vec} trained on the training texts, averaged over each text's words.</li>
 * </ol>
 * The regularisation is fixed ({@code evaluate.reg-param}) or, given a list, chosen per method on a 20% hold-out
 * of the training rows; the test split is only ever used for the reported figures. The embedding classifier is
 * saved as a {@code PipelineModel} under {@code model/} (label indexer, logistic regression, label names) for
 * {@code classify --set head.path=...}.
 */
final class IntentEvaluation {

    static final String TEXT = "text";
    static final String GOLD = "gold_label";
    static final String GOLD_INDEX = "gold_index";
    /** The gold label while a fitted pipeline scores rows: under another name, its label indexer stays idle. */
    static final String ACTUAL = "actual_label";
    static final String PREDICTED = "predicted_label";
    static final String EMBEDDING = "embedding";
    static final String MODEL_DIR = "model";
    static final String SCORES_CHART = "accuracy.png";
    static final String CONFUSION_CHART = "confusion-matrix.png";
    static final long SEED = 42;
    static final double HOLDOUT = 0.2;

    private final SparkSession spark;
    private final JobConfig config;
    private final EncoderFeatures features;
    private final EvaluationOutput output;

    IntentEvaluation(SparkSession spark, JobConfig config, EncoderFeatures features, EvaluationOutput output) {
        this.spark = spark;
        this.config = config;
        this.features = features;
        this.output = output;
    }

    /** One method's features: the stages between the label indexer and the logistic regression. */
    private record Method(String name, String description, String featuresCol, List<PipelineStage> stages) {}

    Map<String, Object> run() {
        String trainPath = config.require(ConfigKey.TRAIN_PATH);
        String testPath = config.require(ConfigKey.TEST_PATH);
        String textCol = config.get(ConfigKey.INPUT_TEXT_COL) != null ? config.get(ConfigKey.INPUT_TEXT_COL) : TEXT;
        String labelCol = config.require(ConfigKey.EVALUATE_LABEL_COL);
        int maxIter = config.positiveInt(ConfigKey.EVALUATE_MAX_ITER);
        double[] regParams = regParams(config);

        Dataset<Row> trainRaw = read(trainPath, textCol, labelCol);
        Dataset<Row> testRaw = read(testPath, textCol, labelCol);
        long trainRows = trainRaw.count();
        long testRows = testRaw.count();
        Dataset<Row> labelled = trainRaw.withColumn("split", lit("train")).union(testRaw.withColumn("split", lit("test")))
                .filter(col(TEXT).isNotNull().and(col(GOLD).isNotNull()));

        // The encoder pass: every train and test text once, kept for the fits and the scoring that follow.
        long start = System.nanoTime();
        Dataset<Row> embedded = features.embed(features.spread(labelled), TEXT, EMBEDDING, "error")
                .persist(StorageLevel.MEMORY_AND_DISK());
        long embeddedRows;
        try (ProgressReporter progress = ProgressReporter.start(spark, "evaluate intent", features.counters())) {
            embeddedRows = embedded.count();
        }
        double encoderSeconds = EvaluateJob.seconds(start);
        Dataset<Row> usable = embedded.filter(col("error").isNull()).drop("error");
        Dataset<Row> train = usable.filter(col("split").equalTo("train")).drop("split")
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> test = usable.filter(col("split").equalTo("test")).drop("split")
                .persist(StorageLevel.MEMORY_AND_DISK());
        long trainUsed = train.count();
        long testUsed = test.count();
        if (trainUsed == 0 || testUsed == 0) {
            throw new IllegalStateException("Cannot evaluate: " + trainUsed + " training and " + testUsed
                    + " test rows have a text, a label and an embedding");
        }

        // Every training label is known to the indexer; test rows are scored without the gold column, so a label
        // seen only in the test split is simply a wrong prediction, and the classifier has exactly the train labels.
        StringIndexerModel indexer = new StringIndexer().setInputCol(GOLD).setOutputCol(GOLD_INDEX).fit(train);
        String[] labels = indexer.labelsArray()[0];
        IndexToString names = new IndexToString().setInputCol("prediction").setOutputCol(PREDICTED).setLabels(labels);

        RegexTokenizer tokenizer = new RegexTokenizer().setInputCol(TEXT).setOutputCol("tokens").setPattern("\\W+")
                .setToLowercase(true);
        List<Method> methods = List.of(
                new Method("embedding", "logistic regression on the encoder's sentence embeddings", EMBEDDING,
                        List.of()),
                new Method("tf-idf", "logistic regression on TF-IDF of lower-cased word unigrams"
                        + " (RegexTokenizer \\W+, CountVectorizer, IDF)", "tfidf", List.of(tokenizer,
                        new CountVectorizer().setInputCol("tokens").setOutputCol("tf"),
                        new IDF().setInputCol("tf").setOutputCol("tfidf"))),
                new Method("word2vec", "logistic regression on averaged Word2Vec vectors trained on the training"
                        + " texts (100 dimensions, window 5, min count 1, 10 iterations)", "w2v", List.of(tokenizer,
                        new Word2Vec().setInputCol("tokens").setOutputCol("w2v").setVectorSize(100).setWindowSize(5)
                                .setMinCount(1).setMaxIter(10).setSeed(SEED))));

        List<Map<String, Object>> results = new ArrayList<>();
        Map<String, ClassificationMetrics> metrics = new LinkedHashMap<>();
        PipelineModel embeddingModel = null;
        Dataset<Row>[] holdout = train.randomSplit(new double[] {1 - HOLDOUT, HOLDOUT}, SEED);
        for (Method method : methods) {
            DoubleFunction<Pipeline> pipeline = regParam -> {
                List<PipelineStage> stages = new ArrayList<>();
                stages.add(indexer);
                stages.addAll(method.stages());
                stages.add(new LogisticRegression().setFeaturesCol(method.featuresCol()).setLabelCol(GOLD_INDEX)
                        .setFamily("multinomial").setMaxIter(maxIter).setRegParam(regParam).setElasticNetParam(0));
                stages.add(names);
                return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
            };
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("method", method.name());
            result.put("description", method.description());

            double regParam = regParams[0];
            if (regParams.length > 1) {
                Map<String, Double> tuning = new LinkedHashMap<>();
                double best = -1;
                for (double candidate : regParams) {
                    PipelineModel model = pipeline.apply(candidate).fit(holdout[0]);
                    double accuracy = metrics(predict(model, holdout[1])).accuracy();
                    tuning.put(Double.toString(candidate), accuracy);
                    if (accuracy > best) {
                        best = accuracy;
                        regParam = candidate;
                    }
                }
                result.put("holdout_accuracy_by_reg_param", tuning);
            }
            result.put("reg_param", regParam);
            result.put("max_iter", maxIter);

            long fitStart = System.nanoTime();
            PipelineModel model = pipeline.apply(regParam).fit(train);
            double fitSeconds = EvaluateJob.seconds(fitStart);
            long predictStart = System.nanoTime();
            ClassificationMetrics m = metrics(predict(model, test));
            double predictSeconds = EvaluateJob.seconds(predictStart);
            metrics.put(method.name(), m);
            result.put("accuracy", m.accuracy());
            result.put("macro_f1", m.macroF1());
            result.put("fit_seconds", EvaluateJob.round(fitSeconds, 3));
            result.put("fit_rows_per_second", EvaluateJob.round(trainUsed / fitSeconds, 1));
            result.put("predict_seconds", EvaluateJob.round(predictSeconds, 3));
            result.put("predict_rows_per_second", EvaluateJob.round(testUsed / predictSeconds, 1));
            if (method.name().equals("embedding")) {
                result.put("encoder_seconds", EvaluateJob.round(encoderSeconds, 3));
                result.put("encoder_rows_per_second", EvaluateJob.round(embeddedRows / encoderSeconds, 1));
                embeddingModel = model;
            }
            results.add(result);
        }

        String modelPath = output.resolve(MODEL_DIR);
        try {
            embeddingModel.write().save(modelPath);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot save the classifier to " + modelPath + ": " + e.getMessage(), e);
        }
        PipelineHead.writeMetadata(output, MODEL_DIR, features.describe(), EMBEDDING, labels);
        String predictions = output.resolve(EvaluationOutput.PREDICTIONS_DIR);
        predict(embeddingModel, test).select(col(TEXT), col(ACTUAL).alias(labelCol), col(PREDICTED).alias("predicted"))
                .write().format(config.require(ConfigKey.OUTPUT_FORMAT).toLowerCase(Locale.ROOT)).save(predictions);

        String bestMethod = results.stream().max((a, b) -> Double.compare((double) a.get("accuracy"),
                (double) b.get("accuracy"))).orElseThrow().get("method").toString();
        ClassificationMetrics best = metrics.get(bestMethod);
        List<String> charts = new ArrayList<>();
        Map<String, String> chartErrors = new LinkedHashMap<>();
        List<String> methodNames = results.stream().map(r -> r.get("method").toString()).toList();
        EvaluateJob.chart(output, SCORES_CHART, () -> Charts.scores(String.format(Locale.ROOT,
                "Test accuracy and macro-F1 per method (%,d train / %,d test rows, %d labels)", trainUsed, testUsed,
                labels.length), methodNames,
                results.stream().map(r -> (Double) r.get("accuracy")).toList(),
                results.stream().map(r -> (Double) r.get("macro_f1")).toList()), charts, chartErrors);
        EvaluateJob.chart(output, CONFUSION_CHART, () -> Charts.confusionMatrix(String.format(Locale.ROOT,
                "Confusion matrix of %s (test accuracy %.4f): %% of each gold label's rows", bestMethod,
                best.accuracy()), best.labels(), best.rowNormalized()), charts, chartErrors);
        train.unpersist();
        test.unpersist();
        embedded.unpersist();

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("data", Map.of(
                "train", Map.of("path", trainPath, "sha256", EvaluationOutput.sha256(spark, trainPath)),
                "test", Map.of("path", testPath, "sha256", EvaluationOutput.sha256(spark, testPath))));
        report.put("train_rows", trainRows);
        report.put("test_rows", testRows);
        report.put("train_rows_used", trainUsed);
        report.put("test_rows_used", testUsed);
        report.put("labels", labels.length);
        Map<String, Object> encoder = new LinkedHashMap<>(features.counts());
        encoder.put("seconds", EvaluateJob.round(encoderSeconds, 3));
        encoder.put("rows_per_second", EvaluateJob.round(embeddedRows / encoderSeconds, 1));
        encoder.put("rows_failed", embeddedRows - trainUsed - testUsed);
        report.put("encoder", encoder);
        report.put("methods", results);
        report.put("best_method", bestMethod);
        report.put("best_method_per_label", perLabel(best));
        report.put("classifier", modelPath);
        report.put("predictions", predictions);
        report.put("charts", charts);
        if (!chartErrors.isEmpty()) {
            report.put("chart_errors", chartErrors);
        }
        StringBuilder summary = new StringBuilder();
        for (Map<String, Object> r : results) {
            summary.append(String.format(Locale.ROOT, "%s%s accuracy %.4f macro-F1 %.4f", summary.length() > 0
                    ? ", " : "", r.get("method"), (Double) r.get("accuracy"), (Double) r.get("macro_f1")));
        }
        report.put("summary", summary.toString());
        return report;
    }

    /** Checks, before any output is written or model loaded, that both files have the text and label columns. */
    static void checkColumns(SparkSession spark, JobConfig config) {
        String textCol = config.get(ConfigKey.INPUT_TEXT_COL) != null ? config.get(ConfigKey.INPUT_TEXT_COL) : TEXT;
        String labelCol = config.require(ConfigKey.EVALUATE_LABEL_COL);
        read(spark, config.require(ConfigKey.TRAIN_PATH), textCol, labelCol);
        read(spark, config.require(ConfigKey.TEST_PATH), textCol, labelCol);
    }

    private Dataset<Row> read(String path, String textCol, String labelCol) {
        return read(spark, path, textCol, labelCol);
    }

    private static Dataset<Row> read(SparkSession spark, String path, String textCol, String labelCol) {
        Dataset<Row> df;
        try {
            df = spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"").csv(path);
        } catch (RuntimeException e) {
            throw new JobConfigException("Cannot read " + path + " as CSV: " + e.getMessage(), e);
        }
        InputReader.stringColumn(df, textCol, ConfigKey.INPUT_TEXT_COL);
        if (!Arrays.asList(df.columns()).contains(labelCol)) {
            throw new JobConfigException("Cannot find label column '" + labelCol + "' in " + path + ": it has columns "
                    + Arrays.toString(df.columns()) + " (set " + ConfigKey.EVALUATE_LABEL_COL.key() + ")");
        }
        return df.select(col(textCol).alias(TEXT), col(labelCol).alias(GOLD));
    }

    /** Scores rows as a user's data would be: the gold label is set aside under {@link #ACTUAL}. */
    private static Dataset<Row> predict(PipelineModel model, Dataset<Row> rows) {
        return model.transform(rows.withColumnRenamed(GOLD, ACTUAL));
    }

    private static ClassificationMetrics metrics(Dataset<Row> predictions) {
        List<ClassificationMetrics.Cell> cells = predictions.groupBy(ACTUAL, PREDICTED).count().collectAsList().stream()
                .map(r -> new ClassificationMetrics.Cell(r.getString(0), r.getString(1), r.getLong(2))).toList();
        return ClassificationMetrics.of(cells);
    }

    private static List<Map<String, Object>> perLabel(ClassificationMetrics m) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < m.labels().size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("label", m.labels().get(i));
            row.put("precision", EvaluateJob.round(m.precision(i), 4));
            row.put("recall", EvaluateJob.round(m.recall(i), 4));
            row.put("f1", EvaluateJob.round(m.f1(i), 4));
            out.add(row);
        }
        return out;
    }

    static double[] regParams(JobConfig config) {
        String value = config.require(ConfigKey.EVALUATE_REG_PARAM);
        try {
            double[] params = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToDouble(Double::parseDouble).toArray();
            if (params.length > 0 && Arrays.stream(params).allMatch(p -> p >= 0 && Double.isFinite(p))) {
                return params;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message below
        }
        throw new JobConfigException("Cannot use " + ConfigKey.EVALUATE_REG_PARAM.key() + "=" + value
                + ": expected a non-negative number or a comma-separated list of them");
    }
}
