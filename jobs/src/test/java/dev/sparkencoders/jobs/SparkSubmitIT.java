package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's spark-submit command against the shaded jar, after {@code package} (Failsafe): spark-submit's main
 * class in a fresh JVM whose class path is what a Spark installation provides (Spark and its dependencies, written
 * by the build to {@code target/it/spark-classpath.txt}) and nothing of this project. The master is a
 * {@code local-cluster} with one executor JVM, so the executor runs the job from the jar spark-submit ships to it.
 */
class SparkSubmitIT {

    static final Path ROOT = JobRunner.projectRoot();
    static final Path SHADED_JAR = ROOT.resolve("jobs/target/spark-encoders-jobs-all.jar");

    @TempDir
    Path dir;

    @Test
    void readmeSparkSubmitCommandEmbedsTheSampleCorpusOnAnExecutor() throws Exception {
        Path output = dir.resolve("out");
        // the README's command: spark-submit --class dev.sparkencoders.jobs.Main <jar> embed --config conf/embed.conf
        SparkSubmitProcess.Result result = SparkSubmitProcess.run(dir, List.of("--master", "local-cluster[1,1,2048]",
                "--conf", "spark.ui.enabled=false", "--class", "dev.sparkencoders.jobs.Main", SHADED_JAR.toString(),
                "embed", "--config", "conf/embed.conf", "--set", "output.path=" + output,
                "--set", "output.format=json"));
        String stderr = result.stderr();
        assertEquals(0, result.code(), result.stderrTail());
        Path sparkHome = result.sparkHome().resolve("jars");
        assertTrue(stderr.contains("running on spark-submit's master local-cluster[1,1,2048]; spark.master=local[*] "
                + "from the job configuration applies to the launcher only"), result.stderrTail());

        List<String> corpus = Files.readAllLines(ROOT.resolve("jobs/samples/sample-corpus.txt"));
        List<JsonObject> rows = JobRunner.jsonRows(output);
        assertEquals(corpus.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(corpus.get(i), rows.get(i).get("value").getAsString());
            assertEquals(384, rows.get(i).getAsJsonArray("embedding").size());
            assertFalse(rows.get(i).has("error"), rows.get(i).toString());
        }
        JsonObject report = JobRunner.report(output);
        assertEquals(corpus.size(), report.get("rows_in").getAsLong());
        assertEquals(corpus.size(), report.get("rows_out").getAsLong());
        assertEquals(1, report.get("model_loads").getAsLong(), "the one executor loaded the model: " + report);
        assertEquals("local-cluster[1,1,2048]", report.get("master").getAsString(), "the master the job ran on");

        // the executor ran from the shaded jar spark-submit shipped to it: its class path holds Spark only
        try (Stream<Path> files = Files.walk(sparkHome.getParent().resolve("work"))) {
            List<Path> stderrs = files.filter(p -> p.getFileName().toString().equals("stderr")).toList();
            assertEquals(1, stderrs.size(), "one executor");
            String executorLog = Files.readString(stderrs.get(0), StandardCharsets.ISO_8859_1);
            String executorCommand = executorLog.lines().findFirst().orElse("");
            assertTrue(executorCommand.startsWith("Spark Executor Command: "), executorCommand);
            assertFalse(executorCommand.contains("spark-encoders-"), executorCommand);
            assertFalse(executorCommand.contains("ai/djl"), executorCommand);
            assertTrue(executorCommand.contains("\"-Dai.djl.offline=true\""), executorCommand);
            assertTrue(executorLog.contains("spark-encoders-jobs-all.jar"), "the executor fetched the shaded jar");
        }
    }

    @Test
    void shadedJarHoldsNeitherSparkNorTestOnlyJarsNorOtherPlatformsNatives() throws IOException {
        long size = Files.size(SHADED_JAR);
        System.err.printf("%s: %.1f MB%n", SHADED_JAR.getFileName(), size / 1e6);
        List<String> entries;
        try (ZipFile jar = new ZipFile(SHADED_JAR.toFile())) {
            entries = jar.stream().map(ZipEntry::getName).toList();
        }
        for (String needed : List.of("dev/sparkencoders/jobs/Main.class", "dev/sparkencoders/runtime/ModelCache.class",
                "ai/djl/pytorch/engine/PtEngine.class", "pytorch/cpu/linux-x86_64/libtorch_cpu.so",
                "jnilib/linux-x86_64/cpu/libdjl_torch.so", "native/lib/linux-x86_64/cpu/libtokenizers.so",
                "ai/onnxruntime/native/linux-x64/libonnxruntime.so", "ai/djl/onnxruntime/engine/OrtEngine.class",
                "com/sun/jna/linux-x86-64/libjnidispatch.so", "all-minilm-l6-v2.onnx",
                "all-minilm-l6-v2-tokenizer.json")) {
            assertTrue(entries.contains(needed), needed);
        }
        for (String prefix : List.of("org/apache/spark/", "scala/", "org/apache/hadoop/",
                "ai/onnxruntime/native/osx-", "ai/onnxruntime/native/win-", "ai/onnxruntime/native/linux-aarch64/",
                "org/junit/", "com/robrua/", "jnilib/osx-", "jnilib/win-", "jnilib/linux-aarch64/",
                "jnilib/linux-x86_64/cu", "native/lib/osx-", "native/lib/win-", "com/sun/jna/win32-x86-64/",
                "com/sun/jna/darwin-")) {
            assertFalse(entries.stream().anyMatch(e -> e.startsWith(prefix)), prefix + " is not in the shaded jar");
        }
        // libtorch (111 MB compressed), the bundled model's ONNX file (83 MB) and ONNX Runtime (about 8 MB) are most of it
        assertTrue(size < 230_000_000L, "the shaded jar grew to " + size + " bytes");
    }
}
