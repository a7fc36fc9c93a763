package dev.sparkencoders.jobs.io;

import dev.sparkencoders.jobs.config.CommandLine;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the job adds to the Spark configuration for executors, checked without starting Spark. */
class SparkSessionsTest {

    @TempDir
    Path dir;

    private static JobConfig config(String... sets) {
        List<String> args = new ArrayList<>(List.of("embed"));
        for (String set : sets) {
            args.add("--set");
            args.add(set);
        }
        return JobConfig.resolve(CommandLine.parse(args.toArray(String[]::new)));
    }

    private static SparkConf conf(JobConfig config, Map<String, String> env) {
        return SparkSessions.conf("embed", config, new SparkConf(false), env);
    }

    @Test
    void executorsRunOfflineWithOnePyTorchThreadPerTaskCpu() {
        SparkConf conf = conf(config(), Map.of());
        assertEquals("local[*]", conf.get("spark.master"));
        assertEquals("-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Xmn256m",
                conf.get("spark.executor.extraJavaOptions"), "a quarter of the default 1g executor heap");
        assertEquals("true", conf.get("spark.executorEnv.DJL_OFFLINE"));
        assertEquals("1", conf.get("spark.executorEnv.OMP_NUM_THREADS"));
        assertEquals("131072", conf.get("spark.executorEnv.MALLOC_MMAP_THRESHOLD_"));

        conf = conf(config("spark.task.cpus=4", "spark.executor.cores=8", "spark.executor.extraJavaOptions=-Dx=1",
                "spark.executor.memory=8g"), Map.of());
        assertEquals("-Dx=1 -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=4 -Xmn2048m",
                conf.get("spark.executor.extraJavaOptions"));
        assertEquals("4", conf.get("spark.executorEnv.OMP_NUM_THREADS"));
    }

    @Test
    void keepsTheUsersOwnThreadOfflineAndYoungGenerationOptions() {
        SparkConf conf = conf(config("spark.executor.extraJavaOptions=-Dai.djl.pytorch.num_threads=3 -Dai.djl.offline=true"),
                Map.of());
        assertEquals("-Dai.djl.pytorch.num_threads=3 -Dai.djl.offline=true -Xmn256m",
                conf.get("spark.executor.extraJavaOptions"));
        for (String young : List.of("-Xmn512m", "-XX:MaxNewSize=300m", "-XX:NewRatio=3")) {
            conf = conf(config("spark.executor.extraJavaOptions=" + young), Map.of());
            assertEquals(young + " -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1",
                    conf.get("spark.executor.extraJavaOptions"), "the user's own young generation sizing wins");
        }
        conf = conf(config("spark.executorEnv.OMP_NUM_THREADS=2"), Map.of());
        assertEquals("2", conf.get("spark.executorEnv.OMP_NUM_THREADS"));
    }

    @Test
    void localClusterGetsTheDriversClassPathAndScalaVersion() throws IOException {
        Files.createDirectories(dir.resolve("jars"));
        SparkConf conf = conf(config("spark.master=local-cluster[2,1,1024]"), Map.of("SPARK_HOME", dir.toString()));
        String classPath = conf.get("spark.executor.extraClassPath");
        assertEquals(SparkSessions.absolute(System.getProperty("java.class.path")), classPath);
        for (String entry : classPath.split(File.pathSeparator)) {
            assertTrue(Path.of(entry.replace("*", "")).isAbsolute(), entry);
        }
        assertEquals("2.13", conf.get("spark.executorEnv.SPARK_SCALA_VERSION"));

        conf = conf(config("spark.master=local-cluster[2,1,1024]", "spark.executor.extraClassPath=/opt/x.jar"),
                Map.of("SPARK_HOME", dir.toString()));
        assertEquals("/opt/x.jar", conf.get("spark.executor.extraClassPath"));

        assertFalse(conf(config("spark.master=local[2]"), Map.of()).contains("spark.executor.extraClassPath"));
    }

    @Test
    void localClusterWithoutASparkHomeJarsFolderIsRefusedWithOneSentence() {
        JobConfigException e = assertThrows(JobConfigException.class,
                () -> conf(config("spark.master=local-cluster[2,1,1024]"), Map.of("SPARK_HOME", dir.toString())));
        assertTrue(e.getMessage().startsWith("Cannot start spark.master=local-cluster[2,1,1024]: Spark's local-cluster "
                + "mode starts executors from $SPARK_HOME/jars and " + dir + "/jars does not exist"), e.getMessage());
    }

    @Test
    void sparkSubmitsMasterWinsOverTheJobConfiguration() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        SparkConf conf;
        try {
            conf = SparkSessions.conf("embed", config("spark.executor.memory=3g"),
                    new SparkConf(false).set("spark.master", "yarn"), Map.of());
        } finally {
            System.setErr(original);
        }
        assertEquals("yarn", conf.get("spark.master"));
        assertEquals("3g", conf.get("spark.executor.memory"));
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains("running on spark-submit's master yarn; "
                + "spark.master=local[*] from the job configuration applies to the launcher only"));
    }

    @Test
    void classPathEntriesAreMadeAbsolute() {
        String cwd = Path.of("").toAbsolutePath().toString();
        assertEquals(cwd + "/a.jar:/b/c.jar:" + cwd + "/lib/*",
                SparkSessions.absolute("a.jar:/b/c.jar::lib/*"));
    }
}
