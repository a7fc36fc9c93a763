package dev.sparkencoders.jobs.evaluate;

import dev.sparkencoders.jobs.head.HeadMetadata;
import dev.sparkencoders.jobs.io.HadoopFiles;
import dev.sparkencoders.jobs.io.ProgressReporter;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Intent classification: what the encoder's sentence embeddings buy over classical Spark ML text features. Three
 * MLlib logistic regressions ({@link IntentMethod#all()}) are trained on the same training rows and scored on the
 * same test rows ({@link IntentFit}): on the encoder's sentence embeddings (computed once by the encoder pipeline,
 * cached), on TF-IDF and on averaged Word2Vec vectors. The embedding classifier is saved as a {@code PipelineModel}
 * under {@code model/} (label indexer, logistic regression, label names), with its {@link HeadMetadata}, for
 * {@code classify --set head.path=...}; its test predictions go under {@code predictions/}.
 */
final class IntentEvaluation {

    static final String MODEL_DIR = "model";
    static final String SCORES_CHART = "accuracy.png";
    static final String CONFUSION_CHART = "confusion-matrix.png";

    private final SparkSession spark;
    private final IntentSettings settings;
    private final EncoderFeatures features;
    private final EvaluationOutput output;

    IntentEvaluation(SparkSession spark, IntentSettings settings, EncoderFeatures features, EvaluationOutput output) {
        this.spark = spark;
        this.settings = settings;
        this.features = features;
        this.output = output;
    }

    IntentReport run() {
        Dataset<Row> trainRaw = IntentData.read(spark, settings.trainPath(), settings);
        Dataset<Row> testRaw = IntentData.read(spark, settings.testPath(), settings);
        long trainRows = trainRaw.count();
        long testRows = testRaw.count();
        Dataset<Row> labelled = trainRaw.withColumn("split", lit("train")).union(testRaw.withColumn("split", lit("test")))
                .filter(col(IntentData.TEXT).isNotNull().and(col(IntentData.GOLD).isNotNull()));

        // The encoder pass: every train and test text once, kept for the fits and the scoring that follow.
        long start = System.nanoTime();
        Dataset<Row> embedded = features.embed(features.spread(labelled), IntentData.TEXT, IntentMethod.EMBEDDING,
                "error").persist(StorageLevel.MEMORY_AND_DISK());
        long embeddedRows;
        try (ProgressReporter progress = ProgressReporter.start(spark, "evaluate intent", features.counters())) {
            embeddedRows = embedded.count();
        }
        IntentReport.Timing encoder = IntentReport.Timing.since(start, embeddedRows);
        Dataset<Row> usable = embedded.filter(col("error").isNull()).drop("error");
        Dataset<Row> train = usable.filter(col("split").equalTo("train")).drop("split")
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> test = usable.filter(col("split").equalTo("test")).drop("split")
                .persist(StorageLevel.MEMORY_AND_DISK());
        long trainUsed = train.count();
        long testUsed = test.count();
        if (trainUsed == 0 || testUsed == 0) {
            throw new IllegalStateException("Cannot evaluate: " + trainUsed + " training and " + testUsed
                    + " test rows have a text, a label and an embedding (check the files' text and label columns)");
        }

        StringIndexerModel indexer = new StringIndexer().setInputCol(IntentData.GOLD).setOutputCol(IntentFit.GOLD_INDEX)
                .fit(train);
        String[] labels = indexer.labelsArray()[0];
        IntentFit fit = new IntentFit(settings, indexer, train, test);
        List<IntentReport.MethodResult> results = new ArrayList<>();
        PipelineModel embeddingModel = null;
        for (IntentMethod method : IntentMethod.all()) {
            IntentFit.Fitted fitted = fit.fit(method, trainUsed, testUsed);
            results.add(fitted.result());
            if (method.isEmbedding()) {
                embeddingModel = fitted.model();
            }
        }

        String modelPath = saveClassifier(embeddingModel, labels);
        String predictions = output.resolve(EvaluationOutput.PREDICTIONS_DIR);
        IntentScoring.predict(embeddingModel, test).select(col(IntentData.TEXT),
                        col(IntentScoring.ACTUAL).alias(settings.labelCol()),
                        col(IntentScoring.PREDICTED).alias("predicted"))
                .write().format(settings.outputFormat()).save(predictions);

        List<String> charts = new ArrayList<>();
        Map<String, String> chartErrors = new LinkedHashMap<>();
        IntentReport report = new IntentReport(
                new IntentReport.DataFile(settings.trainPath(), HadoopFiles.sha256(spark, settings.trainPath())),
                new IntentReport.DataFile(settings.testPath(), HadoopFiles.sha256(spark, settings.testPath())),
                trainRows, testRows, trainUsed, testUsed, labels.length, features.counts(), encoder, results,
                modelPath, predictions, charts, chartErrors);
        drawCharts(report, charts, chartErrors);
        train.unpersist();
        test.unpersist();
        embedded.unpersist();
        return report;
    }

    /** Saves the embedding classifier under {@value #MODEL_DIR}, with the encoder it was trained on beside it. */
    private String saveClassifier(PipelineModel model, String[] labels) {
        String modelPath = output.resolve(MODEL_DIR);
        try {
            model.write().save(modelPath);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot save the classifier to " + modelPath + ": " + e.getMessage()
                    + " (check that this user may write under output.path)", e);
        }
        HeadMetadata.write(spark, modelPath, features.describe(), IntentMethod.EMBEDDING, labels);
        return modelPath;
    }

    private void drawCharts(IntentReport report, List<String> charts, Map<String, String> chartErrors) {
        List<IntentReport.MethodResult> methods = report.methods();
        IntentReport.MethodResult best = report.best();
        EvaluateJob.chart(output, SCORES_CHART, () -> Charts.scores(String.format(Locale.ROOT,
                "Test accuracy and macro-F1 per method (%,d train / %,d test rows, %d labels)", report.trainRowsUsed(),
                report.testRowsUsed(), report.labels()), methods.stream().map(IntentReport.MethodResult::method).toList(),
                methods.stream().map(IntentReport.MethodResult::accuracy).toList(),
                methods.stream().map(IntentReport.MethodResult::macroF1).toList()), charts, chartErrors);
        EvaluateJob.chart(output, CONFUSION_CHART, () -> Charts.confusionMatrix(String.format(Locale.ROOT,
                "Confusion matrix of %s (test accuracy %.4f): %% of each gold label's rows", best.method(),
                best.accuracy()), best.metrics().labels(), best.metrics().rowNormalized()), charts, chartErrors);
    }
}
