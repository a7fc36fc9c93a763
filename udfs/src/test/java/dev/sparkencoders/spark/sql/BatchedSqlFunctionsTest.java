package dev.sparkencoders.spark.sql;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.sparkencoders.TestCorpora;
import dev.sparkencoders.runtime.ModelSpec;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQL functions planned into batches: the plan has the batched node, every row gets its own result (checked
 * against langchain4j's all-MiniLM-L6-v2, an independent ONNX Runtime implementation), nested calls in WHERE and ORDER
 * BY keep their meaning, NULLs give NULL and a row the model cannot run fails the query with its reason.
 */
class BatchedSqlFunctionsTest {

    private static final String QUERY_TEXT = "The battery does not last long.";
    private static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType)
            .add("value", DataTypes.StringType);

    private static SparkSession spark;
    private static AllMiniLmL6V2EmbeddingModel reference;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
        SqlFunctions.register(spark, ModelSpec.bundled());
        reference = new AllMiniLmL6V2EmbeddingModel();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @TempDir
    static Path dir;

    /**
     * The view {@code t} of (id, value) over a Parquet folder of {@code partitions} files, read back as a data source
     * (rows held in the plan itself would be evaluated row by row by Spark's optimizer before any batching).
     */
    private static void table(List<String> texts, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create(i, texts.get(i)));
        }
        String path = dir.resolve("t-" + System.nanoTime()).toString();
        spark.createDataFrame(rows, SCHEMA).repartition(partitions).write().parquet(path);
        spark.read().parquet(path).createOrReplaceTempView("t");
    }

    private static boolean batched(Dataset<Row> df) {
        // Spark names a physical node by its class name less "Exec"
        return df.queryExecution().executedPlan().toString().contains("BatchedCalls [");
    }

    @Test
    void embedInAProjectionRunsInBatchesAndEveryRowGetsItsOwnVector() {
        List<String> texts = new ArrayList<>(TestCorpora.sampleLines().subList(0, 200));
        texts.set(7, null);
        table(texts, 3);
        Dataset<Row> df = spark.sql("SELECT id, value, embed(value) AS e FROM t");
        assertTrue(batched(df), df.queryExecution().executedPlan().toString());
        List<Row> rows = df.collectAsList();
        assertEquals(texts.size(), rows.size());
        double worst = 1;
        for (Row r : rows) {
            String text = texts.get(r.getInt(0));
            assertEquals(text, r.getString(1), "row kept its own columns");
            if (text == null) {
                assertNull(r.get(2), "null text, null embedding");
                continue;
            }
            worst = Math.min(worst, cosine(reference.embed(text).content().vector(), floats(r.getList(2))));
        }
        assertTrue(worst >= 0.9999, "lowest cosine to langchain4j: " + worst);
    }

    @Test
    void aCallInsideAConditionalRunsRowByRowWithTheSameResult() {
        List<String> texts = TestCorpora.sampleLines().subList(0, 30);
        table(texts, 2);
        Dataset<Row> df = spark.sql("SELECT id, IF(id >= 0, embed(value), NULL) AS e FROM t");
        assertFalse(batched(df), "a conditional call is not moved: " + df.queryExecution().executedPlan());
        for (Row r : df.collectAsList()) {
            float[] expected = reference.embed(texts.get(r.getInt(0))).content().vector();
            assertTrue(cosine(expected, floats(r.getList(1))) >= 0.9999);
        }
    }

    @Test
    void nestedCallsInWhereAndOrderByKeepTheirMeaning() {
        List<String> texts = TestCorpora.sampleLines().subList(0, 120);
        table(texts, 3);
        String score = "similarity(embed(value), embed('" + QUERY_TEXT + "'))";
        Dataset<Row> df = spark.sql("SELECT value, " + score + " AS s FROM t WHERE " + score + " > 0.4 ORDER BY "
                + score + " DESC");
        assertTrue(batched(df), df.queryExecution().toString());
        List<Row> rows = df.collectAsList();

        float[] query = reference.embed(QUERY_TEXT).content().vector();
        Map<String, Double> expected = new HashMap<>();
        for (String text : texts) {
            expected.put(text, cosine(query, reference.embed(text).content().vector()));
        }
        List<String> kept = expected.entrySet().stream().filter(e -> e.getValue() > 0.4)
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .map(Map.Entry::getKey).toList();
        assertFalse(kept.isEmpty(), "some sample lines are about batteries");
        assertTrue(kept.size() < texts.size(), "the filter drops some rows");
        assertEquals(kept, rows.stream().map(r -> r.getString(0)).toList());
        for (Row r : rows) {
            assertEquals(expected.get(r.getString(0)), r.getFloat(1), 1e-4);
        }
    }

    @Test
    void moreRowsThanAChunkComeBackInOrderEachWithItsOwnVector() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < BatchedCallsExec.CHUNK_ROWS + 300; i++) {
            texts.add("row " + i + " " + "word ".repeat(i % 23));
        }
        table(texts, 1);
        Dataset<Row> df = spark.sql("SELECT id, value, embed(value) AS e, embed(upper(value)) AS u FROM t");
        assertTrue(batched(df));
        List<Row> rows = df.collectAsList();
        assertEquals(texts.size(), rows.size());
        for (int i = 0; i < rows.size(); i += 97) {
            Row r = rows.get(i);
            String text = texts.get(r.getInt(0));
            assertEquals(text, r.getString(1));
            assertTrue(cosine(reference.embed(text).content().vector(), floats(r.getList(2))) >= 0.9999, text);
            // the model lower-cases, so both calls see the same tokens
            assertTrue(cosine(floats(r.getList(2)), floats(r.getList(3))) >= 0.99999, text);
        }
    }

    @Test
    void aNondeterministicArgumentIsEvaluatedOncePerRow() {
        List<String> texts = TestCorpora.sampleLines().subList(0, 20);
        table(texts, 2);
        // rand() is never above 2, so every row embeds its text followed by "false"
        Dataset<Row> df = spark.sql("SELECT id, embed(concat(value, ' ', CAST(rand() > 2 AS STRING))) AS e FROM t");
        assertTrue(batched(df));
        for (Row r : df.collectAsList()) {
            float[] expected = reference.embed(texts.get(r.getInt(0)) + " false").content().vector();
            assertTrue(cosine(expected, floats(r.getList(1))) >= 0.9999);
        }
    }

    @Test
    void aRowTheModelCannotRunFailsTheQueryWithItsReason() {
        table(List.of("A sentence to classify."), 1);
        Dataset<Row> df = spark.sql("SELECT classify(value) FROM t");
        assertTrue(batched(df));
        SparkException e = assertThrows(SparkException.class, df::collectAsList);
        assertTrue(e.getMessage().contains("sequence-classification head"), e.getMessage());
    }

    @Test
    void aWrongArgumentCountIsOneSentence() {
        Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT nsp('a')").collectAsList());
        assertTrue(e.getMessage().contains("Cannot call nsp: it takes 2 arguments, got 1"), e.getMessage());
    }

    private static float[] floats(List<Object> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
