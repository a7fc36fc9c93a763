package dev.sparkencoders.spark;

import dev.sparkencoders.encoder.HeadKind;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.text.TokenizedText;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ELECTRA replaced-token detection: {@code tokens array<struct<token string, start int, end int, score float>>},
 * one entry per token of the text in order (special tokens left out), where {@code score} is the discriminator's
 * probability that the token was replaced and {@code token} is the token's surface text
 * ({@code substring(start, end)} of the input). With sliding windows, a token's probability is averaged over the
 * windows that cover it.
 *
 * <pre>{@code
 * // "the chef ate the meal" with "cooked" replaced by "ate": the row for "ate" gets a high score
 * new ReplacedTokensTask(0, LongTextPolicy.DEFAULT)
 * }</pre>
 */
public record ReplacedTokensTask(int textIndex, LongTextPolicy longText) implements TextTask {

    public static final String TOKENS_COL = "tokens";
    /** One token of {@code replaced_tokens}: token, character offsets and score. */
    public static final StructType TOKEN = DataTypes.createStructType(List.of(
            DataTypes.createStructField("token", DataTypes.StringType, false),
            DataTypes.createStructField("start", DataTypes.IntegerType, false),
            DataTypes.createStructField("end", DataTypes.IntegerType, false),
            DataTypes.createStructField("score", DataTypes.FloatType, false)));

    @Override
    public List<StructField> resultFields() {
        return List.of(DataTypes.createStructField(TOKENS_COL, DataTypes.createArrayType(TOKEN, false), true));
    }

    @Override
    public void validate(EncoderModel model) {
        model.head(HeadKind.REPLACED_TOKEN);
    }

    @Override
    public List<RowResult<Object[]>> process(BatchRunner runner, List<Row> rows) {
        var documents = rows.stream().map(r -> longText.prepare(runner.model().tokenizer(), TextTask.text(r, textIndex)))
                .toList();
        var results = LongTextPolicy.run(runner, documents, Tasks.replacedTokenProbabilities());
        List<RowResult<Object[]>> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            LongTextPolicy.Document document = documents.get(i);
            out.add(results.get(i).map(perUnit -> new Object[] {tokens(document, perUnit)}));
        }
        return out;
    }

    /** One row per distinct token span, in text order, its probability averaged over the units that hold it. */
    static Row[] tokens(LongTextPolicy.Document document, List<float[]> perUnit) {
        Map<Integer, double[]> byStart = new TreeMap<>(); // start -> {end, sum, count}
        for (int u = 0; u < perUnit.size(); u++) {
            TokenizedText unit = document.units().get(u);
            float[] scores = perUnit.get(u);
            for (int t = 0; t < unit.length(); t++) {
                if (unit.isSpecial(t) || unit.starts()[t] < 0) {
                    continue;
                }
                double[] a = byStart.computeIfAbsent(unit.starts()[t], s -> new double[3]);
                a[0] = unit.ends()[t];
                a[1] += scores[t];
                a[2]++;
            }
        }
        return byStart.entrySet().stream().map(e -> {
            int start = e.getKey();
            int end = (int) e.getValue()[0];
            return RowFactory.create(document.text().substring(start, end), start, end,
                    (float) (e.getValue()[1] / e.getValue()[2]));
        }).toArray(Row[]::new);
    }
}
