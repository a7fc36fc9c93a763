package dev.sparkencoders.ml;

import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.spark.ClassifyTask;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * A checkpoint's sequence-classification head over a text column, as the {@code classify} job runs it:
 * {@code labelCol} (the most probable label), {@code labelsCol} (every label whose probability reaches
 * {@code threshold}, best first) and {@code scoresCol} (label to probability). Labels come from the checkpoint's
 * {@code id2label}; a multi-label checkpoint ({@code problem_type} {@code multi_label_classification}) gets a
 * sigmoid per label and a default threshold of 0.5, any other a softmax and a default of 0 (all labels).
 *
 * <pre>{@code
 * Dataset<Row> labelled = new TextClassifier().setModelPath("/models/sentiment").setInputCol("review")
 *         .setLabelCol("sentiment").transform(reviews);
 * }</pre>
 */
public final class TextClassifier extends TextTransformer<TextClassifier> {

    private final Param<String> labelCol;
    private final Param<String> labelsCol;
    private final Param<String> scoresCol;
    private final DoubleParam threshold;

    public TextClassifier() {
        this(Identifiable.randomUID("textClassifier"));
    }

    public TextClassifier(String uid) {
        super(uid);
        labelCol = ParamRules.column(this, "labelCol", "The column to add with the most probable label.");
        labelsCol = ParamRules.column(this, "labelsCol", "The column to add with the labels whose probability"
                + " reaches threshold, best first.");
        scoresCol = ParamRules.column(this, "scoresCol", "The column to add with each label's probability.");
        threshold = ParamRules.probability(this, "threshold", "Probability a label needs to be listed in labelsCol;"
                + " unset = 0.5 for multi-label checkpoints, else 0 (all labels).");
        List<StructField> fields = ClassifyTask.FIELDS;
        setDefault(labelCol, fields.get(0).name());
        setDefault(labelsCol, fields.get(1).name());
        setDefault(scoresCol, fields.get(2).name());
    }

    public static MLReader<TextClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static TextClassifier load(String path) {
        return read().load(path);
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> labelsCol() {
        return labelsCol;
    }

    public Param<String> scoresCol() {
        return scoresCol;
    }

    public DoubleParam threshold() {
        return threshold;
    }

    public String getLabelCol() {
        return getOrDefault(labelCol);
    }

    public String getLabelsCol() {
        return getOrDefault(labelsCol);
    }

    public String getScoresCol() {
        return getOrDefault(scoresCol);
    }

    /** The threshold, or null for the checkpoint's default. */
    public Double getThreshold() {
        return (Double) valueOrNull(threshold);
    }

    public TextClassifier setLabelCol(String value) {
        return with(labelCol, value);
    }

    public TextClassifier setLabelsCol(String value) {
        return with(labelsCol, value);
    }

    public TextClassifier setScoresCol(String value) {
        return with(scoresCol, value);
    }

    public TextClassifier setThreshold(double value) {
        return with(threshold, value);
    }

    @Override
    protected ClassifyTask task(StructType input, EncoderModel model) {
        return ClassifyTask.forModel(input.fieldIndex(getInputCol()), model, getThreshold(), longTextPolicy(model));
    }

    @Override
    protected List<Param<String>> outputColParams() {
        return List.of(labelCol, labelsCol, scoresCol);
    }

    @Override
    protected List<StructField> taskFields() {
        return ClassifyTask.FIELDS;
    }
}
