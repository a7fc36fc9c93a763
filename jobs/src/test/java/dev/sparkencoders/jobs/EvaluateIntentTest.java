package dev.sparkencoders.jobs;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.TestCorpora;
import dev.sparkencoders.jobs.evaluate.ChartsAndMetricsTest;
import dev.sparkencoders.jobs.head.HeadMetadata;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code evaluate.task=intent} on BANKING77 (10,003 train / 3,080 test, 77 intents) with the bundled
 * all-MiniLM-L6-v2, run once for all assertions (the encoder pass over 13k texts takes minutes): logistic
 * regression on the embeddings against the TF-IDF and Word2Vec baselines, the report and charts, and the saved
 * classifier used as the head of the classify job.
 */
class EvaluateIntentTest {

    @TempDir
    static Path dir;

    static Path train;
    static Path test;
    static Path output;
    static JsonObject report;

    @BeforeAll
    static void evaluateOnce() throws IOException {
        Path data = TestCorpora.sharedData().resolve("banking77");
        train = data.resolve("train.csv");
        test = data.resolve("test.csv");
        Assumptions.assumeTrue(Files.isRegularFile(train) && Files.isRegularFile(test),
                "Skipped: BANKING77 is absent from " + data);
        output = dir.resolve("banking77");
        JobRunner.Outcome outcome = JobRunner.run("evaluate", "--set", "evaluate.task=intent", "--set", "evaluate.train-path=" + train,
                "--set", "evaluate.test-path=" + test, "--set", "output.path=" + output, "--set", "output.format=json",
                "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());
        report = JsonParser.parseString(Files.readString(output.resolve("report.json"))).getAsJsonObject();
    }

    @Test
    void embeddingClassifierReachesThePublishedLevelAndBeatsBothBaselines() {
        Map<String, JsonObject> methods = new HashMap<>();
        report.getAsJsonArray("methods").forEach(m -> methods.put(m.getAsJsonObject().get("method").getAsString(),
                m.getAsJsonObject()));
        assertEquals(List.of("embedding", "tf-idf", "word2vec").stream().sorted().toList(),
                methods.keySet().stream().sorted().toList());
        double embedding = methods.get("embedding").get("accuracy").getAsDouble();
        double tfidf = methods.get("tf-idf").get("accuracy").getAsDouble();
        double word2vec = methods.get("word2vec").get("accuracy").getAsDouble();
        assertTrue(embedding >= 0.78, "embedding + LR accuracy " + embedding + " (MTEB publishes 79.75)");
        assertTrue(embedding > tfidf, "embedding " + embedding + " vs TF-IDF " + tfidf);
        assertTrue(embedding > word2vec, "embedding " + embedding + " vs Word2Vec " + word2vec);
        for (JsonObject m : methods.values()) {
            double f1 = m.get("macro_f1").getAsDouble();
            assertTrue(f1 > 0 && f1 <= 1, m.toString());
            assertTrue(m.get("fit_seconds").getAsDouble() > 0 && m.get("fit_rows_per_second").getAsDouble() > 0);
        }
        assertEquals("embedding", report.get("best_method").getAsString());
        assertEquals(10003, report.get("train_rows").getAsLong(), "multi-line quoted texts are one row each");
        assertEquals(3080, report.get("test_rows").getAsLong());
        assertEquals(77, report.get("labels").getAsInt());
    }

    @Test
    void reportNamesTheDataAndModelAndTheChartsArePngImages() throws Exception {
        JsonObject data = report.getAsJsonObject("data");
        assertEquals(EvaluateStsTest.sha256(train), onlyValue(data.getAsJsonObject("train").getAsJsonObject("sha256")));
        assertEquals(EvaluateStsTest.sha256(test), onlyValue(data.getAsJsonObject("test").getAsJsonObject("sha256")));
        assertEquals("sentence-transformers/all-MiniLM-L6-v2", report.get("model").getAsString());
        assertEquals(64, report.get("weights_sha256").getAsString().length());
        assertEquals("intent", report.getAsJsonObject("config").get("evaluate.task").getAsString());
        List<String> charts = new ArrayList<>();
        report.getAsJsonArray("charts").forEach(c -> charts.add(c.getAsString()));
        assertEquals(List.of("accuracy.png", "confusion-matrix.png"), charts);
        for (String chart : charts) {
            ChartsAndMetricsTest.assertPng(Files.readAllBytes(output.resolve(chart)));
        }
        assertTrue(Files.isDirectory(output.resolve("model/stages")), "the classifier is a saved PipelineModel");
    }

    @Test
    void classifyUsesTheSavedClassifierAsItsHead() throws IOException {
        Map<String, String> predicted = new HashMap<>();
        for (JsonObject row : JobRunner.jsonRows(output.resolve("predictions"))) {
            predicted.put(row.get("text").getAsString(), row.get("predicted").getAsString());
        }
        Path input = dir.resolve("queries.json");
        List<String> texts = new ArrayList<>(predicted.keySet()).stream().sorted().limit(200).toList();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            JsonObject row = new JsonObject();
            row.addProperty("id", i);
            row.addProperty("text", texts.get(i));
            lines.add(row.toString());
        }
        lines.add("{\"id\": -1}"); // no text: kept, with an error and no label
        Files.write(input, lines);
        Path out = dir.resolve("classified");
        JobRunner.Outcome outcome = JobRunner.run("classify", "--set", "head.path=" + output.resolve("model"),
                "--set", "input.path=" + input, "--set", "input.format=json", "--set", "output.path=" + out,
                "--set", "output.format=json", "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());
        List<JsonObject> rows = JobRunner.jsonRows(out);
        assertEquals(lines.size(), rows.size());
        for (JsonObject row : rows) {
            if (row.get("id").getAsInt() < 0) {
                assertTrue(row.has("error") && !row.has("label"), row.toString());
                continue;
            }
            assertFalse(row.has("error"), row.toString());
            String text = row.get("text").getAsString();
            JsonObject scores = row.getAsJsonObject("scores");
            assertEquals(77, scores.size());
            double sum = 0;
            String best = null;
            for (Map.Entry<String, JsonElement> e : scores.entrySet()) {
                sum += e.getValue().getAsDouble();
                if (best == null || e.getValue().getAsDouble() > scores.get(best).getAsDouble()) {
                    best = e.getKey();
                }
            }
            assertEquals(1.0, sum, 1e-3);
            assertEquals(best, row.get("label").getAsString());
            assertEquals(77, row.getAsJsonArray("labels").size(), "threshold 0 lists every label");
            assertEquals(best, row.getAsJsonArray("labels").get(0).getAsString(), "best first");
            assertEquals(predicted.get(text), row.get("label").getAsString(),
                    "classify with the head agrees with the evaluate job's own predictions: " + text);
        }
    }

    @Test
    void classifyRefusesAHeadTrainedOnAnotherEncoder() throws IOException {
        Path copy = dir.resolve("other-head");
        try (Stream<Path> files = Files.walk(output.resolve("model"))) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(output.resolve("model").relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Path metadata = copy.resolve(HeadMetadata.FILE);
        String sha = report.get("weights_sha256").getAsString();
        Files.writeString(metadata, Files.readString(metadata).replace(sha, "0".repeat(64)));
        Path input = dir.resolve("one.json");
        Files.writeString(input, "{\"text\": \"where is my card?\"}\n");
        JobRunner.Outcome outcome = JobRunner.run("classify", "--set", "head.path=" + copy, "--set",
                "input.path=" + input, "--set", "input.format=json", "--set", "output.path=" + dir.resolve("never"),
                "--set", "spark.master=local[1]", "--set", "spark.ui.enabled=false");
        assertEquals(2, outcome.code(), outcome.stderr());
        assertTrue(outcome.stderr().contains("Cannot use head.path " + copy + ": it was trained on embeddings of"),
                outcome.stderr());
        assertFalse(Files.exists(dir.resolve("never")));
    }

    private static String onlyValue(JsonObject map) {
        assertEquals(1, map.size());
        return map.entrySet().iterator().next().getValue().getAsString();
    }
}
