package dev.sparkencoders.spark;

import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.List;

/**
 * Zero-shot classification with any sentence embedder: each label becomes a description through a template
 * ({@code "This text is about {}."}), and a text's probability for a label is the softmax over the labels of the
 * cosine between the text's embedding and the description's, divided by {@code temperature} (smaller is sharper; the
 * ranking does not depend on it). Same columns as {@link ClassifyTask}.
 *
 * <pre>{@code
 * new ZeroShotEmbeddingTask(0, List.of("billing", "delivery"), "This text is about {}.", 0.05, 0.0, longText);
 * }</pre>
 */
public record ZeroShotEmbeddingTask(int textIndex, List<String> labels, String template, double temperature,
                                    double threshold, LongTextPolicy longText) implements TextTask {

    public ZeroShotEmbeddingTask {
        ZeroShotLabels.check(labels, template);
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("Cannot use zero-shot temperature " + temperature + ": it must be a"
                    + " positive number (e.g. 0.05)");
        }
        labels = List.copyOf(labels);
    }

    @Override
    public List<StructField> resultFields() {
        return ClassifyTask.FIELDS;
    }

    @Override
    public void validate(EncoderModel model) {
        // every encoder embeds
    }

    @Override
    public List<RowResult<Object[]>> process(BatchRunner runner, List<Row> rows) {
        float[][] described = labelEmbeddings(runner);
        List<RowResult<Object[]>> embedded = new EmbedTask(textIndex, EmbedTask.VectorType.ARRAY, longText)
                .process(runner, rows);
        List<RowResult<Object[]>> out = new ArrayList<>(embedded.size());
        for (RowResult<Object[]> row : embedded) {
            out.add(row.map(columns -> ClassifyTask.columns(probabilities((float[]) columns[0], described), labels,
                    threshold)));
        }
        return out;
    }

    /** Softmax over the labels of cosine / temperature. */
    private float[] probabilities(float[] text, float[][] described) {
        double[] logits = new double[described.length];
        for (int l = 0; l < described.length; l++) {
            logits[l] = PairsTask.cosine(text, described[l]) / temperature;
        }
        return Softmax.floats(logits);
    }

    private float[][] labelEmbeddings(BatchRunner runner) {
        List<String> descriptions = ZeroShotLabels.descriptions(labels, template);
        List<RowResult<float[]>> results = runner.run(descriptions, runner.model().tokenizer()::encode,
                Tasks.embeddings());
        float[][] vectors = new float[results.size()][];
        for (int l = 0; l < vectors.length; l++) {
            if (!results.get(l).ok()) {
                throw new IllegalStateException("Cannot embed the zero-shot description '" + descriptions.get(l)
                        + "': " + results.get(l).error() + " (check zero-shot.labels and zero-shot.template)");
            }
            vectors[l] = results.get(l).value();
        }
        return vectors;
    }
}
