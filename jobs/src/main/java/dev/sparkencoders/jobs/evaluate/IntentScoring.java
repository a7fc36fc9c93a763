package dev.sparkencoders.jobs.evaluate;

import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * Scores a fitted intent pipeline on labelled rows as a user's data would be scored: the gold label is set aside
 * under {@value #ACTUAL} (so the pipeline's label indexer stays idle) and compared with {@value #PREDICTED}.
 */
final class IntentScoring {

    /** The gold label while a fitted pipeline scores rows: under another name, its label indexer stays idle. */
    static final String ACTUAL = "actual_label";
    static final String PREDICTED = "predicted_label";

    private IntentScoring() {}

    /** The rows with the pipeline's prediction in {@value #PREDICTED} and the gold label in {@value #ACTUAL}. */
    static Dataset<Row> predict(PipelineModel model, Dataset<Row> rows) {
        return model.transform(rows.withColumnRenamed(IntentData.GOLD, ACTUAL));
    }

    /** Accuracy, macro-F1 and the confusion matrix of the predictions. */
    static ClassificationMetrics metrics(Dataset<Row> predictions) {
        List<ClassificationMetrics.Cell> cells = predictions.groupBy(ACTUAL, PREDICTED).count().collectAsList().stream()
                .map(r -> new ClassificationMetrics.Cell(r.getString(0), r.getString(1), r.getLong(2))).toList();
        return ClassificationMetrics.of(cells);
    }
}
