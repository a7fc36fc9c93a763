package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import dev.sparkencoders.jobs.io.InputSpread;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CSV file with quoted fields (commas, quotes and line breaks inside them) is read with {@code multiLine}, which
 * Spark cannot split: one input split. On {@code local-cluster[2,1,2048]} the embed job still runs it as at least
 * eight tasks on both executors, with every row once and in input order, and says so in the run report.
 */
class CsvSpreadTest {

    private static final int ROWS = 4_000;

    @TempDir
    Path dir;

    @BeforeAll
    static void sparkHomeWithEmptyJarsFolder() throws IOException {
        Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
    }

    @Test
    void aSingleSplitCsvRunsOnEveryExecutorInInputOrder() throws IOException {
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < ROWS; i++) {
            String text = switch (i % 4) {
                case 0 -> "plain sentence number " + i;
                case 1 -> "\"a sentence, with a comma " + i + "\"";
                case 2 -> "\"a \"\"quoted\"\" word in sentence " + i + "\"";
                default -> "\"a sentence across\nlines " + i + "\"";
            };
            csv.append(i).append(',').append(text).append('\n');
        }
        Path input = dir.resolve("rows.csv");
        Files.writeString(input, csv);
        Path output = dir.resolve("out");
        TaskEventRecorder.reset();

        JobRunner.Outcome outcome = JobRunner.run("embed", "--set", "input.path=" + input,
                "--set", "input.format=csv", "--set", "input.id-col=id",
                "--set", "output.path=" + output, "--set", "output.format=json",
                "--set", "spark.master=local-cluster[2,1,2048]", "--set", "spark.ui.enabled=false",
                "--set", "model.max-length=256",
                "--set", "spark.extraListeners=" + TaskEventRecorder.class.getName(),
                "--set", "spark.scheduler.minRegisteredResourcesRatio=1.0");
        assertEquals(0, outcome.code(), outcome.stderr());

        List<JsonObject> rows = JobRunner.jsonRows(output);
        assertEquals(ROWS, rows.size());
        for (int i = 0; i < ROWS; i++) {
            assertEquals(String.valueOf(i), rows.get(i).get("id").getAsString(), "input order is kept");
            assertTrue(rows.get(i).get("text").getAsString().contains(String.valueOf(i)), rows.get(i).toString());
            assertEquals(384, rows.get(i).getAsJsonArray("embedding").size());
        }
        // the encoding stage (the write) and the run report's counts read the spread input: 8 tasks on 2 executors
        assertTrue(TaskEventRecorder.succeededByStage.values().stream()
                        .anyMatch(executors -> executors.size() >= 8 && new HashSet<>(executors).size() == 2),
                "a stage of at least 8 tasks on both executors: " + TaskEventRecorder.succeededByStage);

        JsonObject report = JobRunner.report(output);
        assertEquals(1, report.get("input_partitions").getAsInt(), report.toString());
        assertTrue(report.get("tasks").getAsInt() >= 8, report.toString());
    }

    @Test
    void aSmallInputIsNotSpreadSinceTheShuffleWouldCostMoreThanItSaves() throws IOException {
        Path input = dir.resolve("small.csv");
        Files.writeString(input, "id,text\n1,\"a sentence across\nlines\"\n2,another sentence\n3,a third one\n");
        Path output = dir.resolve("small-out");
        JobRunner.Outcome outcome = JobRunner.run("embed", "--set", "input.path=" + input,
                "--set", "input.format=csv", "--set", "input.id-col=id", "--set", "output.path=" + output,
                "--set", "output.format=json", "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());
        assertEquals(3, JobRunner.jsonRows(output).size());
        JsonObject report = JobRunner.report(output);
        assertEquals(1, report.get("input_partitions").getAsInt(), report.toString());
        assertEquals(1, report.get("tasks").getAsInt(), "under " + InputSpread.MIN_SPREAD_BYTES + " bytes: " + report);
    }
}
