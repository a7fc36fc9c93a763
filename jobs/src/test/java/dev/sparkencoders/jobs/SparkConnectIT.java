package dev.sparkencoders.jobs;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The functions from a real Spark Connect client, after {@code package} (Failsafe): Spark's own Connect server
 * ({@code SparkConnectServer}, spark-submitted as {@code sbin/start-connect-server.sh} does, on the Spark release
 * whose Connect plugin Maven Central serves) runs with the shaded jar in {@code --jars} and
 * {@code spark.sql.extensions} set to the project's extensions, bound to 127.0.0.1; a Java
 * program on the Spark Connect JVM client's class path alone (no Spark SQL engine, no project classes) queries it over
 * gRPC. Its {@code embed} and {@code similarity} calls are planned into the batched node on the server, and every
 * vector matches langchain4j's all-MiniLM-L6-v2 (an independent ONNX Runtime implementation).
 */
class SparkConnectIT {

    private static final Path SERVER_JARS = SparkSubmitProcess.ROOT.resolve("jobs/target/it/connect/server");
    private static final Path CLIENT_JARS = SparkSubmitProcess.ROOT.resolve("jobs/target/it/connect/client");
    private static final String QUERY_TEXT = "The battery does not last long.";
    private static final String CLIENT = """
            import java.util.List;
            import org.apache.spark.sql.Dataset;
            import org.apache.spark.sql.Row;
            import org.apache.spark.sql.SparkSession;

            public class ConnectClient {
                public static void main(String[] args) {
                    SparkSession spark = SparkSession.builder().remote(args[0]).getOrCreate();
                    spark.read().text(args[1]).createOrReplaceTempView("reviews");
                    Dataset<Row> scored = spark.sql("SELECT value, similarity(embed(value), embed('%s')) AS s,"
                            + " embed(value) AS e FROM reviews WHERE length(value) > 0");
                    scored.explain();
                    for (Row row : scored.collectAsList()) {
                        StringBuilder line = new StringBuilder("ROW\t").append(row.getString(0)).append('\t')
                                .append(row.getFloat(1)).append('\t');
                        List<Float> e = row.getList(2);
                        for (int i = 0; i < e.size(); i++) {
                            line.append(i == 0 ? "" : ",").append(e.get(i));
                        }
                        System.out.println(line);
                    }
                    spark.stop();
                }
            }
            """.formatted(QUERY_TEXT);

    @TempDir
    Path dir;

    @Test
    void aConnectClientCallsTheFunctionsBatchedOnTheServer() throws Exception {
        int port = freePort();
        SparkSubmitProcess.Started server = SparkSubmitProcess.start(Files.createDirectories(dir.resolve("server")),
                serverClassPath(), List.of("--master", "local[2]", "--name", "Spark Connect server",
                        "--conf", "spark.ui.enabled=false",
                        "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
                        "--conf", "spark.connect.grpc.binding.port=" + port,
                        "--conf", "spark.sql.extensions=dev.sparkencoders.spark.sql.SparkEncodersExtensions",
                        "--jars", SparkSubmitIT.SHADED_JAR.toString(),
                        "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
                        jar(SERVER_JARS, "spark-connect_").toString()));
        try {
            awaitListening(server, port);
            Path corpus = SparkSubmitProcess.ROOT.resolve("jobs/samples/sample-corpus.txt");
            String out = runClient("sc://127.0.0.1:" + port, corpus);
            assertTrue(out.contains("BatchedCalls"), "the server batches the calls:\n" + out);

            Map<String, String[]> byText = new HashMap<>();
            out.lines().filter(l -> l.startsWith("ROW\t")).map(l -> l.split("\t", 4))
                    .forEach(p -> byText.put(p[1], p));
            List<String> lines = Files.readAllLines(corpus).stream().filter(l -> !l.isEmpty()).toList();
            assertEquals(lines.stream().distinct().count(), byText.size(), "every review once");
            AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
            float[] query = reference.embed(QUERY_TEXT).content().vector();
            double worst = 1;
            for (int i = 0; i < lines.size(); i += 7) {
                String[] row = byText.get(lines.get(i));
                assertNotNull(row, lines.get(i));
                float[] expected = reference.embed(lines.get(i)).content().vector();
                worst = Math.min(worst, EvaluateStsTest.cosine(expected, floats(row[3])));
                assertEquals(EvaluateStsTest.cosine(query, expected), Double.parseDouble(row[2]), 1e-4, lines.get(i));
            }
            assertTrue(worst >= 0.9999, "lowest cosine to langchain4j: " + worst);
        } finally {
            server.stop();
        }
        assertTrue(!listening(port), "the server is stopped");
    }

