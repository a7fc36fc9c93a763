package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import dev.sparkencoders.jobs.BadInputCorpus.Case;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.Head;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input through real jobs (local Spark, {@link Main}, Parquet output read back): a text file and a Parquet file
 * of {@link BadInputCorpus} cases go through {@code embed} (the bundled MiniLM) and the token-level {@code ner},
 * {@code fill-mask} and {@code replaced-tokens} (synthetic checkpoints). With {@code errors.mode=permissive} every input row comes out once, in
 * order, with its text as Spark read it and either a result or an {@code error}; the run report counts the same.
 * With {@code errors.mode=fail} the job exits 1 naming the bad row by {@code input.id-col} and leaves no {@code _SUCCESS}.
 * A text column of any other type than string is refused on the driver: exit 2, one sentence, no output.
 *
 * <p>The only row that cannot produce a result is the null one; every other case must give a valid result (an
 * L2-normalised 384-dimensional embedding with finite values; entities whose offsets cut their word out of the
 * text; one list of predictions per mask token; replaced-token scores whose spans cut their token out of the text).
 */
class BadInputJobTest {

    static final String NULL_ROW_ERROR = "Cannot encode row: the text is null";

    @TempDir
    static Path dir;

    static Path textFile;
    static List<Case> lines;
    static Path parquetFile;
    static List<Case> rows;
    static Path nerModel;
    static Path fillMaskModel;
    static Path rtdModel;

    @BeforeAll
    static void writeInputsAndModels() throws IOException {
        textFile = dir.resolve("corpus.txt");
        lines = BadInputCorpus.writeTextFile(textFile);
        parquetFile = dir.resolve("corpus.parquet");
        rows = BadInputCorpus.writeParquetFile(parquetFile);
        nerModel = dir.resolve("ner-model");
        SyntheticCheckpoint.write(nerModel, Family.BERT, Head.TOKEN_CLASSIFICATION, 3);
        fillMaskModel = dir.resolve("mlm-model");
        SyntheticCheckpoint.write(fillMaskModel, Family.BERT, Head.MASKED_LM, 4);
        rtdModel = dir.resolve("rtd-model");
        SyntheticCheckpoint.write(rtdModel, Family.ELECTRA, Head.RTD, 5);
    }

    @Test
    void theParquetFileHoldsTheBytesAsWritten() {
        List<Row> stored = JobRunner.withSpark(spark -> spark.read().parquet(parquetFile.toString())
                .selectExpr("id", "cast(text as binary)").collectAsList());
        assertEquals(rows.size(), stored.size());
        for (Row r : stored) {
            Case c = rows.stream().filter(x -> x.id().equals(r.getString(0))).findFirst().orElseThrow();
            assertArrayEquals(c.bytes(), r.isNullAt(1) ? null : (byte[]) r.get(1), c.name());
        }
    }

    @Test
    void embedKeepsEveryLineOfATextFile() throws IOException {
        Path output = run("embed", textFile, "text", "embed-text");
        List<Row> out = readBack(output, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertEmbedded(lines.get(i), out.get(i), "value");
        }
        assertReportCounts(output, lines.size(), 0);
        long truncated = JobRunner.report(output).get("rows_truncated").getAsLong();
        long longLines = lines.stream().filter(c -> c.text().length() > 256).count();
        assertTrue(truncated >= 2 && truncated <= longLines, "the 1 MB document and the 300,000-character line are "
                + "truncated, and only lines longer than 256 characters can be: " + truncated);
    }

    @Test
    void embedKeepsEveryRowOfAParquetFileAndErrorsFailNamesTheNullRow() throws IOException {
        Path output = run("embed", parquetFile, "parquet", "embed-parquet");
        List<Row> out = readBack(output, rows.size());
        for (Case c : rows) {
            assertEmbedded(c, byId(out, c.id()), "text");
        }
        assertReportCounts(output, rows.size(), 1);

        assertFailsNamingTheNullRow("embed", "embed-parquet-fail");
    }

    @Test
    void nerKeepsEveryLineOfATextFile() throws IOException {
        Path output = run("ner", textFile, "text", "ner-text", "--set", "model.path=" + nerModel);
        List<Row> out = readBack(output, lines.size());
        int entities = 0;
        for (int i = 0; i < lines.size(); i++) {
            entities += assertEntities(lines.get(i), out.get(i), "value");
        }
        assertTrue(entities > 0, "the random head tags some tokens as entities");
        assertReportCounts(output, lines.size(), 0);
    }

