package dev.sparkencoders.jobs;

import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A partitioned nightly output: a rerun replaces its own partition and leaves the others as they were. */
class NightlyRunTest {

    @TempDir
    Path dir;

    @Test
    void aRerunReplacesItsPartitionOnly() throws IOException {
        Path output = dir.resolve("nightly");
        run(List.of("first day one", "first day two", "first day three"), "2026-11-21", output);
        run(List.of("second day one", "second day two"), "2026-11-22", output);
        Map<Path, FileTime> secondDay = modificationTimes(output.resolve("run_date=2026-11-22"));
        run(List.of("rerun one", "rerun two", "rerun three", "rerun four"), "2026-11-21", output);

        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
        try {
            Dataset<Row> all = spark.read().parquet(output.toString());
            Map<String, List<String>> byDay = new TreeMap<>();
            for (Row row : all.select("run_date", "value").collectAsList()) {
                byDay.computeIfAbsent(row.get(0).toString(), k -> new java.util.ArrayList<>()).add(row.getString(1));
            }
            assertEquals(List.of("rerun four", "rerun one", "rerun three", "rerun two"),
                    byDay.get("2026-11-21").stream().sorted().toList());
            assertEquals(List.of("second day one", "second day two"), byDay.get("2026-11-22").stream().sorted().toList());
            assertEquals(secondDay, modificationTimes(output.resolve("run_date=2026-11-22")), "untouched files");

            assertTrue(all.schema().apply("embedding").dataType() instanceof VectorUDT, "output.vector-type=vector");
            var metadata = all.schema().apply("embedding").metadata();
            assertEquals("sentence-transformers/all-MiniLM-L6-v2", metadata.getString("spark_encoders.model"));
            assertEquals(64, metadata.getString("spark_encoders.weights_sha256").length());
        } finally {
            spark.stop();
        }
    }

    private void run(List<String> lines, String day, Path output) throws IOException {
        Path input = dir.resolve("in-" + day + "-" + lines.size() + ".txt");
        Files.write(input, lines);
        JobRunner.Outcome outcome = JobRunner.run("embed", "--set", "input.path=" + input, "--set", "output.path=" + output,
                "--set", "output.mode=overwrite", "--set", "output.partition-by=run_date",
                "--set", "output.partition-value=" + day, "--set", "output.vector-type=vector",
                "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());
        var report = JobRunner.report(output);
        assertEquals(lines.size(), report.get("rows_out").getAsLong(), "the report counts this run's partition");
    }

    private static Map<Path, FileTime> modificationTimes(Path partition) throws IOException {
        try (Stream<Path> files = Files.list(partition)) {
            return files.collect(Collectors.toMap(p -> p.getFileName(), p -> {
                try {
                    return Files.getLastModifiedTime(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
    }
}
