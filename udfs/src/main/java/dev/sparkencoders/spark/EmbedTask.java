package dev.sparkencoders.spark;

import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.List;

/** {@code embedding array<float>}: the sentence embedding of the text column. */
public record EmbedTask(int textIndex) implements TextTask {

    public static final String EMBEDDING_COL = "embedding";

    @Override
    public List<StructField> resultFields() {
        return List.of(DataTypes.createStructField(EMBEDDING_COL,
                DataTypes.createArrayType(DataTypes.FloatType, false), true));
    }

    @Override
    public void validate(EncoderModel model) {
        // every encoder can embed
    }

    @Override
    public List<RowResult<Object[]>> process(BatchRunner runner, List<Row> rows) {
        List<String> texts = rows.stream().map(r -> TextTask.text(r, textIndex)).toList();
        return runner.run(texts, runner.model().tokenizer()::encode, Tasks.embeddings()).stream()
                .map(r -> r.map(v -> new Object[] {v}))
                .toList();
    }
}
