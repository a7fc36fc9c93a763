package dev.sparkencoders.spark;

import dev.sparkencoders.encoder.HeadKind;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import scala.collection.immutable.Map;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Sequence classification with the checkpoint's head and its {@code id2label}: {@code label} (the most probable
 * label), {@code labels} (every label whose probability reaches the threshold, best first; for multi-label
 * checkpoints the sigmoid of each label is compared, as HuggingFace's {@code multi_label_classification}) and
 * {@code scores} (label to probability). With sliding windows, the windows' probabilities are averaged.
 */
public record ClassifyTask(int textIndex, List<String> labelNames, double threshold, LongTextPolicy longText)
        implements TextTask {

    /** {@code label string, labels array<string>, scores map<string, float>}. */
    public static final List<StructField> FIELDS = List.of(
            DataTypes.createStructField("label", DataTypes.StringType, true),
            DataTypes.createStructField("labels", DataTypes.createArrayType(DataTypes.StringType, false), true),
            DataTypes.createStructField("scores",
                    DataTypes.createMapType(DataTypes.StringType, DataTypes.FloatType, false), true));

    /**
     * The task for this model's head and {@code id2label}; a null {@code threshold} means 0.5 for a multi-label
     * checkpoint (sigmoid per label), else 0 (every label listed).
     */
    public static ClassifyTask forModel(int textIndex, EncoderModel model, Double threshold, LongTextPolicy longText) {
        var config = model.checkpoint().config();
        return new ClassifyTask(textIndex, config.labels(),
                threshold != null ? threshold : config.multiLabel() ? 0.5 : 0.0, longText);
    }

    @Override
    public List<StructField> resultFields() {
        return FIELDS;
    }

    @Override
    public void validate(EncoderModel model) {
        model.head(HeadKind.SEQUENCE_CLASSIFICATION);
    }

    @Override
    public List<RowResult<Object[]>> process(BatchRunner runner, List<Row> rows) {
        var documents = rows.stream().map(r -> longText.prepare(runner.model().tokenizer(), TextTask.text(r, textIndex)))
                .toList();
        return LongTextPolicy.run(runner, documents, Tasks.classProbabilities()).stream()
                .map(r -> r.map(windows -> columns(LongTextPolicy.mean(windows), labelNames, threshold)))
                .toList();
    }

    /**
     * The {@link #FIELDS} of one row from its label probabilities (index i names {@code labelNames.get(i)}, or
     * {@code LABEL_i} past its end): the best label, those at or above {@code threshold} best first, and every score.
     */
    static Object[] columns(float[] probabilities, List<String> labelNames, double threshold) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
        List<String> above = new ArrayList<>();
        java.util.Map<String, Float> scores = new LinkedHashMap<>();
        for (int i : order) {
            if (probabilities[i] >= threshold) {
                above.add(name(labelNames, i));
            }
            scores.put(name(labelNames, i), probabilities[i]);
        }
        Map<String, Float> scalaScores = Map.from(CollectionConverters.asScala(scores));
        return new Object[] {name(labelNames, order[0]), above.toArray(new String[0]), scalaScores};
    }

    private static String name(List<String> labelNames, int index) {
        return index < labelNames.size() ? labelNames.get(index) : "LABEL_" + index;
    }
}
