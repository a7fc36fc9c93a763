package dev.sparkencoders.spark;

import dev.sparkencoders.runtime.ErrorMode;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.text.TokenBudget;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** TaskSettings running a task over a Dataset on local Spark, as the jobs and the Spark ML transformers do. */
class TaskSettingsTest {

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType)
            .add("text", DataTypes.StringType);

    @Test
    void runKeepsEveryRowOfEveryPartitionInOrderWithErrorsInPlace() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(RowFactory.create(i, i == 17 ? null : "text " + "long ".repeat(i % 9) + i));
        }
        Dataset<Row> input = spark.createDataFrame(rows, SCHEMA).repartition(3).sortWithinPartitions("id");
        TaskSettings settings = new TaskSettings(ModelSpec.bundled(), new TokenBudget(512, 8), 4,
                ErrorMode.PERMISSIVE);
        TaskCounters counters = TaskCounters.register(spark);
        Dataset<Row> out = settings.run(input, new EmbedTask(1, EmbedTask.VectorType.ARRAY,
                LongTextPolicy.DEFAULT), 0, counters);

        assertEquals(List.of("id", "text", EmbedTask.EMBEDDING_COL, TaskPartitionFunction.ERROR_COL),
                List.of(out.columns()));
        List<Row> expected = input.collectAsList();
        List<Row> actual = out.collectAsList();
        assertEquals(expected.size(), actual.size(), "rows in == rows out");
        for (int i = 0; i < expected.size(); i++) {
            Row row = actual.get(i);
            assertEquals(expected.get(i).getInt(0), row.getInt(0), "the partitions' order is kept");
            if (row.getInt(0) == 17) {
                assertNull(row.get(2));
                assertEquals("Cannot encode row: the text is null", row.getString(3));
            } else {
                assertNotNull(row.get(2));
                assertNull(row.get(3));
            }
        }
        assertEquals(30, counters.rows().value());
    }

    @Test
    void theModelLoadedOnTheDriverIsTheOneTheTasksUseLocally() {
        TaskSettings settings = new TaskSettings(ModelSpec.bundled(), TokenBudget.DEFAULT,
                TaskSettings.DEFAULT_CHUNK_ROWS, ErrorMode.PERMISSIVE);
        assertSame(ModelCache.get(ModelSpec.bundled()), settings.loadOnDriver());
    }

    @Test
    void settingsTravelToExecutorsAsTheyAre() throws IOException, ClassNotFoundException {
        TaskSettings settings = new TaskSettings(ModelSpec.bundled(), new TokenBudget(1024, 16), 64, ErrorMode.FAIL);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(settings);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(settings, in.readObject());
        }
    }
}
