package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JSON-lines corpus whose rows carry an {@code id} (0, 1, 2, ...) beside the text, from the sample corpus's
 * sentences, and the check that an output holds each id exactly once with its own text and an embedding.
 */
final class IdCorpus {

    private IdCorpus() {}

    /** The {@code --set} arguments that read such a corpus. */
    static List<String> inputArgs(Path corpus) {
        return List.of("--set", "input.path=" + corpus, "--set", "input.format=json", "--set", "input.text-col=text",
                "--set", "input.id-col=id");
    }

    static void write(Path file, int rows) throws IOException {
        List<String> sample = Files.readAllLines(JobRunner.projectRoot().resolve("jobs/samples/sample-corpus.txt"));
        List<String> lines = new ArrayList<>(rows);
        for (int id = 0; id < rows; id++) {
            JsonObject row = new JsonObject();
            row.addProperty("id", id);
            row.addProperty("text", text(id, sample));
            lines.add(row.toString());
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static String text(int id, List<String> sample) {
        return sample.get(id % sample.size()) + " (" + id + ")";
    }

    /** Every id from 0 to {@code rows - 1} once, no other, each with its text and a 384-wide embedding. */
    static void assertEveryIdOnce(List<JsonObject> output, int rows) throws IOException {
        List<String> sample = Files.readAllLines(JobRunner.projectRoot().resolve("jobs/samples/sample-corpus.txt"));
        Set<Integer> seen = new HashSet<>();
        for (JsonObject row : output) {
            int id = row.get("id").getAsInt();
            assertTrue(seen.add(id), "id " + id + " appears twice");
            assertTrue(id >= 0 && id < rows, "id " + id + " was never an input");
            assertEquals(text(id, sample), row.get("text").getAsString(), "row " + id + " keeps its text");
            assertFalse(row.has("error") && !row.get("error").isJsonNull(), "row " + id + " failed: " + row);
            assertEquals(384, row.getAsJsonArray("embedding").size(), "row " + id);
        }
        assertEquals(rows, output.size(), "one output row per input row");
        assertEquals(rows, seen.size());
    }
}
