package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.sparkencoders.TestCorpora;
import dev.sparkencoders.encoder.CpuFlags;
import dev.sparkencoders.jobs.evaluate.ChartsAndMetricsTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code evaluate.task=sts} on the STS Benchmark dev split with the bundled all-MiniLM-L6-v2: the Spearman
 * correlation the job reports against one computed here, independently, from langchain4j's reference embeddings
 * (ONNX Runtime) of the same sentences, with this test's own file parsing and rank correlation.
 */
class EvaluateStsTest {

    @TempDir
    Path dir;

    /**
     * DJL's ONNX Runtime engine creates the JVM's OrtEnvironment with its own thread settings and fails when one
     * already exists, so it must start before langchain4j's reference model (which creates a plain one) runs here.
     */
    @BeforeAll
    static void startDjlsOnnxRuntimeFirst() {
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
    }

    @Test
    void spearmanMatchesTheOneFromLangchain4jReferenceEmbeddings() throws Exception {
        Path data = stsDev();
        Path output = dir.resolve("sts");
        JobRunner.Outcome outcome = JobRunner.run("evaluate", "--set", "evaluate.task=sts", "--set", "evaluate.data-path=" + data,
                "--set", "output.path=" + output, "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());
        JsonObject report = JsonParser.parseString(Files.readString(output.resolve("report.json"))).getAsJsonObject();

        double[] expected = referenceCorrelations(data);
        double expectedSpearman = expected[0];
        double expectedPearson = expected[1];

        System.out.printf("STS-B dev: job Spearman %.4f Pearson %.4f, langchain4j reference Spearman %.4f Pearson %.4f%n",
                report.get("spearman").getAsDouble(), report.get("pearson").getAsDouble(), expectedSpearman,
                expectedPearson);
        assertEquals(1500, report.get("pairs").getAsLong());
        assertEquals(0, report.get("pairs_skipped").getAsLong(), "lines with extra trailing fields are read");
        assertEquals(0, report.get("pairs_failed").getAsLong());
        assertEquals(expectedSpearman, report.get("spearman").getAsDouble(), 0.05,
                "Spearman x100 of the job vs langchain4j reference embeddings");
        assertEquals(expectedPearson, report.get("pearson").getAsDouble(), 0.05);
        assertTrue(expectedSpearman > 80, "all-MiniLM-L6-v2 is a strong STS model: " + expectedSpearman);
        assertEquals(sha256(data), report.getAsJsonObject("data").getAsJsonObject("sha256").entrySet().iterator()
                .next().getValue().getAsString());
        assertEquals("sentence-transformers/all-MiniLM-L6-v2", report.get("model").getAsString());
        ChartsAndMetricsTest.assertPng(Files.readAllBytes(output.resolve("sts-scatter.png")));
    }

    /**
     * Spearman and Pearson (x100) of langchain4j's reference embeddings (ONNX Runtime, fp32) on the STS-B file, read
     * independently: tab-separated, no quoting, first seven fields (22 lines carry more).
     */
    static double[] referenceCorrelations(Path data) throws IOException {
        List<double[]> gold = new ArrayList<>();
        List<String[]> pairs = new ArrayList<>();
        for (String line : Files.readAllLines(data, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            gold.add(new double[] {Double.parseDouble(f[4])});
            pairs.add(new String[] {f[5], f[6]});
        }
        assertEquals(1500, pairs.size());
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        Map<String, float[]> vectors = new HashMap<>();
        double[] cosine = new double[pairs.size()];
        double[] score = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            float[] a = vectors.computeIfAbsent(pairs.get(i)[0], s -> reference.embed(s).content().vector());
            float[] b = vectors.computeIfAbsent(pairs.get(i)[1], s -> reference.embed(s).content().vector());
            cosine[i] = cosine(a, b);
            score[i] = gold.get(i)[0];
        }
        return new double[] {100 * pearson(ranks(cosine), ranks(score)), 100 * pearson(cosine, score)};
    }

    /**
     * model.precision=int8: the job's Spearman stays within 0.1 of the fp32 reference's (langchain4j, computed here),
     * and the report names the precision.
     */
    @Test
    void int8StaysWithinATenthOfTheFp32Spearman() throws Exception {
        staysWithinATenthOfTheFp32Spearman(stsDev(), "int8");
    }

    /**
     * model.precision=bf16 (model.engine auto runs it on PyTorch, matrix products on bf16 inputs): the job's
     * Spearman stays within 0.1 of the fp32 reference's, differs from it (the products really ran at bf16), and the
     * report names the precision. Skipped on CPUs without bf16 dot products, where the precision is refused.
     */
    @Test
    void bf16StaysWithinATenthOfTheFp32Spearman() throws Exception {
        Path data = stsDev();
        Assumptions.assumeTrue(CpuFlags.ofThisMachine().bf16(),
                "Skipped: this CPU has no avx512_bf16 or amx_bf16, so model.precision=bf16 is refused here");
        staysWithinATenthOfTheFp32Spearman(data, "bf16");
    }

    /**
     * Runs the evaluate job at {@code precision} and checks its Spearman is within 0.1 of the fp32 reference's but not
     * equal to it, and that the report names the precision.
     */
    private void staysWithinATenthOfTheFp32Spearman(Path data, String precision) throws Exception {
        Path output = dir.resolve("sts-" + precision);
        JobRunner.Outcome outcome = JobRunner.run("evaluate", "--set", "evaluate.task=sts", "--set",
                "evaluate.data-path=" + data, "--set", "output.path=" + output, "--set", "model.precision=" + precision,
                "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());
        JsonObject report = JsonParser.parseString(Files.readString(output.resolve("report.json"))).getAsJsonObject();
        double expectedSpearman = referenceCorrelations(data)[0];
        double spearman = report.get("spearman").getAsDouble();
        System.out.printf("STS-B dev at %s: job Spearman %.4f, fp32 reference %.4f%n", precision, spearman,
                expectedSpearman);
        assertEquals(precision, report.get("precision").getAsString());
        assertEquals(expectedSpearman, spearman, 0.1, precision + " Spearman x100 vs the fp32 reference");
        assertTrue(Math.abs(spearman - expectedSpearman) > 1e-6, precision + " gave exactly the fp32 Spearman: the"
                + " reduced precision did not run");
    }

    static Path stsDev() {
        Path data = TestCorpora.sharedData().resolve("stsb/sts-dev.csv");
        Assumptions.assumeTrue(Files.isRegularFile(data), "Skipped: " + data + " is absent");
        return data;
    }

    /** Ranks from 1, ties sharing their average rank (as Spearman's coefficient requires). */
    static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double[] ranks = new double[values.length];
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double average = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = average;
            }
            i = j + 1;
        }
        return ranks;
    }

    static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
            na += a[i] * (double) a[i];
            nb += b[i] * (double) b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
