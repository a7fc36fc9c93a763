package dev.sparkencoders.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SQL functions agree with the batch jobs on the same model. */
class SqlJobTest {

    @TempDir
    Path dir;

    @Test
    void similarityOfEmbedsEqualsTheCosineOfTheEmbedJobsVectors() throws IOException {
        String a = "A man is playing a guitar.";
        String b = "Someone plays the guitar.";
        Path sqlOut = dir.resolve("sql");
        JobRunner.Outcome sql = JobRunner.run("sql", "--set", "sql.query=SELECT similarity(embed('" + a + "'), embed('" + b
                + "')) AS close, tokenize('Hello world!') AS tokens", "--set", "output.path=" + sqlOut,
                "--set", "output.format=json", "--set", "spark.ui.enabled=false");
        assertEquals(0, sql.code(), sql.stderr());
        JsonObject row = JobRunner.jsonRows(sqlOut).get(0);
        double close = row.get("close").getAsDouble();

        Path input = dir.resolve("two.txt");
        Files.write(input, List.of(a, b));
        Path embedOut = dir.resolve("embed");
        JobRunner.Outcome embed = JobRunner.run("embed", "--set", "input.path=" + input, "--set", "output.path=" + embedOut,
                "--set", "output.format=json", "--set", "spark.ui.enabled=false");
        assertEquals(0, embed.code(), embed.stderr());
        List<JsonObject> vectors = JobRunner.jsonRows(embedOut);
        double expected = cosine(vectors.get(0).getAsJsonArray("embedding"), vectors.get(1).getAsJsonArray("embedding"));

        assertEquals(expected, close, 1e-6);
        assertTrue(close > 0.7, "paraphrases are close: " + close);
        assertEquals("[\"[CLS]\",\"hello\",\"world\",\"!\",\"[SEP]\"]", row.get("tokens").toString());
    }

    @Test
    void aBadQueryIsOneSentence() {
        JobRunner.Outcome outcome = JobRunner.run("sql", "--set", "sql.query=SELECT nosuchfunction(1)",
                "--set", "output.path=" + dir.resolve("bad"), "--set", "spark.ui.enabled=false");
        assertEquals(2, outcome.code());
        assertTrue(outcome.stderr().contains("Cannot run query:"), outcome.stderr());
    }

    private static double cosine(JsonArray x, JsonArray y) {
        double dot = 0, nx = 0, ny = 0;
        for (int i = 0; i < x.size(); i++) {
            double u = x.get(i).getAsDouble();
            double v = y.get(i).getAsDouble();
            dot += u * v;
            nx += u * u;
            ny += v * v;
        }
        return dot / Math.sqrt(nx * ny);
    }
}
