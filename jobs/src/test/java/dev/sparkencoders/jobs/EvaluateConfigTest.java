package dev.sparkencoders.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The evaluate job refuses bad settings with one sentence and exit code 2, before writing anything. */
class EvaluateConfigTest {

    @TempDir
    Path dir;

    @Test
    void refusesAnUnknownTask() {
        JobRunner.Outcome outcome = JobRunner.run("evaluate", "--set", "evaluate.task=glue", "--set",
                "output.path=" + dir.resolve("o"));
        assertEquals(2, outcome.code());
        assertTrue(outcome.stderr().contains("Cannot use evaluate.task=glue: unknown evaluation (use sts, intent or mlm)"),
                outcome.stderr());
    }

    @Test
    void refusesAMissingDataFileAndAMissingLabelColumnBeforeWritingOutput() throws IOException {
        Path output = dir.resolve("o");
        JobRunner.Outcome missing = JobRunner.run("evaluate", "--set", "evaluate.task=sts", "--set",
                "evaluate.data-path=" + dir.resolve("absent.tsv"), "--set", "output.path=" + output, "--set",
                "spark.master=local[1]", "--set", "spark.ui.enabled=false");
        assertEquals(2, missing.code());
        assertTrue(missing.stderr().contains("Cannot read evaluate.data-path " + dir.resolve("absent.tsv")
                + ": it does not exist (check evaluate.data-path)"), missing.stderr());

        Path csv = dir.resolve("train.csv");
        Files.writeString(csv, "text,intent\n\"hello, there\",greet\nbye,leave\n");
        JobRunner.Outcome wrongColumn = JobRunner.run("evaluate", "--set", "evaluate.task=intent", "--set",
                "evaluate.train-path=" + csv, "--set", "evaluate.test-path=" + csv, "--set", "output.path=" + output,
                "--set", "spark.master=local[1]", "--set", "spark.ui.enabled=false");
        assertEquals(2, wrongColumn.code());
        assertTrue(wrongColumn.stderr().contains("Cannot find label column 'category' in " + csv
                + ": it has columns [text, intent] (set evaluate.label-col)"), wrongColumn.stderr());
        assertFalse(Files.exists(output));
    }

    @Test
    void overwriteReplacesAnEarlierEvaluationButNeverAFolderHoldingSomethingElse() throws IOException {
        Path csv = dir.resolve("train.csv");
        Files.writeString(csv, "text,category\nhello there,greet\nbye now,leave\n");
        Path output = dir.resolve("o");
        Files.createDirectories(output.resolve("predictions"));
        Files.writeString(output.resolve("report.json"), "{}");
        Files.writeString(output.resolve("notes.txt"), "my notes");
        String[] args = {"evaluate", "--set", "evaluate.task=intent", "--set", "evaluate.train-path=" + csv, "--set",
                "evaluate.test-path=" + csv, "--set", "output.path=" + output, "--set", "output.mode=overwrite", "--set",
                "spark.master=local[1]", "--set", "spark.ui.enabled=false"};

        JobRunner.Outcome refused = JobRunner.run(args);
        assertEquals(2, refused.code(), refused.stderr());
        assertTrue(refused.stderr().contains("Cannot write output to " + output + ": it holds 'notes.txt', which no"
                + " evaluate run writes"), refused.stderr());
        assertEquals("my notes", Files.readString(output.resolve("notes.txt")));

        Files.delete(output.resolve("notes.txt"));
        JobRunner.Outcome replaced = JobRunner.run(args);
        assertEquals(0, replaced.code(), replaced.stderr());
        assertTrue(Files.readString(output.resolve("report.json")).contains("\"task\""),
                "the earlier report was replaced");
    }
}
