package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import dev.sparkencoders.ml.TextEmbedder;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code classify --set head.path=DIR} with a saved {@code PipelineModel} whose first stage is a
 * {@link TextEmbedder} (logistic regression on the embeddings, fitted on the shipped intent sample): the job embeds
 * as the embedder says, its labels and scores are the pipeline's own predictions and probabilities, and settings the
 * embedder decides are refused.
 */
class ClassifyWithTextPipelineTest {

    private static final List<String> QUERIES = List.of("my parcel still has not arrived",
            "I would like to send these trousers back", "I can't sign in, the password is rejected",
            "please deliver to my new flat from now on", "stop billing me every month, I'm done");

    @TempDir
    static Path dir;

    static Path pipeline;
    static Path queries;
    /** query -> (predicted label, probability vector, label names by index) of the pipeline itself */
    static Map<String, Row> expected = new HashMap<>();
    static String[] labels;

    @BeforeAll
    static void fitAndSave() throws IOException {
        queries = dir.resolve("queries.json");
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < QUERIES.size(); i++) {
            lines.add("{\"id\":" + i + ",\"text\":\"" + QUERIES.get(i) + "\"}");
        }
        lines.add("{\"id\":-1}"); // no text: kept, with an error and no label
        Files.write(queries, lines);

        SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
        try {
            Dataset<Row> train = spark.read().option("header", "true").option("escape", "\"")
                    .csv(JobRunner.projectRoot().resolve("jobs/samples/intent-sample.csv").toString());
            StringIndexerModel indexer = new StringIndexer().setInputCol("label").setOutputCol("label_index").fit(train);
            labels = indexer.labelsArray()[0];
            PipelineModel model = new Pipeline().setStages(new PipelineStage[] {
                    // unnormalised: the job must take the model settings from the embedder, not from its defaults
                    new TextEmbedder().setOutputCol("features").setTruncation("tail").setNormalize(false),
                    new LogisticRegression().setFeaturesCol("features").setLabelCol("label_index").setRegParam(0.001),
                    new IndexToString().setInputCol("prediction").setOutputCol("intent").setLabels(labels)})
                    .fit(indexer.transform(train));
            pipeline = dir.resolve("intent-pipeline");
            model.write().save(pipeline.toString());
            for (Row r : model.transform(spark.read().json(queries.toString()).filter("text IS NOT NULL"))
                    .select("text", "intent", "probability").collectAsList()) {
                expected.put(r.getString(0), r);
            }
        } finally {
            spark.stop();
        }
    }

    @Test
    void classifyRunsThePipelineAndGivesItsPredictions() throws IOException {
        Path out = dir.resolve("classified");
        JobRunner.Outcome outcome = JobRunner.run("classify", "--set", "head.path=" + pipeline, "--set",
                "input.path=" + queries, "--set", "input.format=json", "--set", "output.path=" + out,
                "--set", "output.format=json", "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());
        List<JsonObject> rows = JobRunner.jsonRows(out);
        assertEquals(QUERIES.size() + 1, rows.size());
        List<String> predicted = new java.util.ArrayList<>();
        for (JsonObject row : rows) {
            if (row.get("id").getAsInt() < 0) {
                assertTrue(row.has("error") && !row.has("label"), row.toString());
                continue;
            }
            assertFalse(row.has("error"), row.toString());
            Row pipelineRow = expected.get(row.get("text").getAsString());
            assertEquals(pipelineRow.getString(1), row.get("label").getAsString(), row.toString());
            double[] probability = ((Vector) pipelineRow.get(2)).toArray();
            JsonObject scores = row.getAsJsonObject("scores");
            assertEquals(labels.length, scores.size());
            for (int i = 0; i < labels.length; i++) {
                assertEquals(probability[i], scores.get(labels[i]).getAsDouble(), 1e-6, labels[i]);
            }
            predicted.add(row.get("label").getAsString());
        }
        assertEquals(List.of("cancel_subscription", "change_address", "reset_password", "return_item", "track_order"),
                predicted.stream().sorted().toList(), "each query gets its own intent");
    }

    @Test
    void settingsThePipelinesEmbedderDecidesAreRefused() {
        for (String set : List.of("model.path=/models/other", "truncation.strategy=head", "windows.stride=32")) {
            JobRunner.Outcome outcome = JobRunner.run("classify", "--set", "head.path=" + pipeline, "--set", set,
                    "--set", "input.path=" + queries, "--set", "input.format=json", "--set",
                    "output.path=" + dir.resolve("never"), "--set", "spark.master=local[1]",
                    "--set", "spark.ui.enabled=false");
            assertEquals(2, outcome.code(), outcome.stderr());
            String key = set.substring(0, set.indexOf('='));
            assertTrue(outcome.stderr().contains("Cannot use " + key + " with head.path " + pipeline + ": the pipeline"
                    + " starts with a TextEmbedder, which sets the model and how texts are embedded (leave model.*,"
                    + " truncation.* and windows.stride unset)"), outcome.stderr());
            assertFalse(Files.exists(dir.resolve("never")));
        }
    }
}
