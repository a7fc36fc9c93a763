package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.Head;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Nightly runs into real Iceberg and Delta tables (a local Hadoop-catalog warehouse, as the embedded default): a
 * second run over the same ids plus new ones encodes only the new and changed rows and MERGEs them; a run killed
 * after some commits is finished by running the same command again, with every id once and fewer rows encoded than
 * a full run; a table written with other model weights is refused.
 */
class TableOutputTest {

    static final int ROWS = 2000;
    static final Pattern ENCODED = Pattern.compile("; (\\d+) encoded, (\\d+) unchanged");

    @TempDir
    Path dir;

    @Test
    void aSecondIcebergRunEncodesOnlyTheNewAndChangedRows() throws IOException {
        assertIncremental("iceberg", "local.nightly.embeddings");
    }

    @Test
    void aSecondDeltaRunEncodesOnlyTheNewAndChangedRows() throws IOException {
        assertIncremental("delta", "nightly.embeddings");
    }

    @ParameterizedTest
    @CsvSource({"iceberg, local.nightly.embeddings", "delta, nightly.embeddings"})
    void aKilledRunIsFinishedByTheSameCommand(String format, String table) throws Exception {
        Path corpus = dir.resolve("corpus.jsonl");
        IdCorpus.write(corpus, ROWS);
        Path warehouse = dir.resolve("warehouse");
        List<String> args = embed(corpus, warehouse, format, table);
        args.addAll(List.of("--set", "output.commit-rows=250"));

        killAfterCommits(args, warehouse.resolve("nightly/embeddings"), 2);
        long kept = table(warehouse, format, table).size();
        assertTrue(kept > 0 && kept < ROWS, "the killed run committed part of the rows: " + kept);

        JobRunner.Outcome rerun = JobRunner.run(args.toArray(String[]::new));
        assertEquals(0, rerun.code(), rerun.stderr());
        long[] counts = encodedAndUnchanged(rerun.stderr());
        assertEquals(kept, counts[1], "what the killed run committed is kept");
        assertEquals(ROWS - kept, counts[0], "only the rest is encoded");
        IdCorpus.assertEveryIdOnce(table(warehouse, format, table), ROWS);
    }

    @Test
    void aTableOfOtherModelWeightsIsRefusedUnlessReplaced() throws IOException {
        Path corpus = dir.resolve("corpus.jsonl");
        IdCorpus.write(corpus, 20);
        Path warehouse = dir.resolve("warehouse");
        List<String> first = embed(corpus, warehouse, "iceberg", "local.nightly.embeddings");
        JobRunner.Outcome created = JobRunner.run(first.toArray(String[]::new));
        assertEquals(0, created.code(), created.stderr());

        Path other = dir.resolve("other-model");
        SyntheticCheckpoint.write(other, Family.BERT, Head.BASE, 7);
        List<String> second = new ArrayList<>(first);
        second.addAll(List.of("--set", "model.path=" + other));
        JobRunner.Outcome refused = JobRunner.run(second.toArray(String[]::new));
        assertEquals(2, refused.code(), refused.stderr());
        assertTrue(refused.stderr().contains("Cannot write table local.nightly.embeddings: it holds results of model"
                + " sentence-transformers/all-MiniLM-L6-v2 (weights "), refused.stderr());
        assertTrue(refused.stderr().contains("set output.model-change=replace to re-encode every row"), refused.stderr());

        second.addAll(List.of("--set", "output.model-change=replace"));
        JobRunner.Outcome replaced = JobRunner.run(second.toArray(String[]::new));
        assertEquals(0, replaced.code(), replaced.stderr());
        List<JsonObject> rows = table(warehouse, "iceberg", "local.nightly.embeddings");
        assertEquals(20, rows.size());
        assertEquals(32, rows.get(0).getAsJsonArray("embedding").size(), "the synthetic model's vectors");
    }

    @Test
    void incrementalRunsNeedATableAndAnId() throws IOException {
        Path corpus = dir.resolve("corpus.jsonl");
        IdCorpus.write(corpus, 3);
        JobRunner.Outcome folder = JobRunner.run("embed", "--set", "input.path=" + corpus, "--set", "input.format=json",
                "--set", "input.text-col=text", "--set", "output.path=" + dir.resolve("out"),
                "--set", "output.mode=incremental");
        assertEquals(2, folder.code(), folder.stderr());
        assertTrue(folder.stderr().contains("Cannot use output.mode=incremental with output.path: an incremental run"
                + " merges into a table (set output.table, with input.id-col)"), folder.stderr());
        JobRunner.Outcome noId = JobRunner.run("embed", "--set", "input.path=" + corpus, "--set", "input.format=json",
                "--set", "input.text-col=text", "--set", "output.table=local.nightly.embeddings",
                "--set", "output.warehouse=" + dir.resolve("warehouse"), "--set", "output.mode=incremental");
        assertEquals(2, noId.code(), noId.stderr());
        assertTrue(noId.stderr().contains("Cannot run output.mode=incremental: it needs input.id-col"), noId.stderr());
    }

