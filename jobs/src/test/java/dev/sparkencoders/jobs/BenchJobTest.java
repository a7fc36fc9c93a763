package dev.sparkencoders.jobs;

import dev.sparkencoders.jobs.config.ConfigKey;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.TestCorpora;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench job at toy sizes (50 sentences, 2 documents, 1 run, PyTorch only, no peer, Spark, memory or startup
 * parts): it writes the Markdown report and the JSON with every expected section and positive figures. Not a
 * performance test: the figures are only checked to be measured. Skipped where ../shared/data is absent.
 */
class BenchJobTest {

    @TempDir
    Path dir;

    @Test
    void smokeRunWritesMarkdownAndJsonWithPositiveFigures() throws IOException {
        Path stsb = TestCorpora.sharedData().resolve("stsb/sts-dev.csv");
        Path md = dir.resolve("report/BENCHMARKS.md");
        Files.createDirectories(md.getParent());
        Files.writeString(md, "# old\n\n## What helped / what did not\n\n- kept note: batching helped\n\n## Old\n",
                StandardCharsets.UTF_8);

        JobRunner.Outcome outcome = JobRunner.run("bench", "--set", "bench.parts=engine,naive,roofline",
                "--set", "bench.engines=pytorch",
                "--set", "bench.runs=1", "--set", "bench.sentences=50", "--set", "bench.docs=2",
                "--set", "bench.threads=1", "--set", "bench.parallel-tasks=2", "--set", "bench.stsb-path=" + stsb,
                "--set", "bench.output=" + md);

        assertEquals(0, outcome.code(), outcome.stderr());
        String text = Files.readString(md, StandardCharsets.UTF_8);
        for (String section : List.of("## Machine", "## Inputs", "## Targets (issues 14, 15 and 16)", "## 1. Bare engine (no Spark)",
                "## 2. Naive baseline", "## 5. Matmul ceiling",
                "| ONNX Runtime fp32 | MatMul", "| PyTorch fp32 ", "simd flags", "## 6. Peak resident memory",
                "## 7. Share of time spent in tokenization", "## Notes", "## What helped / what did not",
                "./spark-encoders bench", "| all-MiniLM-L6-v2 | short sentences |", "| pytorch |", "512-token docs", "**N/A**")) {
            assertTrue(text.contains(section), "the report has '" + section + "':\n" + text);
        }
        assertTrue(text.contains("- kept note: batching helped"), "the lessons section survives a rerun:\n" + text);
        assertTrue(!text.contains("## Old"), "nothing else of the old report is kept");
        assertTrue(text.contains("No BERT-base figures"), "a missing BERT-base is noted");

        JsonObject json = JsonParser.parseString(Files.readString(md.resolveSibling("bench.json"))).getAsJsonObject();
        JsonObject tables = json.getAsJsonObject("tables");
        for (String table : List.of("engine", "naive", "roofline", "memory", "tokenization")) {
            assertTrue(tables.has(table), "bench.json has table " + table + ": " + tables.keySet());
        }
        // engine: 2 inputs x 2 layouts (1 thread, 2 tasks x 1 thread); naive: short sentences at all cores only
        JsonArray engine = tables.getAsJsonObject("engine").getAsJsonArray("rows");
        assertEquals(4, engine.size(), engine.toString());
        for (JsonElement row : engine) {
            JsonObject metrics = row.getAsJsonObject().getAsJsonObject("metrics");
            for (String metric : List.of("sentences/s", "tokens/s", "GFLOP/s", "% of ceiling", "tokenization %")) {
                assertTrue(metrics.has(metric), "engine row has " + metric + ": " + row + "\n" + json);
                double median = metrics.getAsJsonObject(metric).get("median").getAsDouble();
                assertTrue(median > 0, metric + " is positive: " + row);
            }
        }
        assertTrue(tables.getAsJsonObject("naive").getAsJsonArray("rows").size() >= 1);
        List<String> rooflineEngines = new ArrayList<>();
        for (JsonElement row : tables.getAsJsonObject("roofline").getAsJsonArray("rows")) {
            String engineName = row.getAsJsonObject().get("engine").getAsString();
            rooflineEngines.add(engineName);
            String metric = engineName.endsWith("int8") ? "GOP/s" : "GFLOP/s";
            assertTrue(row.getAsJsonObject().getAsJsonObject("metrics").getAsJsonObject(metric).get("median")
                    .getAsDouble() > 0, "roofline " + metric + " is positive: " + row);
        }
        assertTrue(rooflineEngines.containsAll(List.of("PyTorch fp32", "ONNX Runtime fp32", "ONNX Runtime int8")),
                "the roofline measures every engine and precision: " + rooflineEngines);
        JsonArray targets = json.getAsJsonArray("targets");
        assertEquals(11, targets.size());
        List<String> statuses = new ArrayList<>();
        targets.forEach(t -> statuses.add(t.getAsJsonObject().get("status").getAsString()));
        assertEquals(List.of("N/A", "N/A", "N/A", "PASS|FAIL", "N/A", "N/A", "N/A", "N/A", "N/A", "N/A", "N/A"),
                statuses.stream().map(x -> x.equals("N/A") ? x : "PASS|FAIL").toList(),
                "only the bare engine vs the ceiling can be judged without the peers, BERT-base, Spark, start-up, SQL, memory"
                        + " and cluster parts");
        assertTrue(targets.get(0).getAsJsonObject().get("name").getAsString().endsWith("[pytorch]"));
        assertTrue(json.getAsJsonObject("machine").get("cpu").getAsString().length() > 0);
    }

    @Test
    void refusesAnUnknownPartAndAMissingStsbFileWithOneSentence() {
        JobRunner.Outcome unknown = JobRunner.run("bench", "--set", "bench.parts=engine,gpu");
        assertEquals(2, unknown.code());
        assertTrue(unknown.stderr().contains("Cannot use bench part 'gpu'"), unknown.stderr());

        JobRunner.Outcome missing = JobRunner.run("bench", "--set", "bench.stsb-path=" + dir.resolve("absent.csv"));
        assertEquals(2, missing.code());
        assertTrue(missing.stderr().contains("Cannot run bench: the STS-B dev file"), missing.stderr());

        JobRunner.Outcome engine = JobRunner.run("bench", "--set", "bench.engines=pytorch,tensorflow");
        assertEquals(2, engine.code());
        assertTrue(engine.stderr().contains("Cannot use bench engine 'tensorflow'"), engine.stderr());
    }
}
