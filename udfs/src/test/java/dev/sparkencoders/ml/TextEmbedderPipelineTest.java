package dev.sparkencoders.ml;

import dev.sparkencoders.TestCorpora;
import dev.sparkencoders.importer.BundledModel;
import dev.sparkencoders.model.SentencePrompts;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.spark.sql.SqlFunctions;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TextEmbedder} with the bundled all-MiniLM-L6-v2 on local Spark: inside an MLlib {@code Pipeline} with
 * {@code LogisticRegression} on real labelled text, saved and loaded again in a new SparkSession; its vectors against
 * the SQL {@code embed} function; bad rows in both error modes.
 */
class TextEmbedderPipelineTest {

    @TempDir
    static Path dir;

    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = session();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static SparkSession session() {
        return SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @Test
    void aPipelineOnTheIntentSampleIsSavedAndLoadedInANewSessionWithIdenticalPredictions() throws IOException {
        Dataset<Row> all = csv(TestCorpora.projectRoot().resolve("jobs/samples/intent-sample.csv"))
                .withColumnRenamed("label", "intent");
        // every fourth sentence of each intent is held out: 75 training and 25 test rows over 5 intents
        Dataset<Row> numbered = all.withColumn("n", row_number().over(Window.partitionBy("intent").orderBy("text")));
        Dataset<Row> train = numbered.filter(col("n").mod(4).notEqual(0)).drop("n");
        Dataset<Row> test = numbered.filter(col("n").mod(4).equalTo(0)).drop("n");
        double accuracy = fitSaveAndReload(train, test, "intent-sample");
        assertTrue(accuracy >= 0.8, "accuracy on the held-out sample sentences: " + accuracy);
    }

    @Test
    void aPipelineOnBanking77IsSavedAndLoadedInANewSessionWithIdenticalPredictions() throws IOException {
        Path data = TestCorpora.sharedData().resolve("banking77");
        Assumptions.assumeTrue(Files.isRegularFile(data.resolve("train.csv")), "Skipped: BANKING77 is absent from " + data);
        // a subset keeps it fast: the first 8 intents by name, the first 25 training and 15 test texts of each
        List<String> intents = csv(data.resolve("train.csv")).select("category").distinct().as(Encoders.STRING())
                .collectAsList().stream().sorted().limit(8).toList();
        Dataset<Row> train = firstPerIntent(csv(data.resolve("train.csv")).withColumnRenamed("category", "intent"),
                intents, 25);
        Dataset<Row> test = firstPerIntent(csv(data.resolve("test.csv")).withColumnRenamed("category", "intent"),
                intents, 15);
        double accuracy = fitSaveAndReload(train, test, "banking77");
        assertTrue(accuracy >= 0.8, "accuracy on the 8 intents' test texts: " + accuracy);
    }

    /**
     * Fits embedder + logistic regression + label names, saves the model, loads it in a new session; returns the
     * test accuracy. The intents are indexed before the pipeline, so fitting embeds the training texts once.
     */
    private static double fitSaveAndReload(Dataset<Row> train, Dataset<Row> test, String name) throws IOException {
        StringIndexerModel indexer = new StringIndexer().setInputCol("intent").setOutputCol("intent_index").fit(train);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new TextEmbedder().setInputCol("text").setOutputCol("features"),
                new LogisticRegression().setFeaturesCol("features").setLabelCol("intent_index").setRegParam(0.001),
                new IndexToString().setInputCol("prediction").setOutputCol("predicted").setLabels(indexer.labelsArray()[0])});
        PipelineModel model = pipeline.fit(indexer.transform(train));
        long trainRows = train.count();
        // both sessions read the test rows from one file, so they see the same partitions and batches
        Path testFile = dir.resolve(name + "-test");
        test.write().option("header", "true").option("escape", "\"").csv(testFile.toString());
        Map<String, Row> before = predictions(model, csv(testFile));
        String path = dir.resolve(name).toString();
        model.write().overwrite().save(path);