    private void assertIncremental(String format, String table) throws IOException {
        Path warehouse = dir.resolve("warehouse");
        Path first = dir.resolve("night1.jsonl");
        IdCorpus.write(first, ROWS);
        JobRunner.Outcome night1 = JobRunner.run(embed(first, warehouse, format, table).toArray(String[]::new));
        assertEquals(0, night1.code(), night1.stderr());
        IdCorpus.assertEveryIdOnce(table(warehouse, format, table), ROWS);

        // The next night: the same 2,000 ids, one with a new text, and 200 new ids.
        Path second = dir.resolve("night2.jsonl");
        IdCorpus.write(second, ROWS + 200);
        List<String> lines = new ArrayList<>(Files.readAllLines(second));
        JsonObject changed = JsonParser.parseString(lines.get(7)).getAsJsonObject();
        changed.addProperty("text", "a sentence written on the second night");
        lines.set(7, changed.toString());
        Files.write(second, lines);
        JobRunner.Outcome night2 = JobRunner.run(embed(second, warehouse, format, table).toArray(String[]::new));
        assertEquals(0, night2.code(), night2.stderr());
        long[] counts = encodedAndUnchanged(night2.stderr());
        assertEquals(201, counts[0], "200 new rows and the changed one are encoded");
        assertEquals(ROWS - 1, counts[1]);

        List<JsonObject> rows = table(warehouse, format, table);
        assertEquals(ROWS + 200, rows.size(), "one row per id");
        JsonObject seventh = rows.stream().filter(r -> r.get("id").getAsInt() == 7).findFirst().orElseThrow();
        assertEquals("a sentence written on the second night", seventh.get("text").getAsString());
        rows.removeIf(r -> r.get("id").getAsInt() == 7);
        rows.forEach(r -> assertEquals(384, r.getAsJsonArray("embedding").size(), r.toString()));
        assertEquals(ROWS + 199, rows.stream().map(r -> r.get("id").getAsInt()).distinct().count());
    }

    private static List<String> embed(Path corpus, Path warehouse, String format, String table) {
        List<String> args = new ArrayList<>(List.of("embed", "--set", "output.table=" + table,
                "--set", "output.table-format=" + format, "--set", "output.warehouse=" + warehouse,
                "--set", "output.mode=incremental", "--set", "spark.master=local[2]",
                "--set", "spark.ui.enabled=false"));
        args.addAll(IdCorpus.inputArgs(corpus));
        return args;
    }

    private static long[] encodedAndUnchanged(String stderr) {
        Matcher m = ENCODED.matcher(stderr);
        assertTrue(m.find(), "the summary line counts encoded and unchanged rows:\n" + stderr);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    /** The table's rows as JSON, read by a SparkSession of the test's own (stopped before the next job runs). */
    private static List<JsonObject> table(Path warehouse, String format, String table) {
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
                .config("spark.sql.catalog.local", "org.apache.iceberg.spark.SparkCatalog")
                .config("spark.sql.catalog.local.type", "hadoop")
                .config("spark.sql.catalog.local.warehouse", warehouse.toString())
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .getOrCreate();
        try {
            var rows = format.equals("delta")
                    ? spark.read().format("delta").load(warehouse.resolve(table.replace('.', '/')).toString())
                    : spark.table(table);
            List<JsonObject> out = new ArrayList<>();
            for (Row row : rows.drop("input_sha256").collectAsList()) {
                out.add(JsonParser.parseString(row.json()).getAsJsonObject());
            }
            return out;
        } finally {
            spark.stop();
        }
    }

    /** Runs the job in a child JVM and kills it with SIGKILL once the table has {@code commits} commits. */
    private void killAfterCommits(List<String> jobArgs, Path tableDir, int commits) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("--add-") || option.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                    || option.startsWith("-D")) {
                command.add(option);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(jobArgs);
        Path log = dir.resolve("killed-run.log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (commits(tableDir) < commits) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    fail("the job " + (child.isAlive() ? "made no " + commits + " commits in time"
                            : "ended (exit " + child.exitValue() + ") before it could be killed") + ":\n"
                            + Files.readString(log));
                }
                Thread.sleep(50);
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
    }

    /**
     * Commits of the table in {@code tableDir}: Iceberg's Hadoop catalog writes one {@code metadata/v<N>.metadata.json}
     * per commit, Delta one {@code _delta_log/<N>.json}.
     */
    private static long commits(Path tableDir) throws IOException {
        long commits = 0;
        for (String log : List.of("metadata", "_delta_log")) {
            if (Files.isDirectory(tableDir.resolve(log))) {
                try (Stream<Path> files = Files.list(tableDir.resolve(log))) {
                    commits += files.map(p -> p.getFileName().toString())
                            .filter(n -> n.matches("v\\d+\\.metadata\\.json") || n.matches("\\d{20}\\.json")).count();
                }
            }
        }
        return commits;
    }
}
