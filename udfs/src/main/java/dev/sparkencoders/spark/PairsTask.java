package dev.sparkencoders.spark;

import dev.sparkencoders.encoder.HeadKind;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.text.TokenizedText;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code score float} for a pair of text columns, per {@link PairMode}: NSP/SOP probability, cross-encoder score,
 * or the cosine of the two embeddings.
 */
public record PairsTask(int firstIndex, int secondIndex, PairMode mode) implements TextTask {

    public static final String SCORE_COL = "score";

    /** {@code score float}. */
    public static final List<StructField> FIELDS = List.of(DataTypes.createStructField(SCORE_COL, DataTypes.FloatType, true));

    @Override
    public List<StructField> resultFields() {
        return FIELDS;
    }

    @Override
    public void validate(EncoderModel model) {
        switch (mode) {
            case NSP -> model.head(HeadKind.NEXT_SENTENCE);
            case CROSS_ENCODER -> model.head(HeadKind.SEQUENCE_CLASSIFICATION);
            case COSINE -> { }
        }
    }

    @Override
    public List<RowResult<Object[]>> process(BatchRunner runner, List<Row> rows) {
        if (mode == PairMode.COSINE) {
            return cosines(runner, rows);
        }
        List<String[]> pairs = rows.stream()
                .map(r -> TextTask.text(r, firstIndex) == null || TextTask.text(r, secondIndex) == null ? null
                        : new String[] {TextTask.text(r, firstIndex), TextTask.text(r, secondIndex)})
                .toList();
        var function = mode == PairMode.NSP ? Tasks.nextSentenceProbability() : Tasks.crossEncoderScores();
        return runner.run(pairs, p -> runner.model().tokenizer().encodePair(p[0], p[1]), function).stream()
                .map(r -> r.map(v -> new Object[] {v}))
                .toList();
    }

    private List<RowResult<Object[]>> cosines(BatchRunner runner, List<Row> rows) {
        List<String> texts = new ArrayList<>(2 * rows.size());
        for (Row r : rows) {
            texts.add(TextTask.text(r, firstIndex));
            texts.add(TextTask.text(r, secondIndex));
        }
        List<RowResult<float[]>> vectors = runner.run(texts, runner.model().tokenizer()::encode, Tasks.embeddings());
        List<RowResult<Object[]>> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            RowResult<float[]> a = vectors.get(2 * i);
            RowResult<float[]> b = vectors.get(2 * i + 1);
            String error = a.ok() ? b.error() : a.error();
            out.add(error != null ? RowResult.failed(error)
                    : new RowResult<>(new Object[] {(float) cosine(a.value(), b.value())}, null,
                            a.tokens() + b.tokens(), a.truncated() || b.truncated()));
        }
        return out;
    }

    /** Cosine similarity of two vectors (0 when either is all zeros). */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