        spark.stop();
        spark = session();
        Map<String, Row> after = predictions(PipelineModel.load(path), csv(testFile));
        assertEquals(before.keySet(), after.keySet());
        int correct = 0;
        for (String text : before.keySet()) {
            Row b = before.get(text);
            Row a = after.get(text);
            assertEquals(b.getString(1), a.getString(1), "prediction of: " + text);
            assertArrayEquals(((Vector) b.get(2)).toArray(), ((Vector) a.get(2)).toArray(), text);
            correct += b.getString(1).equals(b.getString(3)) ? 1 : 0;
        }
        assertTrue(before.size() >= 25, "test rows: " + before.size());
        double accuracy = (double) correct / before.size();
        System.err.println(name + ": " + trainRows + " training rows, test accuracy " + accuracy + " on "
                + before.size() + " rows");
        return accuracy;
    }

    /** text -> (text, predicted intent, probability, gold intent) */
    private static Map<String, Row> predictions(PipelineModel model, Dataset<Row> test) {
        Map<String, Row> out = new TreeMap<>();
        for (Row r : model.transform(test).select("text", "predicted", "probability", "intent").collectAsList()) {
            out.put(r.getString(0), r);
        }
        return out;
    }

    @Test
    void vectorsEqualTheSqlEmbedFunctionsAndTheSchemaIsTheOneDeclared() {
        List<String> texts = TestCorpora.sampleLines().subList(0, 40);
        Dataset<Row> input = spark.createDataset(texts, Encoders.STRING()).toDF("text");
        SqlFunctions.register(spark, ModelSpec.bundled());
        input.createOrReplaceTempView("texts");
        Map<String, float[]> sql = new TreeMap<>();
        for (Row r : spark.sql("SELECT text, embed(text) FROM texts").collectAsList()) {
            sql.put(r.getString(0), floats(r.getList(1)));
        }

        TextEmbedder arrays = new TextEmbedder().setOutputType("array");
        Dataset<Row> embedded = arrays.transform(input);
        assertEquals(arrays.transformSchema(input.schema()), embedded.schema(), "transformSchema is exact");
        TextEmbedder vectors = new TextEmbedder();
        Dataset<Row> asVectors = vectors.transform(input);
        assertEquals(vectors.transformSchema(input.schema()), asVectors.schema());

        double worst = 0;
        List<Row> rows = embedded.collectAsList();
        List<Row> vectorRows = asVectors.collectAsList();
        assertEquals(texts.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            float[] expected = sql.get(rows.get(i).getString(0));
            float[] actual = floats(rows.get(i).getList(1));
            double[] vector = ((Vector) vectorRows.get(i).get(1)).toArray();
            assertEquals(384, actual.length);
            assertNull(rows.get(i).get(2), "no error");
            for (int d = 0; d < expected.length; d++) {
                worst = Math.max(worst, Math.abs(expected[d] - actual[d]));
                assertEquals(actual[d], vector[d], 0.0, "the vector holds the same floats");
            }
        }
        System.err.println("TextEmbedder vs SQL embed(): largest difference " + worst);
        assertTrue(worst <= 1e-6, "largest difference to embed(): " + worst);
    }

    @Test
    void aNamedPromptOrTheDefaultOneIsPrependedToEveryText() throws IOException {
        Path model = Files.createDirectories(dir.resolve("minilm-with-prompts"));
        try (var files = Files.list(BundledModel.path())) {
            for (Path file : files.toList()) {
                Files.createSymbolicLink(model.resolve(file.getFileName()), file);
            }
        }
        new SentencePrompts(Map.of("query", "query: ", "passage", "passage: "), "passage").write(model);
        List<String> texts = TestCorpora.sampleLines().subList(0, 12);
        Dataset<Row> input = spark.createDataset(texts, Encoders.STRING()).toDF("text");
        Dataset<Row> prefixed = spark.createDataset(texts.stream().map(t -> "query: " + t).toList(),
                Encoders.STRING()).toDF("text");
        Dataset<Row> passages = spark.createDataset(texts.stream().map(t -> "passage: " + t).toList(),
                Encoders.STRING()).toDF("text");

        TextEmbedder base = new TextEmbedder().setModelPath(model.toString()).setOutputType("array");
        List<Row> query = base.copy(new ParamMap()).setPrompt("query").transform(input).collectAsList();
        List<Row> byDefault = base.transform(input).collectAsList();
        List<Row> none = base.copy(new ParamMap()).setPrompt("none").transform(input).collectAsList();
        List<Row> expectedQuery = new TextEmbedder().setOutputType("array").transform(prefixed).collectAsList();
        List<Row> expectedPassage = new TextEmbedder().setOutputType("array").transform(passages).collectAsList();
        List<Row> plain = new TextEmbedder().setOutputType("array").transform(input).collectAsList();
        for (int i = 0; i < texts.size(); i++) {
            Assertions.assertArrayEquals(floats(expectedQuery.get(i).getList(1)), floats(query.get(i).getList(1)),
                    1e-6f);
            Assertions.assertArrayEquals(floats(expectedPassage.get(i).getList(1)),
                    floats(byDefault.get(i).getList(1)), 1e-6f, "default_prompt_name applies when no prompt is named");
            Assertions.assertArrayEquals(floats(plain.get(i).getList(1)), floats(none.get(i).getList(1)), 1e-6f);
        }
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> base.copy(new ParamMap()).setPrompt("title").transform(input));
        assertTrue(unknown.getMessage().startsWith("Cannot use prompt 'title': the model declares only [passage,"
                + " query]"), unknown.getMessage());
    }

    @Test
    void aNullTextGetsAnErrorInPermissiveModeAndFailsTheJobInFailMode() {
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
        Dataset<Row> input = spark.createDataFrame(List.of(RowFactory.create(1, "a fine sentence"),
                RowFactory.create(2, null)), schema);
        List<Row> rows = new TextEmbedder().setErrorCol("problem").transform(input).orderBy("id").collectAsList();
        assertNull(rows.get(0).getAs("problem"));
        assertNotNull(rows.get(0).getAs("embedding"));
        assertNull(rows.get(1).getAs("embedding"));
        assertEquals("Cannot encode row: the text is null", rows.get(1).getAs("problem"));

        Dataset<Row> strict = new TextEmbedder().setErrorMode("fail").transform(input);
        assertFalse(Arrays.asList(strict.columns()).contains("error"));
        SparkException e = assertThrows(SparkException.class, strict::collectAsList);
        assertTrue(String.valueOf(e.getMessage()).contains("Cannot process row [2,null]: Cannot encode row: the text is"
                + " null (errors=fail stops at the first bad row"), e.getMessage());
    }

    @Test
    void everyTransformerIsSavedAndLoadedWithItsParams() throws IOException {
        TextEmbedder embedder = new TextEmbedder().setPooling("cls").setNormalize(true).setWindowStride(32)
                .setOutputType("array");
        TextEmbedder loadedEmbedder = TextEmbedder.load(save(embedder));
        assertSameParams(embedder, loadedEmbedder);
        assertEquals(32, loadedEmbedder.getWindowStride());
        assertNull(loadedEmbedder.getMaxLength(), "still unset: the checkpoint's own");
        TextClassifier classifier = new TextClassifier().setModelPath("/models/sentiment").setThreshold(0.3)
                .setLabelCol("sentiment");
        assertSameParams(classifier, TextClassifier.load(save(classifier)));
        PairScorer scorer = new PairScorer().setMode("cross-encoder").setTextACol("q").setMaxBatchTokens(4096);
        assertSameParams(scorer, PairScorer.load(save(scorer)));
        EntityTagger tagger = new EntityTagger().setAggregation("max").setTruncation("head-tail").setErrorMode("fail");
        assertSameParams(tagger, EntityTagger.load(save(tagger)));
        QuestionAnswerer answerer = new QuestionAnswerer().setDocStride(64).setTopK(3).setContextCol("passage");
        QuestionAnswerer loadedAnswerer = QuestionAnswerer.load(save(answerer));
        assertSameParams(answerer, loadedAnswerer);
        assertEquals(64, loadedAnswerer.getDocStride());
    }

    private static String save(EncoderTransformer<?> transformer) throws IOException {
        String path = dir.resolve("saved-" + transformer.uid()).toString();
        transformer.write().save(path);
        return path;
    }

    private static void assertSameParams(EncoderTransformer<?> saved, EncoderTransformer<?> loaded) {
        assertEquals(saved.uid(), loaded.uid());
        assertEquals(saved.explainParams(), loaded.explainParams(), "set, default and unset Params survive");
    }

    private static Dataset<Row> csv(Path file) {
        return spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"")
                .csv(file.toString());
    }

    private static Dataset<Row> firstPerIntent(Dataset<Row> rows, List<String> intents, int perIntent) {
        List<Row> kept = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (Row r : rows.filter(col("intent").isin(intents.toArray())).collectAsList()) {
            if (counts.merge(r.getAs("intent"), 1, Integer::sum) <= perIntent) {
                kept.add(r);
            }
        }
        return spark.createDataFrame(kept, rows.schema());
    }

    private static float[] floats(List<Object> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }

    private static void assertArrayEquals(double[] expected, double[] actual, String what) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, 1e-12, what);
    }
}
