package dev.sparkencoders.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one switch, after {@code package} (Failsafe): someone else's Spark application (compiled here against Spark
 * alone, it knows nothing of this project) is spark-submitted with the shaded jar in {@code --jars} and
 * {@code spark.sql.extensions} set to the project's extensions, on a {@code local-cluster} with one executor JVM. Its
 * SQL calls {@code embed} and {@code similarity}; the plan runs them batched, and every row's vector matches
 * langchain4j's all-MiniLM-L6-v2 (an independent ONNX Runtime implementation).
 */
class SqlExtensionIT {

    private static final String QUERY_TEXT = "The battery does not last long.";
    private static final String APP = """
            import org.apache.spark.sql.Dataset;
            import org.apache.spark.sql.Row;
            import org.apache.spark.sql.SparkSession;

            public class ReviewSearch {
                public static void main(String[] args) {
                    SparkSession spark = SparkSession.builder().appName("review-search").getOrCreate();
                    spark.read().text(args[0]).createOrReplaceTempView("reviews");
                    Dataset<Row> scored = spark.sql("SELECT value, embed(value) AS e, embed('%s') AS q,"
                            + " similarity(embed(value), embed('%s')) AS s FROM reviews WHERE length(value) > 0");
                    scored.explain();
                    scored.write().json(args[1]);
                    spark.stop();
                }
            }
            """.formatted(QUERY_TEXT, QUERY_TEXT);

    @TempDir
    Path dir;

    @Test
    void someoneElsesApplicationCallsTheFunctionsBatchedWithOneSetting() throws Exception {
        Path appJar = compile(dir.resolve("app"));
        Path output = dir.resolve("out");
        Path corpus = SparkSubmitProcess.ROOT.resolve("jobs/samples/sample-corpus.txt");
        SparkSubmitProcess.Result result = SparkSubmitProcess.run(dir, List.of("--master", "local-cluster[1,1,2048]",
                "--conf", "spark.ui.enabled=false",
                // what a Spark installation's $SPARK_HOME/jars gives a local-cluster's executors
                "--conf", "spark.executor.extraClassPath=" + SparkSubmitProcess.sparkClassPath(),
                "--conf", "spark.executorEnv.SPARK_SCALA_VERSION=2.13",
                "--conf", "spark.sql.extensions=dev.sparkencoders.spark.sql.SparkEncodersExtensions",
                "--jars", SparkSubmitIT.SHADED_JAR.toString(), "--class", "ReviewSearch", appJar.toString(),
                corpus.toString(), output.toString()));
        assertEquals(0, result.code(), result.stderrTail());
        assertTrue(result.stdout().contains("BatchedCalls [embed(value"), "the plan batches the calls:\n"
                + result.stdout());

        List<String> lines = Files.readAllLines(corpus);
        List<JsonObject> rows = JobRunner.jsonRows(output);
        assertEquals(lines.size(), rows.size(), "every review once");
        Map<String, JsonObject> byText = new HashMap<>();
        rows.forEach(r -> byText.put(r.get("value").getAsString(), r));
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        float[] query = reference.embed(QUERY_TEXT).content().vector();
        double worst = 1;
        for (int i = 0; i < lines.size(); i += 7) {
            JsonObject row = byText.get(lines.get(i));
            assertNotNull(row, lines.get(i));
            float[] expected = reference.embed(lines.get(i)).content().vector();
            worst = Math.min(worst, EvaluateStsTest.cosine(expected, floats(row.getAsJsonArray("e"))));
            assertEquals(EvaluateStsTest.cosine(query, expected), row.get("s").getAsDouble(), 1e-4, lines.get(i));
        }
        assertTrue(worst >= 0.9999, "lowest cosine to langchain4j: " + worst);
        assertTrue(EvaluateStsTest.cosine(query, floats(rows.get(0).getAsJsonArray("q"))) >= 0.9999);
    }

    /** Compiles {@link #APP} against Spark's class path into a jar. */
    private static Path compile(Path folder) throws IOException {
        Path source = folder.resolve("ReviewSearch.java");
        Files.createDirectories(folder);
        Files.writeString(source, APP);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int code = javac.run(null, null, null, "-classpath", SparkSubmitProcess.sparkClassPath(), "-d",
                folder.toString(), source.toString());
        assertEquals(0, code, "the application compiles against Spark alone");
        Path jar = folder.resolve("review-search.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            zip.putNextEntry(new JarEntry("ReviewSearch.class"));
            zip.write(Files.readAllBytes(folder.resolve("ReviewSearch.class")));
            zip.closeEntry();
        }
        return jar;
    }

    private static float[] floats(JsonArray values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).getAsFloat();
        }
        return out;
    }
}
