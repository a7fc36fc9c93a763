package dev.sparkencoders.spark;

import dev.sparkencoders.encoder.HeadKind;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.runtime.TokenScore;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * Fill-mask: {@code predictions array<array<struct<token string, score float>>>}, one list per mask token of the
 * text ({@code [MASK]} or {@code <mask>}) in order, each holding the top-k tokens best first. A text without a mask
 * token gets an empty list.
 */
public record FillMaskTask(int textIndex, int topK) implements TextTask {

    public static final String PREDICTIONS_COL = "predictions";
    /** One predicted token of {@code fill_mask}: token and score. */
    public static final StructType PREDICTION = DataTypes.createStructType(List.of(
            DataTypes.createStructField("token", DataTypes.StringType, false),
            DataTypes.createStructField("score", DataTypes.FloatType, false)));

    @Override
    public List<StructField> resultFields() {
        return List.of(DataTypes.createStructField(PREDICTIONS_COL,
                DataTypes.createArrayType(DataTypes.createArrayType(PREDICTION, false), false), true));
    }

    @Override
    public void validate(EncoderModel model) {
        maskId(model);
        model.head(HeadKind.MASKED_LM);
    }

    private static long maskId(EncoderModel model) {
        return model.tokenizer().maskTokenId().orElseThrow(() -> new CheckpointException("Cannot fill masks with model "
                + model.checkpoint().dir() + ": its tokenizer has no [MASK] or <mask> token"));
    }

    @Override
    public List<RowResult<Object[]>> process(BatchRunner runner, List<Row> rows) {
        List<String> texts = rows.stream().map(r -> TextTask.text(r, textIndex)).toList();
        long mask = maskId(runner.model());
        return runner.run(texts, runner.model().tokenizer()::encode, Tasks.maskedPredictions(mask, topK)).stream()
                .map(r -> r.map(masks -> new Object[] {masks.stream().map(FillMaskTask::rows).toArray(Row[][]::new)}))
                .toList();
    }

    private static Row[] rows(List<TokenScore> best) {
        return best.stream().map(t -> RowFactory.create(t.token(), t.score())).toArray(Row[]::new);
    }
}
