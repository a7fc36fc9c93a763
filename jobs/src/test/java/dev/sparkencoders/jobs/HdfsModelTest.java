package dev.sparkencoders.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.sparkencoders.importer.BundledModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models on a real HDFS (a NameNode and a DataNode started in this JVM, bound to 127.0.0.1): the embed job on two
 * executor JVMs ({@code local-cluster[2,1,2048]}) with {@code model.path=hdfs://...} writes the same vectors as with
 * the local copy of the model; the executors, whose model cache is a folder of their own, copy the model from HDFS
 * into it (they never read the driver's disk), and a pinned {@code model.sha256} of other weights is refused.
 */
class HdfsModelTest {

    private static final int ROWS = 400;

    @TempDir
    static Path dir;

    static MiniDFSCluster hdfs;
    static String modelUri;

    @BeforeAll
    static void startHdfsWithTheBundledModel() throws IOException {
        Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
        Configuration conf = new Configuration();
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.set("dfs.datanode.hostname", "127.0.0.1");
        hdfs = new MiniDFSCluster.Builder(conf, dir.resolve("hdfs").toFile()).numDataNodes(1).build();
        hdfs.waitActive();
        FileSystem fs = hdfs.getFileSystem();
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path("/models/minilm");
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(BundledModel.path().toUri()), target);
        modelUri = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/models/minilm";
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    @Test
    void executorsEmbedWithTheModelCopiedFromHdfs() throws IOException {
        Path input = dir.resolve("sentences.txt");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
            text.append("sentence ").append(i).append(" about ").append(i % 7 == 0 ? "rivers" : "mountains").append('\n');
        }
        Files.writeString(input, text);
        Path executorCache = dir.resolve("executor-cache");

        Path fromHdfs = dir.resolve("out-hdfs");
        JobRunner.Outcome outcome = JobRunner.run("embed", "--set", "input.path=" + input,
                "--set", "output.path=" + fromHdfs, "--set", "output.format=json",
                "--set", "model.path=" + modelUri,
                "--set", "spark.master=local-cluster[2,1,2048]", "--set", "spark.ui.enabled=false",
                "--set", "spark.executorEnv.SPARK_ENCODERS_CACHE=" + executorCache,
                "--set", "spark.sql.files.maxPartitionBytes=1024",
                "--set", "spark.scheduler.minRegisteredResourcesRatio=1.0");
        assertEquals(0, outcome.code(), outcome.stderr());

        Path local = dir.resolve("out-local");
        JobRunner.Outcome reference = JobRunner.run("embed", "--set", "input.path=" + input,
                "--set", "output.path=" + local, "--set", "output.format=json",
                "--set", "model.path=" + BundledModel.path(), "--set", "spark.ui.enabled=false");
        assertEquals(0, reference.code(), reference.stderr());

        Map<String, JsonArray> expected = new HashMap<>();
        for (JsonObject row : JobRunner.jsonRows(local)) {
            expected.put(row.get("value").getAsString(), row.getAsJsonArray("embedding"));
        }
        List<JsonObject> rows = JobRunner.jsonRows(fromHdfs);
        assertEquals(ROWS, rows.size());
        for (JsonObject row : rows) {
            JsonArray want = expected.get(row.get("value").getAsString());
            JsonArray got = row.getAsJsonArray("embedding");
            assertNotNull(got, row.toString());
            assertEquals(want.size(), got.size());
            for (int i = 0; i < want.size(); i++) {
                assertEquals(want.get(i).getAsFloat(), got.get(i).getAsFloat(), 1e-6f, row.get("value").getAsString());
            }
        }
        JsonObject report = JobRunner.report(fromHdfs);
        assertEquals(2, report.get("model_loads").getAsLong(), report.toString());
        assertEquals(modelUri, report.get("model").getAsString(), report.toString());

        Path copies = executorCache.resolve("remote-models");
        try (Stream<Path> entries = Files.list(copies)) {
            List<Path> models = entries.filter(p -> Files.exists(p.resolve(".complete"))).toList();
            assertEquals(1, models.size(), "one copy on this machine, shared by both executors: " + models);
            assertEquals(Files.size(BundledModel.path().resolve("model.safetensors")),
                    Files.size(models.get(0).resolve("model.safetensors")));
        }
    }

    @Test
    void pinnedWeightsOtherThanTheModelsAreRefused() {
        JobRunner.Outcome outcome = JobRunner.run("embed", "--set", "input.path=" + dir,
                "--set", "output.path=" + dir.resolve("refused"), "--set", "model.path=" + modelUri,
                "--set", "model.sha256=" + "0".repeat(64));
        assertEquals(2, outcome.code(), outcome.stderr());
        String refusal = JobRunner.refusal(outcome.stderr(), "embed");
        assertTrue(refusal.contains("not the pinned " + "0".repeat(64)), refusal);
        assertTrue(!Files.exists(dir.resolve("refused")), "no output for a refused model");
    }

    @Test
    void anUnreachableModelPathIsNamedInOneSentence() {
        String absent = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/models/absent";
        JobRunner.Outcome outcome = JobRunner.run("embed", "--set", "input.path=" + dir,
                "--set", "output.path=" + dir.resolve("absent-out"), "--set", "model.path=" + absent);
        assertEquals(2, outcome.code(), outcome.stderr());
        String refusal = JobRunner.refusal(outcome.stderr(), "embed");
        assertTrue(refusal.contains(absent), refusal);
    }
}