    @Test
    void nerWithWindowsKeepsEveryRowOfAParquetFileAndErrorsFailNamesTheNullRow() throws IOException {
        Path output = run("ner", parquetFile, "parquet", "ner-parquet", "--set", "model.path=" + nerModel,
                "--set", "windows.stride=16");
        List<Row> out = readBack(output, rows.size());
        int entities = 0;
        for (Case c : rows) {
            entities += assertEntities(c, byId(out, c.id()), "text");
        }
        assertTrue(entities > 0, "the random head tags some tokens as entities");
        assertReportCounts(output, rows.size(), 1);
        assertEquals(0, JobRunner.report(output).get("rows_truncated").getAsLong(), "windows lose nothing");

        assertFailsNamingTheNullRow("ner", "ner-parquet-fail", "--set", "model.path=" + nerModel);
    }

    @Test
    void fillMaskKeepsEveryRowOfAParquetFile() throws IOException {
        Path output = run("fill-mask", parquetFile, "parquet", "fill-mask-parquet", "--set", "model.path=" + fillMaskModel,
                "--set", "fill-mask.top-k=3");
        List<Row> out = readBack(output, rows.size());
        int lists = 0;
        for (Case c : rows) {
            Row row = byId(out, c.id());
            assertText(c, row, "text");
            if (failsAsNull(c, row)) {
                continue;
            }
            List<Object> predictions = row.getList(row.fieldIndex("predictions"));
            assertNotNull(predictions, c.name());
            if (c.text().length() < 60) { // short enough that no mask is truncated away
                assertEquals(masks(c.text()), predictions.size(), "one prediction list per [MASK] in " + c.name());
            }
            lists += predictions.size();
            for (Object perMask : predictions) {
                List<Row> best = CollectionConverters.asJava((scala.collection.Seq<Row>) perMask);
                assertEquals(3, best.size(), c.name());
                for (int k = 0; k < best.size(); k++) {
                    float score = best.get(k).getFloat(1);
                    assertTrue(score >= 0 && score <= 1 && (k == 0 || score <= best.get(k - 1).getFloat(1)), c.name());
                }
            }
        }
        assertEquals(3, lists, "the three rows with a [MASK] get one prediction list each");
        assertReportCounts(output, rows.size(), 1);
    }

    @Test
    void replacedTokensWithWindowsKeepsEveryRowOfAParquetFileAndErrorsFailNamesTheNullRow() throws IOException {
        Path output = run("replaced-tokens", parquetFile, "parquet", "rtd-parquet", "--set", "model.path=" + rtdModel,
                "--set", "windows.stride=16");
        List<Row> out = readBack(output, rows.size());
        int tokens = 0;
        for (Case c : rows) {
            tokens += assertReplacedTokens(c, byId(out, c.id()), "text");
        }
        assertTrue(tokens > 1000, "the long rows are scored over every window: " + tokens + " tokens");
        assertReportCounts(output, rows.size(), 1);
        assertEquals(0, JobRunner.report(output).get("rows_truncated").getAsLong(), "windows lose nothing");

        assertFailsNamingTheNullRow("replaced-tokens", "rtd-parquet-fail", "--set", "model.path=" + rtdModel);
    }

    @Test
    void nonStringTextColumnsAreRefusedOnTheDriver() {
        for (String column : List.of("n", "score", "blob", "tags", "meta")) {
            for (String job : List.of("embed", "ner")) {
                Path output = dir.resolve("refused-" + job + "-" + column);
                JobRunner.Outcome outcome = JobRunner.run(job, "--set", "input.path=" + parquetFile,
                        "--set", "input.format=parquet", "--set", "input.text-col=" + column,
                        "--set", "model.path=" + (job.equals("ner") ? nerModel : ""),
                        "--set", "output.path=" + output, "--set", "spark.ui.enabled=false");
                assertEquals(2, outcome.code(), column + ": " + outcome.stderr());
                String message = JobRunner.refusal(outcome.stderr(), job);
                assertTrue(message.startsWith("Cannot use column '" + column + "' as text: its type is "), message);
                assertFalse(Files.exists(output), "no output for a refused job");
            }
        }
    }

    // ------------------------------------------------------------------------------------------ running jobs

