package dev.sparkencoders.spark;

import dev.sparkencoders.runtime.ErrorMode;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.RowFailedException;
import dev.sparkencoders.text.TokenBudget;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The partition function on the bundled model, called as an executor calls it (no Spark job needed): every row
 * comes out once, in input order, across chunks that are sorted by length inside; bad rows carry an error or,
 * with {@link ErrorMode#FAIL}, stop the partition naming the row.
 */
class TaskPartitionFunctionTest {

    private static final EmbedTask EMBED = new EmbedTask(1, EmbedTask.VectorType.ARRAY, LongTextPolicy.DEFAULT);

    static TaskCounters counters() {
        return new TaskCounters(new LongAccumulator(), new LongAccumulator(), new LongAccumulator(), new LongAccumulator(),
                new LongAccumulator());
    }

    static TaskSettings settings(int chunkRows, ErrorMode errors) {
        return new TaskSettings(ModelSpec.bundled(), new TokenBudget(256, 4), chunkRows, errors);
    }

    /** Rows (id, text) whose texts differ in length, so a chunk's length order differs from its input order. */
    static List<Row> rows(int n) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create("row-" + i, "word ".repeat(1 + (i * 7) % 23) + "number " + i));
        }
        return rows;
    }

    private static List<Row> drain(Iterator<Row> out) {
        List<Row> rows = new ArrayList<>();
        out.forEachRemaining(rows::add);
        return rows;
    }

    @Test
    void everyRowComesOutOnceInInputOrderWithTheTaskColumnsAndError() {
        List<Row> in = rows(23);
        TaskCounters counters = counters();
        List<Row> out = drain(new TaskPartitionFunction(settings(5, ErrorMode.PERMISSIVE), EMBED, 0, counters)
                .call(in.iterator()));
        assertEquals(in.size(), out.size());
        for (int i = 0; i < in.size(); i++) {
            Row row = out.get(i);
            assertEquals(4, row.length(), "id, text, embedding, error");
            assertEquals(in.get(i).get(0), row.get(0));
            assertEquals(in.get(i).get(1), row.get(1));
            assertEquals(384, ((float[]) row.get(2)).length, "the embedding, as the row encoder takes it");
            assertNull(row.get(3));
        }
        assertEquals(in.size(), counters.rows().value());
        assertTrue(counters.tokens().value() > in.size() * 3L, "tokens are counted: " + counters.tokens().value());
        assertEquals(0, counters.rowsTruncated().value());
    }

    @Test
    void theChunkSizeDoesNotChangeTheResults() {
        List<Row> in = rows(9);
        List<Row> oneChunk = drain(new TaskPartitionFunction(settings(100, ErrorMode.PERMISSIVE), EMBED, -1,
                counters()).call(in.iterator()));
        List<Row> smallChunks = drain(new TaskPartitionFunction(settings(2, ErrorMode.PERMISSIVE), EMBED, -1,
                counters()).call(in.iterator()));
        for (int i = 0; i < in.size(); i++) {
            float[] a = (float[]) oneChunk.get(i).get(2);
            float[] b = (float[]) smallChunks.get(i).get(2);
            assertArrayEquals(a, b, 1e-4f, "row " + i);
        }
    }

    @Test
    void aBadRowKeepsItsPlaceWithNullResultsAndAnError() {
        List<Row> in = new ArrayList<>(rows(5));
        in.set(2, RowFactory.create("row-2", null));
        List<Row> out = drain(new TaskPartitionFunction(settings(3, ErrorMode.PERMISSIVE), EMBED, 0, counters())
                .call(in.iterator()));
        assertEquals(5, out.size());
        assertEquals("row-2", out.get(2).get(0));
        assertNull(out.get(2).get(2));
        assertEquals("Cannot encode row: the text is null", out.get(2).getString(3));
        for (int i : new int[] {0, 1, 3, 4}) {
            assertNotNull(out.get(i).get(2), "row " + i);
            assertNull(out.get(i).get(3), "row " + i);
        }
    }

    @Test
    void failModeStopsAtTheFirstBadRowNamingItById() {
        List<Row> in = new ArrayList<>(rows(5));
        in.set(3, RowFactory.create("row-3", null));
        Iterator<Row> out = new TaskPartitionFunction(settings(10, ErrorMode.FAIL), EMBED, 0, counters())
                .call(in.iterator());
        RowFailedException e = assertThrows(RowFailedException.class, () -> drain(out));
        assertTrue(e.getMessage().startsWith("Cannot process row with id row-3: Cannot encode row: the text is null"),
                e.getMessage());
    }

    @Test
    void withoutAnIdColumnTheMessageShowsTheRow() {
        List<Row> in = List.of(RowFactory.create("only", null));
        Iterator<Row> out = new TaskPartitionFunction(settings(10, ErrorMode.FAIL), EMBED, -1, counters())
                .call(in.iterator());
        RowFailedException e = assertThrows(RowFailedException.class, () -> drain(out));
        assertTrue(e.getMessage().startsWith("Cannot process row [only,null]:"), e.getMessage());
    }

    @Test
    void anEmptyPartitionGivesNoRows() {
        assertEquals(List.of(), drain(new TaskPartitionFunction(settings(10, ErrorMode.PERMISSIVE), EMBED, -1,
                counters()).call(List.<Row>of().iterator())));
    }

    @Test
    void theOutputSchemaIsTheInputThenTheTaskColumnsThenError() {
        StructType input = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);
        StructType out = TaskPartitionFunction.outputSchema(input, EMBED);
        assertArrayEquals(new String[] {"id", "text", EmbedTask.EMBEDDING_COL, TaskPartitionFunction.ERROR_COL},
                out.fieldNames());
        assertEquals(DataTypes.StringType, out.apply(TaskPartitionFunction.ERROR_COL).dataType());
    }
}
