package dev.sparkencoders.spark;

import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

import java.io.Serializable;
import java.util.List;

/**
 * One task over the rows of a partition (embed, classify, pairs, ner, fill-mask): which columns it appends and how
 * it computes them for a chunk of rows. Implementations are small serializable records holding column indexes and
 * options; the model comes from the executor's cache.
 */
public interface TextTask extends Serializable {

    /** The result columns appended to each input row (the {@code error} column follows them). */
    List<StructField> resultFields();

    /**
     * Checks on the driver, before any work is distributed, that the model can serve this task (e.g. that it has
     * the head the task needs); throws with one sentence when it cannot.
     */
    void validate(EncoderModel model);

    /** Result column values for each row of a chunk, in order; a row that fails gets an error result. */
    List<RowResult<Object[]>> process(BatchRunner runner, List<Row> rows);

    /** The string at {@code index}, or null. */
    static String text(Row row, int index) {
        return row.isNullAt(index) ? null : row.getString(index);
    }
}
