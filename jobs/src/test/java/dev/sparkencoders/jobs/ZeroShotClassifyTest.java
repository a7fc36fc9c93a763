package dev.sparkencoders.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.TestCorpora;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Zero-shot classification with the bundled sentence embedder on BANKING77's test split (3,080 questions, 77
 * intents): the label names, underscores read as spaces, are the only description of the intents. The job's
 * probabilities are checked against the same rule computed from langchain4j's all-MiniLM-L6-v2 (an independent
 * implementation), and its accuracy against chance.
 */
class ZeroShotClassifyTest {

    @TempDir
    static Path dir;

    static List<String> labels;
    static List<JsonObject> rows;

    @BeforeAll
    static void classifyTheTestSplit() throws IOException {
        Path data = TestCorpora.sharedData().resolve("banking77");
        Path test = data.resolve("test.csv");
        Assumptions.assumeTrue(Files.isRegularFile(test) && Files.isRegularFile(data.resolve("categories.json")),
                "Skipped: BANKING77 is absent from " + data);
        labels = new ArrayList<>();
        JsonParser.parseString(Files.readString(data.resolve("categories.json"))).getAsJsonArray()
                .forEach(c -> labels.add(c.getAsString().replace('_', ' ')));
        Path output = dir.resolve("out");
        JobRunner.Outcome outcome = JobRunner.run("classify", "--set", "zero-shot.labels=" + String.join(",", labels),
                "--set", "input.path=" + test, "--set", "input.format=csv", "--set", "input.text-col=text",
                "--set", "output.path=" + output, "--set", "output.format=json",
                "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());
        rows = JobRunner.jsonRows(output);
    }

    @Test
    void theLabelNamesAloneClassifyFarAboveChance() {
        assertEquals(3080, rows.size());
        long right = rows.stream().filter(r -> r.get("label").getAsString()
                .equals(r.get("category").getAsString().replace('_', ' '))).count();
        double accuracy = right / (double) rows.size();
        System.out.printf("zero-shot accuracy on BANKING77 test: %.4f (%d of %d)%n", accuracy, right, rows.size());
        assertTrue(accuracy > 20.0 / labels.size(), "accuracy " + accuracy + " against chance " + 1.0 / labels.size());
    }

    @Test
    void probabilitiesAreTheSoftmaxOfCosinesOverTheTemperatureAsAnotherImplementationComputesThem() {
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        List<float[]> described = labels.stream()
                .map(l -> reference.embed("This text is about " + l + ".").content().vector()).toList();
        for (int r = 0; r < rows.size(); r += 97) {
            JsonObject row = rows.get(r);
            float[] text = reference.embed(row.get("text").getAsString()).content().vector();
            double[] logits = new double[labels.size()];
            double max = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < logits.length; l++) {
                logits[l] = EvaluateStsTest.cosine(text, described.get(l)) / 0.05;
                max = Math.max(max, logits[l]);
            }
            double sum = 0;
            for (double logit : logits) {
                sum += Math.exp(logit - max);
            }
            JsonObject scores = row.getAsJsonObject("scores");
            int best = 0;
            for (int l = 0; l < logits.length; l++) {
                double expected = Math.exp(logits[l] - max) / sum;
                assertEquals(expected, scores.get(labels.get(l)).getAsDouble(), 2e-3, row + " " + labels.get(l));
                best = logits[l] > logits[best] ? l : best;
            }
            assertEquals(labels.get(best), row.get("label").getAsString(), row.toString());
            JsonArray listed = row.getAsJsonArray("labels");
            assertEquals(labels.size(), listed.size(), "classify.threshold defaults to 0: every label, best first");
            assertEquals(labels.get(best), listed.get(0).getAsString());
        }
    }

    @Test
    void aTemplateWithoutAPlaceholderIsRefusedInOneSentence() {
        JobRunner.Outcome outcome = JobRunner.run("classify", "--set", "zero-shot.labels=billing,delivery",
                "--set", "zero-shot.template=This text is about money.",
                "--set", "input.path=" + JobRunner.projectRoot().resolve("jobs/samples/sample-corpus.txt"),
                "--set", "output.path=" + dir.resolve("refused"), "--set", "spark.master=local[2]");
        assertEquals(2, outcome.code(), outcome.stderr());
        assertTrue(outcome.stderr().contains("Cannot use zero-shot template 'This text is about money.': it has no {}"),
                outcome.stderr());
        assertTrue(!Files.exists(dir.resolve("refused")), "no output");
    }
}