    private static Path run(String job, Path input, String format, String name, String... extra) {
        Path output = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of(job, "--set", "input.path=" + input, "--set", "input.format=" + format,
                "--set", "output.path=" + output, "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false"));
        args.addAll(Arrays.asList(extra));
        JobRunner.Outcome outcome = JobRunner.run(args.toArray(String[]::new));
        assertEquals(0, outcome.code(), outcome.stderr());
        return output;
    }

    /** errors.mode=fail over the Parquet file: exit 1, the message names the null row by its id, no _SUCCESS. */
    private static void assertFailsNamingTheNullRow(String job, String name, String... extra) throws IOException {
        Path output = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of(job, "--set", "input.path=" + parquetFile,
                "--set", "input.format=parquet", "--set", "input.id-col=id", "--set", "errors.mode=fail",
                "--set", "output.path=" + output, "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false"));
        args.addAll(Arrays.asList(extra));
        JobRunner.Outcome outcome = JobRunner.run(args.toArray(String[]::new));
        String nullId = rows.stream().filter(c -> c.bytes() == null).findFirst().orElseThrow().id();
        assertEquals(1, outcome.code(), outcome.stderr());
        assertTrue(outcome.stderr().contains("Cannot process row with id " + nullId + ": " + NULL_ROW_ERROR),
                outcome.stderr());
        assertFalse(Files.exists(output.resolve("_SUCCESS")), "a failed job does not mark its output complete");
        if (Files.exists(output)) {
            try (Stream<Path> files = Files.list(output)) {
                assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("part-")).toList(),
                        "a failed job leaves no part files");
            }
        }
    }

    private static List<Row> readBack(Path output, int expectedRows) throws IOException {
        assertTrue(Files.exists(output.resolve("_SUCCESS")));
        List<Row> out = JobRunner.parquetRows(output);
        assertEquals(expectedRows, out.size(), "rows in == rows out");
        return out;
    }

    private static void assertReportCounts(Path output, long rowsIn, long failed) throws IOException {
        JsonObject report = JobRunner.report(output);
        assertEquals(rowsIn, report.get("rows_in").getAsLong(), report.toString());
        assertEquals(rowsIn, report.get("rows_out").getAsLong(), report.toString());
        assertEquals(failed, report.get("rows_failed").getAsLong(), report.toString());
    }

    // ------------------------------------------------------------------------------------------ per-row checks

    private static Row byId(List<Row> out, String id) {
        List<Row> matches = out.stream().filter(r -> id.equals(r.getString(r.fieldIndex("id")))).toList();
        assertEquals(1, matches.size(), "exactly one output row for " + id);
        return matches.get(0);
    }

    private static void assertText(Case c, Row row, String column) {
        int i = row.fieldIndex(column);
        assertEquals(c.text(), row.isNullAt(i) ? null : row.getString(i), c.name() + " keeps its text as Spark read it");
    }

    /** True for the null row, after checking it carries the null-text error; false (and no error) for any other. */
    private static boolean failsAsNull(Case c, Row row) {
        String error = row.getAs("error");
        if (c.bytes() == null) {
            assertEquals(NULL_ROW_ERROR, error, c.name());
            return true;
        }
        assertNull(error, c.name());
        return false;
    }

    private static void assertEmbedded(Case c, Row row, String textColumn) {
        assertText(c, row, textColumn);
        int at = row.fieldIndex("embedding");
        if (failsAsNull(c, row)) {
            assertTrue(row.isNullAt(at), c.name());
            return;
        }
        List<Float> embedding = row.getList(at);
        assertEquals(384, embedding.size(), c.name());
        double norm = 0;
        for (float x : embedding) {
            assertTrue(Float.isFinite(x), c.name() + " has finite values");
            norm += x * x;
        }
        assertEquals(1.0, Math.sqrt(norm), 1e-3, c.name() + " is L2-normalised");
    }

    private static final Set<String> ENTITY_LABELS = Set.of("PER", "LOC");

    /** Checks a row's entities and returns how many it has. */
    private static int assertEntities(Case c, Row row, String textColumn) {
        assertText(c, row, textColumn);
        int at = row.fieldIndex("entities");
        if (failsAsNull(c, row)) {
            assertTrue(row.isNullAt(at), c.name());
            return 0;
        }
        List<Row> entities = row.getList(at);
        assertNotNull(entities, c.name());
        String text = c.text();
        int previousEnd = 0;
        for (Row e : entities) {
            int start = e.getInt(1);
            int end = e.getInt(2);
            String where = c.name() + " entity " + e;
            assertTrue(ENTITY_LABELS.contains(e.getString(0)), where);
            assertTrue(previousEnd <= start && start < end && end <= text.length(), where);
            assertEquals(text.substring(start, end), e.getString(4), where);
            assertTrue(e.getFloat(3) > 0 && e.getFloat(3) <= 1, where);
            previousEnd = end;
        }
        return entities.size();
    }

    /** Checks a row's replaced-token scores and returns how many tokens it has. */
    private static int assertReplacedTokens(Case c, Row row, String textColumn) {
        assertText(c, row, textColumn);
        int at = row.fieldIndex("tokens");
        if (failsAsNull(c, row)) {
            assertTrue(row.isNullAt(at), c.name());
            return 0;
        }
        List<Row> tokens = row.getList(at);
        int previousEnd = 0;
        for (Row t : tokens) {
            String where = c.name() + " token " + t;
            int start = t.getInt(1);
            int end = t.getInt(2);
            assertTrue(previousEnd <= start && start <= end && end <= c.text().length(), where);
            assertEquals(c.text().substring(start, end), t.getString(0), where);
            assertTrue(t.getFloat(3) >= 0 && t.getFloat(3) <= 1, where);
            previousEnd = end;
        }
        return tokens.size();
    }

    private static int masks(String text) {
        return text.split("\\[MASK]", -1).length - 1;
    }
}
