package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.importer.BundledModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The embed job on a real multi-process Spark standalone cluster, with its model and its input on a real HDFS:
 * <ul>
 *   <li>HDFS (a NameNode and a DataNode in this JVM) holds the bundled model under {@code /models/minilm} and a
 *       text file of {@value #LINES} numbered sentences;</li>
 *   <li>Spark's standalone Master and two Workers run as separate JVMs started from Spark's own classes, from a
 *       {@code SPARK_HOME} whose {@code jars/} links the jars a Spark installation provides (and nothing of this
 *       project), every address on 127.0.0.1;</li>
 *   <li>the shaded jar is submitted with spark-submit (a JVM of its own on that class path) to
 *       {@code spark://127.0.0.1:<port>} with {@code model.path}, {@code input.path} and {@code output.path} on
 *       HDFS.</li>
 * </ul>
 * It proves that in client and in cluster deploy mode every input line comes out exactly once, that each of the two
 * executors loads the model once ({@code model_loads} = {@code executors} = 2 in the run report) from one copy per
 * machine in the executors' own cache (never the driver's), and that when a Worker JVM and its executor are killed
 * with SIGKILL in the middle of a job, the job still finishes on the other Worker with every line exactly once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {

    static final Path ROOT = JobRunner.projectRoot();
    static final Path SHADED_JAR = ROOT.resolve("jobs/target/spark-encoders-jobs-all.jar");
    static final int LINES = 1_200;
    /**
     * The cost of opening a file, in bytes, is also the smallest split Spark makes: the job's 64 kB would make this
     * 38 kB file one task on one executor; with 4 kB it is about 8 tasks of 150 lines. ({@code maxPartitionBytes}
     * would do too, but it also splits the job's read-back of its output, about 5 MB of JSON, into 4 kB tasks.)
     */
    static final String OPEN_COST_BYTES = "4096";
    static final int WORKERS = 2;
    /** Per Worker: room for a cluster-mode driver beside an executor (the 2 real cores are oversubscribed). */
    static final int WORKER_CORES = 2;
    static final String WORKER_MEMORY = "3g";
    static final Duration START_LIMIT = Duration.ofMinutes(2);
    static final Duration SUBMIT_LIMIT = Duration.ofMinutes(8);

    /** HDFS, the workers' folders and every log; kept when a test fails. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    static MiniDFSCluster hdfs;
    static FileSystem fs;
    static String hdfsUri;
    static List<String> lines;

    static Path sparkHome;
    static List<String> jvmOptions;
    static int masterPort;
    static int masterUiPort;
    static final List<Process> daemons = Collections.synchronizedList(new ArrayList<>());
    static final List<Process> workers = new ArrayList<>();
    static final List<Path> workerDirs = new ArrayList<>();
    static final Thread stopOnExit = new Thread(StandaloneClusterIT::stopDaemons, "stop-standalone-cluster");

    @BeforeAll
    static void startHdfsAndSparkStandaloneCluster() throws Exception {
        Runtime.getRuntime().addShutdownHook(stopOnExit); // should the JVM end before @AfterAll
        startHdfs();
        sparkHome = sparkInstallation();
        jvmOptions = List.of(Files.readString(ROOT.resolve("jobs/target/launcher/jvm-options.txt")).trim().split("\\s+"));
        masterPort = freePort();
        masterUiPort = freePort();
        daemons.add(startDaemon("master", List.of("-Dspark.master.rest.enabled=false"),
                "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", Integer.toString(masterPort),
                "--webui-port", Integer.toString(masterUiPort)));
        for (int i = 1; i <= WORKERS; i++) {
            Path workDir = Files.createDirectories(dir.resolve("worker-" + i));
            Process worker = startDaemon("worker-" + i, List.of(), "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--port", Integer.toString(freePort()),
                    "--webui-port", Integer.toString(freePort()), "--cores", Integer.toString(WORKER_CORES),
                    "--memory", WORKER_MEMORY, "--work-dir", workDir.toString(), masterUrl());
            daemons.add(worker);
            workers.add(worker);
            workerDirs.add(workDir);
        }
        awaitAliveWorkers(WORKERS);
    }

    @AfterAll
    static void stopClusterAndHdfs() throws IOException {
        stopDaemons();
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
        if (fs != null) {
            fs.close();
        }
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    @Test
    @Order(1)
    void clientDeployModeEmbedsEveryLineOnceWithOneModelCopyPerMachine() throws Exception {
        Path executorCache = dir.resolve("executor-cache-client");
        Submission run = submit("client", "out-client", executorCache, List.of());
        assertEquals(0, run.awaitExit(), run.failure());

        assertEveryLineOnce(run);
        JsonObject report = report(run.output());
        assertEquals(2, report.get("model_loads").getAsLong(), "each executor loaded the model once: " + report);
        assertEquals(2, report.get("executors").getAsLong(), report.toString());
        assertEquals(masterUrl(), report.get("master").getAsString(), report.toString());
        assertOneCompleteModelCopy(executorCache);
    }

    @Test
    @Order(2)
    void clusterDeployModeRunsTheDriverOnAWorker() throws Exception {
        Path executorCache = dir.resolve("executor-cache-cluster");
        Submission run = submit("cluster", "out-cluster", executorCache, List.of(
                "--conf", "spark.standalone.submit.waitAppCompletion=true",
                "--driver-memory", "1g", "--driver-cores", "1"));
        assertEquals(0, run.awaitExit(), run.failure());

        List<Path> driverLogs = driverStderrs();
        assertEquals(1, driverLogs.size(), "one driver, launched by a worker: " + driverLogs);
        String driverLog = Files.readString(driverLogs.get(0), StandardCharsets.ISO_8859_1);
        assertTrue(driverLog.contains("\"org.apache.spark.deploy.worker.DriverWrapper\""), tail(driverLog));

        assertEveryLineOnce(run);
        JsonObject report = report(run.output());
        assertEquals(2, report.get("model_loads").getAsLong(), "each executor loaded the model once: " + report);
        assertEquals(2, report.get("executors").getAsLong(), report.toString());
        assertEquals(masterUrl(), report.get("master").getAsString(), report.toString());
        assertOneCompleteModelCopy(executorCache);
    }

    @Test
    @Order(3)
    void aKilledWorkerLeavesTheJobToTheOtherWorkerAndEveryLineComesOutOnce() throws Exception {
        Path executorCache = dir.resolve("executor-cache-kill");
        // about 8 tasks: most of the job is still ahead when the first has committed
        Submission run = submit("client", "out-kill", executorCache, List.of());

        org.apache.hadoop.fs.Path committed = new org.apache.hadoop.fs.Path(run.output(), "_temporary/0");
        long deadline = System.nanoTime() + SUBMIT_LIMIT.toNanos();
        int committedTasks = 0;
        while (committedTasks == 0) {
            if (!run.process().isAlive()) {
                fail("the job ended before a worker could be killed:\n" + run.failure());
            }
            if (System.nanoTime() > deadline) {
                run.kill();
                fail("no task committed within " + SUBMIT_LIMIT + ":\n" + run.failure());
            }
            Thread.sleep(200);
            committedTasks = committedTasks(committed);
        }

        Process victim = workers.get(WORKERS - 1);
        List<ProcessHandle> executors = victim.descendants().filter(StandaloneClusterIT::isExecutor).toList();
        assertEquals(1, executors.size(), "the worker runs one executor of the job");
        victim.destroyForcibly(); // SIGKILL, as when the machine dies: the executor goes with it
        executors.forEach(ProcessHandle::destroyForcibly);
        victim.onExit().get(30, TimeUnit.SECONDS);
        for (ProcessHandle executor : executors) {
            executor.onExit().get(30, TimeUnit.SECONDS);
        }
        System.err.printf("killed worker %d (pid %d) and its executor (pid %d) after %d committed tasks%n", WORKERS,
                victim.pid(), executors.get(0).pid(), committedTasks);

        assertEquals(0, run.awaitExit(), run.failure());
        String stderr = Files.readString(run.stderr(), StandardCharsets.ISO_8859_1);
        assertTrue(stderr.contains("Lost executor"), "the driver saw the executor go:\n" + run.failure());
        assertEveryLineOnce(run);
        JsonObject report = report(run.output());
        assertEquals(0, report.get("rows_failed").getAsLong(), report.toString());
        assertOneCompleteModelCopy(executorCache);
    }

    // ---------------------------------------------------------------- spark-submit

    /** A spark-submit JVM, its output path on HDFS and its logs. */
    record Submission(Process process, org.apache.hadoop.fs.Path output, Path stderr, long startMillis) {

        /** Waits for spark-submit's exit, at most {@link #SUBMIT_LIMIT}; kills it and fails the test after. */
        int awaitExit() throws Exception {
            if (!process.waitFor(SUBMIT_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                kill();
                fail("spark-submit did not finish within " + SUBMIT_LIMIT + ":\n" + failure());
            }
            System.err.printf("spark-submit for %s exited with %d after %.0f s%n", output.getName(),
                    process.exitValue(), (System.currentTimeMillis() - startMillis) / 1e3);
            return process.exitValue();
        }

        void kill() throws InterruptedException {
            stop(process);
        }

        /** The tail of spark-submit's stderr, and of every driver and executor log the cluster wrote since. */
        String failure() {
            StringBuilder text = new StringBuilder("spark-submit stderr (" + stderr + "):\n").append(tail(stderr));
            for (Path log : clusterLogs(startMillis)) {
                text.append("\n--- ").append(log).append(":\n").append(tail(log));
            }
            return text.toString();
        }
    }

    /**
     * Starts spark-submit for the embed job on this cluster: input and model from HDFS, JSON lines to
     * {@code hdfs:///<outputName>}, executors with a model cache of their own ({@code executorCache}), the driver
     * with another; two executors of one core and 1 GB, one on each worker.
     */
    static Submission submit(String deployMode, String outputName, Path executorCache, List<String> sparkSubmitArgs)
            throws IOException {
        org.apache.hadoop.fs.Path output = new org.apache.hadoop.fs.Path(hdfsUri + "/" + outputName);
        Path logs = Files.createDirectories(dir.resolve("submit-" + outputName));
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-Xmx1g");
        command.addAll(jvmOptions);
        Collections.addAll(command, "-cp", sparkHome.resolve("jars") + "/*", "org.apache.spark.deploy.SparkSubmit",
                "--master", masterUrl(), "--deploy-mode", deployMode,
                "--class", "dev.sparkencoders.jobs.Main",
                "--executor-memory", "1g",
                "--conf", "spark.executor.cores=1",
                "--conf", "spark.cores.max=" + WORKERS,
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=180s",
                "--conf", "spark.executorEnv.SPARK_ENCODERS_CACHE=" + executorCache);
        command.addAll(sparkSubmitArgs);
        Collections.addAll(command, SHADED_JAR.toString(), "embed",
                "--set", "input.path=" + hdfsUri + "/input/sentences.txt",
                "--set", "model.path=" + hdfsUri + "/models/minilm",
                "--set", "output.path=" + output,
                "--set", "output.format=json",
                "--set", "spark.sql.files.openCostInBytes=" + OPEN_COST_BYTES);
        ProcessBuilder builder = new ProcessBuilder(command).directory(logs.toFile())
                .redirectOutput(logs.resolve("stdout.txt").toFile())
                .redirectError(logs.resolve("stderr.txt").toFile());
        Map<String, String> env = builder.environment();
        sparkEnvironment(env);
        // the driver's model cache (in cluster mode the worker starts the driver with spark-submit's environment)
        env.put(BundledModel.CACHE_DIR_ENV, dir.resolve("driver-cache").toString());
        System.err.println("spark-submit --deploy-mode " + deployMode + " ... embed --set output.path=" + output);
        return new Submission(builder.start(), output, logs.resolve("stderr.txt"), System.currentTimeMillis());
    }

    // ---------------------------------------------------------------- checks

    /** Every input line in the output exactly once, each with an embedding and no error; the report agrees. */
    static void assertEveryLineOnce(Submission run) throws IOException {
        org.apache.hadoop.fs.Path output = run.output();
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(output, "_SUCCESS")), "finished: " + output);
        assertFalse(fs.exists(new org.apache.hadoop.fs.Path(output, "_temporary")), "no task attempt left behind");
        Map<String, Integer> seen = new HashMap<>();
        for (FileStatus part : fs.listStatus(output, p -> p.getName().startsWith("part-"))) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(part.getPath()),
                    StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    JsonObject row = JsonParser.parseString(line).getAsJsonObject();
                    assertFalse(row.has("error"), line);
                    assertEquals(384, row.getAsJsonArray("embedding").size(), line);
                    seen.merge(row.get("value").getAsString(), 1, Integer::sum);
                }
            }
        }
        List<String> missing = lines.stream().filter(l -> !seen.containsKey(l)).limit(5).toList();
        assertTrue(missing.isEmpty(), "lines missing from the output, e.g. " + missing);
        List<String> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .limit(5).toList();
        assertTrue(twice.isEmpty(), "lines written more than once, e.g. " + twice);
        assertEquals(LINES, seen.size(), "no line the input does not hold");

        JsonObject report = report(output);
        System.err.printf("%s: the run report says %.0f s, %.1f rows/s%n", output.getName(),
                report.get("seconds").getAsDouble(), report.get("rows_per_second").getAsDouble());
        assertEquals(LINES, report.get("rows_in").getAsLong(), report.toString());
        assertEquals(LINES, report.get("rows_out").getAsLong(), report.toString());
    }

    static JsonObject report(org.apache.hadoop.fs.Path output) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(output, "_run_report.json"))) {
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    /** The executors' cache holds one finished copy of the model (they share a machine), with the model's weights. */
    static void assertOneCompleteModelCopy(Path executorCache) throws IOException {
        Path copies = executorCache.resolve("remote-models");
        assertTrue(Files.isDirectory(copies), "the executors copied the model into " + copies);
        List<Path> complete;
        try (Stream<Path> entries = Files.list(copies)) {
            complete = entries.filter(p -> Files.exists(p.resolve(".complete"))).toList();
        }
        assertEquals(1, complete.size(), "one model copy on this machine, shared by its executors: " + complete);
        assertEquals(Files.size(BundledModel.path().resolve("model.safetensors")),
                Files.size(complete.get(0).resolve("model.safetensors")));
    }

    static int committedTasks(org.apache.hadoop.fs.Path committed) throws IOException {
        if (!fs.exists(committed)) {
            return 0;
        }
        return fs.listStatus(committed, p -> p.getName().startsWith("task_")).length;
    }

    static List<Path> driverStderrs() throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path workDir : workerDirs) {
            try (Stream<Path> entries = Files.list(workDir)) {
                entries.filter(p -> p.getFileName().toString().startsWith("driver-"))
                        .map(p -> p.resolve("stderr")).filter(Files::exists).forEach(found::add);
            }
        }
        return found;
    }

    // ---------------------------------------------------------------- HDFS

    static void startHdfs() throws IOException {
        Configuration conf = new Configuration();
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.set("dfs.datanode.hostname", "127.0.0.1");
        hdfs = new MiniDFSCluster.Builder(conf, dir.resolve("hdfs").toFile()).numDataNodes(1).build();
        hdfs.waitActive();
        fs = hdfs.getFileSystem();
        hdfsUri = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(BundledModel.path().toUri()),
                new org.apache.hadoop.fs.Path("/models/minilm"));
        String[] topics = {"rivers", "mountains", "harbours", "forests", "deserts", "glaciers", "islands"};
        List<String> text = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            text.add("Sentence " + i + " is about " + topics[i % topics.length] + ".");
        }
        lines = List.copyOf(text);
        try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path("/input/sentences.txt"))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    // ---------------------------------------------------------------- Spark's standalone daemons

    /**
     * A folder laid out as a Spark installation as far as the standalone daemons and spark-submit need it:
     * {@code jars/} holds links to the jars of {@code target/it/spark-classpath.txt}, which the build writes with
     * Spark and its dependencies only.
     */
    static Path sparkInstallation() throws IOException {
        Path home = dir.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        String classPath = Files.readString(ROOT.resolve("jobs/target/it/spark-classpath.txt")).trim();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            assertFalse(entry.contains("/dev/sparkencoders/") || entry.contains("/ai/djl/"),
                    entry + " is not part of a Spark installation");
            Path link = jars.resolve(jar.getFileName());
            if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                link = jars.resolve(jar.getParent().getParent().getFileName() + "-" + jar.getFileName());
            }
            Files.createSymbolicLink(link, jar);
        }
        return home;
    }

    /**
     * The environment of every Spark process the test starts: this installation, every address on 127.0.0.1, and
     * none of this JVM's settings that would change how Spark or the job behave.
     */
    static void sparkEnvironment(Map<String, String> env) {
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        // spark-launcher asks for it when SPARK_HOME holds no RELEASE file or build folders
        env.put("SPARK_SCALA_VERSION", "2.13");
        for (String inherited : List.of("SPARK_CONF_DIR", "HADOOP_CONF_DIR", "YARN_CONF_DIR", "SPARK_DIST_CLASSPATH",
                "SPARK_ENCODERS_CACHE", "DJL_OFFLINE", "DJL_CACHE_DIR", "SPARK_WORKER_DIR")) {
            env.remove(inherited);
        }
    }

    static Process startDaemon(String name, List<String> systemProperties, String mainClass, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-Xmx512m");
        command.addAll(jvmOptions);
        command.addAll(systemProperties);
        Collections.addAll(command, "-cp", sparkHome.resolve("jars") + "/*", mainClass);
        Collections.addAll(command, args);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(logs.resolve(name + ".out").toFile())
                .redirectError(logs.resolve(name + ".log").toFile());
        sparkEnvironment(builder.environment());
        return builder.start();
    }

    /** Polls the master's web UI JSON until {@code count} workers are alive. */
    static void awaitAliveWorkers(int count) throws Exception {
        URL url = new URL("http://127.0.0.1:" + masterUiPort + "/json/");
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            for (Process daemon : daemons) {
                if (!daemon.isAlive()) {
                    fail("a Spark daemon exited with " + daemon.exitValue() + ":\n" + daemonLogs());
                }
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
                connection.setConnectTimeout(2_000);
                connection.setReadTimeout(5_000);
                try (InputStream in = connection.getInputStream()) {
                    last = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                JsonObject state = JsonParser.parseString(last).getAsJsonObject();
                if (state.get("aliveworkers").getAsInt() >= count) {
                    return;
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(500);
        }
        fail(count + " workers did not register within " + START_LIMIT + " (" + last + "):\n" + daemonLogs());
    }

    static String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    static boolean isExecutor(ProcessHandle process) {
        return arguments(process).contains("org.apache.spark.executor.CoarseGrainedExecutorBackend");
    }

    /** A process's arguments from {@code /proc/<pid>/cmdline} (ProcessHandle.Info gives only the first on Linux). */
    static List<String> arguments(ProcessHandle process) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return Arrays.asList(new String(cmdline, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException ended) {
            return List.of();
        }
    }

    static synchronized void stopDaemons() {
        List<Process> running = new ArrayList<>(daemons);
        Collections.reverse(running); // workers (and their executors and drivers) first, the master last
        for (Process daemon : running) {
            try {
                stop(daemon);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        daemons.clear();
    }

    /** Ends a process and everything it started: SIGTERM, then SIGKILL after 15 s. */
    static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // ---------------------------------------------------------------- logs

    static String daemonLogs() {
        try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
            return logs.sorted().map(log -> "--- " + log + ":\n" + tail(log)).collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Driver and executor stderr files under the workers' folders written since {@code sinceMillis}. */
    static List<Path> clusterLogs(long sinceMillis) {
        List<Path> found = new ArrayList<>();
        for (Path workDir : workerDirs) {
            try (Stream<Path> files = Files.walk(workDir)) {
                files.filter(p -> p.getFileName().toString().equals("stderr"))
                        .filter(p -> p.toFile().lastModified() >= sinceMillis).sorted().forEach(found::add);
            } catch (IOException e) {
                // a folder the cluster is still writing: its logs are left out
            }
        }
        return found;
    }

    static String tail(Path file) {
        try {
            return tail(Files.readString(file, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return e.toString();
        }
    }

    static String tail(String text) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
    }
}