    /** The jars of {@code folder} whose names start with {@code prefix}. */
    private static List<Path> jars(Path folder, String prefix) throws IOException {
        try (Stream<Path> jars = Files.list(folder)) {
            List<Path> found = jars.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("no " + prefix + "* in " + folder
                        + " (run mvn -B verify, which copies them before the integration tests)");
            }
            return found;
        }
    }

    private static Path jar(Path folder, String prefix) throws IOException {
        return jars(folder, prefix).get(0);
    }

    /** The Connect release's Spark modules, then the third-party jars of Spark's class path. */
    private static String serverClassPath() throws IOException {
        List<String> entries = new ArrayList<>(jars(SERVER_JARS, "spark-").stream().map(Path::toString).toList());
        for (String entry : SparkSubmitProcess.sparkClassPath().split(File.pathSeparator)) {
            if (!entry.contains("/org/apache/spark/")) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * The JVM client's class path: its own jar and shims, and of Spark's class path only what the client depends on
     * besides them (Spark's common utilities and third-party libraries), never Spark's SQL engine.
     */
    private static String clientClassPath() throws IOException {
        List<String> entries = new ArrayList<>(jars(CLIENT_JARS, "spark-").stream().map(Path::toString).toList());
        List<String> sparkModulesTheClientUses = List.of("spark-common-utils_", "spark-common-utils-java_",
                "spark-unsafe_", "spark-variant_", "spark-sketch_", "spark-tags_");
        for (String entry : SparkSubmitProcess.sparkClassPath().split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (!entry.contains("/org/apache/spark/") || sparkModulesTheClientUses.stream().anyMatch(name::startsWith)) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private String runClient(String url, Path corpus) throws Exception {
        Path app = Files.createDirectories(dir.resolve("client"));
        Path source = app.resolve("ConnectClient.java");
        Files.writeString(source, CLIENT);
        String classPath = clientClassPath();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-classpath", classPath, "-d", app.toString(), source.toString()),
                "the client compiles against the Spark Connect client alone");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g"));
        command.addAll(SparkSubmitProcess.jvmOptions());
        command.addAll(List.of("-cp", app + File.pathSeparator + classPath, "ConnectClient", url, corpus.toString()));
        Path stdout = dir.resolve("client-stdout.txt");
        Path stderr = dir.resolve("client-stderr.txt");
        Process client = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        if (!client.waitFor(5, TimeUnit.MINUTES)) {
            client.destroyForcibly();
            fail("the Connect client did not finish within 5 minutes:\n" + tail(stderr));
        }
        assertEquals(0, client.exitValue(), tail(stderr));
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    /** Waits up to 3 minutes for the server to accept connections on 127.0.0.1:{@code port}. */
    private static void awaitListening(SparkSubmitProcess.Started server, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (!server.process().isAlive()) {
                fail("the Spark Connect server exited with " + server.process().exitValue() + ":\n"
                        + lastLines(server.stderr()));
            }
            if (listening(port)) {
                return;
            }
            Thread.sleep(500);
        }
        fail("the Spark Connect server did not listen on 127.0.0.1:" + port + " within 3 minutes:\n"
                + lastLines(server.stderr()));
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path file) throws IOException {
        return lastLines(Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    private static String lastLines(String text) {
        List<String> lines = text.lines().toList();
        return lines.subList(Math.max(0, lines.size() - 60), lines.size()).stream().collect(Collectors.joining("\n"));
    }

    private static float[] floats(String csv) {
        String[] parts = csv.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.parseFloat(parts[i]);
        }
        return out;
    }
}
