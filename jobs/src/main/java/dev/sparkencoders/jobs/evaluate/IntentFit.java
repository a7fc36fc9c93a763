package dev.sparkencoders.jobs.evaluate;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits one {@link IntentMethod}'s pipeline (label indexer, the method's stages, multinomial logistic regression,
 * label names) on the training rows and scores it on the test rows. Given several regularisations, each is fitted
 * on 80% of the training rows and the one with the best accuracy on the other 20% is used; the test rows are only
 * ever used for the reported figures.
 */
final class IntentFit {

    static final String GOLD_INDEX = "gold_index";
    static final double HOLDOUT = 0.2;

    /** A method's fitted pipeline and its figures. */
    record Fitted(PipelineModel model, IntentReport.MethodResult result) {}

    private final IntentSettings settings;
    private final StringIndexerModel indexer;
    private final IndexToString names;
    private final Dataset<Row> train;
    private final Dataset<Row> test;
    private final Dataset<Row>[] holdout;

    /**
     * {@code indexer} knows every training label; test rows are scored without the gold column, so a label seen
     * only in the test split is simply a wrong prediction.
     */
    IntentFit(IntentSettings settings, StringIndexerModel indexer, Dataset<Row> train, Dataset<Row> test) {
        this.settings = settings;
        this.indexer = indexer;
        this.names = new IndexToString().setInputCol("prediction").setOutputCol(IntentScoring.PREDICTED)
                .setLabels(indexer.labelsArray()[0]);
        this.train = train;
        this.test = test;
        this.holdout = train.randomSplit(new double[] {1 - HOLDOUT, HOLDOUT}, IntentMethod.SEED);
    }

    Fitted fit(IntentMethod method, long trainRows, long testRows) {
        Map<String, Double> tuning = null;
        double regParam = settings.regParams()[0];
        if (settings.tuned()) {
            tuning = new LinkedHashMap<>();
            double best = -1;
            for (double candidate : settings.regParams()) {
                PipelineModel model = pipeline(method, candidate).fit(holdout[0]);
                double accuracy = IntentScoring.metrics(IntentScoring.predict(model, holdout[1])).accuracy();
                tuning.put(Double.toString(candidate), accuracy);
                if (accuracy > best) {
                    best = accuracy;
                    regParam = candidate;
                }
            }
        }
        long fitStart = System.nanoTime();
        PipelineModel model = pipeline(method, regParam).fit(train);
        IntentReport.Timing fit = IntentReport.Timing.since(fitStart, trainRows);
        long predictStart = System.nanoTime();
        ClassificationMetrics metrics = IntentScoring.metrics(IntentScoring.predict(model, test));
        IntentReport.Timing predict = IntentReport.Timing.since(predictStart, testRows);
        return new Fitted(model, new IntentReport.MethodResult(method.name(), method.description(), tuning, regParam,
                settings.maxIter(), metrics, fit, predict));
    }

    private Pipeline pipeline(IntentMethod method, double regParam) {
        List<PipelineStage> stages = new ArrayList<>();
        stages.add(indexer);
        stages.addAll(method.stages());
        stages.add(new LogisticRegression().setFeaturesCol(method.featuresCol()).setLabelCol(GOLD_INDEX)
                .setFamily("multinomial").setMaxIter(settings.maxIter()).setRegParam(regParam)
                .setElasticNetParam(0));
        stages.add(names);
        return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
    }
}
