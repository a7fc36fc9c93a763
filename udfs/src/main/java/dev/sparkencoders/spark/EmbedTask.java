package dev.sparkencoders.spark;

import dev.sparkencoders.model.SentencePrompts;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.List;

/**
 * {@code embedding}: the sentence embedding of the text column, as {@code array<float>} or as a Spark ML vector
 * ({@link VectorType#VECTOR}) ready for MLlib estimators. A long text is truncated per the policy, or embedded
 * window by window and the window embeddings averaged (then re-normalised when the model normalises). {@code prompt}
 * names the model's instruction prefix to prepend ({@link SentencePrompts}; null: the model's default, if any).
 */
public record EmbedTask(int textIndex, VectorType vectorType, LongTextPolicy longText, String prompt)
        implements TextTask {

    /** Embeds with the model's default prompt, if it has one. */
    public EmbedTask(int textIndex, VectorType vectorType, LongTextPolicy longText) {
        this(textIndex, vectorType, longText, null);
    }

    public static final String EMBEDDING_COL = "embedding";

    /** How the embedding column is typed. */
    public enum VectorType {
        /** {@code array<float>} (the default; compact, readable by any Parquet reader). */
        ARRAY,
        /** Spark ML {@code Vector} (dense, double precision), for MLlib stages. */
        VECTOR;

        public static VectorType parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Cannot use output.vector-type=" + name
                        + ": unknown type (use array or vector)");
            }
        }
    }

    /** {@code embedding}, typed as {@code vectorType} says. */
    public static StructField field(VectorType vectorType) {
        return DataTypes.createStructField(EMBEDDING_COL, vectorType == VectorType.VECTOR ? new VectorUDT()
                : DataTypes.createArrayType(DataTypes.FloatType, false), true);
    }

    @Override
    public List<StructField> resultFields() {
        return List.of(field(vectorType));
    }

    private static Vector vector(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return Vectors.dense(doubles);
    }

    @Override
    public void validate(EncoderModel model) {
        model.checkpoint().prompts().prefix(prompt); // every encoder can embed; the prompt must exist
    }

    @Override
    public List<RowResult<Object[]>> process(BatchRunner runner, List<Row> rows) {
        String prefix = runner.model().checkpoint().prompts().prefix(prompt);
        var documents = rows.stream()
                .map(r -> longText.prepare(runner.model().tokenizer(), prefixed(prefix, TextTask.text(r, textIndex))))
                .toList();
        boolean normalize = runner.model().normalize();
        return LongTextPolicy.run(runner, documents, Tasks.embeddings()).stream()
                .map(r -> r.map(windows -> {
                    float[] v = windows.size() == 1 ? windows.get(0) : pooled(windows, normalize);
                    return new Object[] {vectorType == VectorType.VECTOR ? vector(v) : v};
                }))
                .toList();
    }

    /** The text after the prompt; a null text stays null, to be reported as the row's error. */
    private static String prefixed(String prefix, String text) {
        return text == null || prefix.isEmpty() ? text : prefix + text;
    }

    private static float[] pooled(List<float[]> windows, boolean normalize) {
        float[] mean = LongTextPolicy.mean(windows);
        if (normalize) {
            double norm = 0;
            for (float x : mean) {
                norm += x * x;
            }
            float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
            for (int i = 0; i < mean.length; i++) {
                mean[i] *= scale;
            }
        }
        return mean;
    }
}
