package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embed job end to end on local Spark, through the same entry point the launcher and spark-submit use. */
class EmbedJobTest {

    @TempDir
    Path dir;

    @Test
    void writesOneJsonLinePerInputLineWithValueAndEmbedding() throws IOException {
        Path input = dir.resolve("docs.txt");
        List<String> lines = new ArrayList<>(Files.readAllLines(projectRoot().resolve("jobs/samples/sample-corpus.txt")));
        lines.add("");
        lines.add("   ");
        lines.add("word ".repeat(2000));
        Files.write(input, lines, StandardCharsets.UTF_8);
        Path output = dir.resolve("out");

        int code = Main.run("embed", "--set", "input.path=" + input, "--set", "input.format=text",
                "--set", "output.path=" + output, "--set", "output.format=json", "--set", "spark.master=local[2]",
                "--set", "spark.ui.enabled=false");

        assertEquals(0, code);
        List<JsonObject> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(output)) {
            for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part)) {
                    rows.add(JsonParser.parseString(line).getAsJsonObject());
                }
            }
        }
        assertEquals(lines.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonObject row = rows.get(i);
            assertEquals(lines.get(i), row.get("value").getAsString(), "row order and text are kept");
            assertEquals(384, row.getAsJsonArray("embedding").size());
            assertFalse(row.has("error"), "no row fails: " + row.get("error"));
        }
        JsonObject report = JsonParser.parseString(Files.readString(output.resolve("_run_report.json"))).getAsJsonObject();
        assertEquals(lines.size(), report.get("rows_in").getAsLong());
        assertEquals(lines.size(), report.get("rows_out").getAsLong());
        assertEquals(0, report.get("rows_failed").getAsLong());
        assertEquals(1, report.get("rows_truncated").getAsLong(), "the 2,000-word line is truncated and counted");
        // One JVM (local mode) loads a model at most once; it is 0 when an earlier job in this JVM loaded it.
        assertTrue(report.get("model_loads").getAsLong() <= 1, "model_loads " + report.get("model_loads"));
        assertNotNull(report.get("config").getAsJsonObject().get("input.path"));
    }

    @Test
    void refusesAMissingInputWithOneSentenceAndWritesNothing() {
        Path output = dir.resolve("never");
        String err = stderrOf(() -> assertEquals(2, Main.run("embed", "--set", "input.path=" + dir.resolve("absent.txt"),
                "--set", "output.path=" + output, "--set", "spark.ui.enabled=false")));
        assertTrue(err.contains("Cannot read input " + dir.resolve("absent.txt") + ": it does not exist"), err);
        assertFalse(Files.exists(output));
    }

    @Test
    void refusesANonStringTextColumn() throws IOException {
        Path input = dir.resolve("rows.json");
        Files.writeString(input, "{\"id\": 1, \"text\": 42}\n");
        String err = stderrOf(() -> assertEquals(2, Main.run("embed", "--set", "input.path=" + input,
                "--set", "input.format=json", "--set", "output.path=" + dir.resolve("o"),
                "--set", "spark.ui.enabled=false")));
        assertTrue(err.contains("Cannot use column 'text' as text: its type is bigint, not string"), err);
    }

    @Test
    void errorsFailStopsAtTheFirstBadRowNamingItAndPermissiveKeepsIt() throws IOException {
        Path input = dir.resolve("rows.json");
        Files.writeString(input, "{\"id\": \"a-1\", \"text\": \"fine\"}\n{\"id\": \"b-2\", \"text\": null}\n");
        String err = stderrOf(() -> assertEquals(1, Main.run("embed", "--set", "input.path=" + input,
                "--set", "input.format=json", "--set", "input.id-col=id", "--set", "errors.mode=fail",
                "--set", "output.path=" + dir.resolve("strict"), "--set", "spark.ui.enabled=false")));
        assertTrue(err.contains("Cannot process row with id b-2: Cannot encode row: the text is null"), err);

        Path output = dir.resolve("permissive");
        assertEquals(0, Main.run("embed", "--set", "input.path=" + input, "--set", "input.format=json",
                "--set", "output.path=" + output, "--set", "output.format=json", "--set", "spark.ui.enabled=false"));
        JsonObject report = JsonParser.parseString(Files.readString(output.resolve("_run_report.json"))).getAsJsonObject();
        assertEquals(2, report.get("rows_out").getAsLong());
        assertEquals(1, report.get("rows_failed").getAsLong());
    }

    @Test
    void refusesAnUnknownJob() {
        String err = stderrOf(() -> assertEquals(2, Main.run("embbed")));
        assertTrue(err.contains("Cannot run job 'embbed': unknown job"), err);
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    static Path projectRoot() {
        Path d = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(d.resolve("spark-encoders"))) {
            d = d.getParent();
        }
        return d;
    }
}
