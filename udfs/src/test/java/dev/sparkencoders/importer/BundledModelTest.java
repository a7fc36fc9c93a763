package dev.sparkencoders.importer;

import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.SafetensorsFile;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundledModelTest {

    private String previous;

    @BeforeEach
    void remember() {
        previous = System.getProperty(BundledModel.CACHE_DIR_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (previous == null) {
            System.clearProperty(BundledModel.CACHE_DIR_PROPERTY);
        } else {
            System.setProperty(BundledModel.CACHE_DIR_PROPERTY, previous);
        }
    }

    @Test
    void pathImportsOnceAndReturnsTheSameDirectory(@TempDir Path cache) throws IOException {
        System.setProperty(BundledModel.CACHE_DIR_PROPERTY, cache.toString());
        long start = System.nanoTime();
        Path first = BundledModel.path();
        long importMs = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        Path second = BundledModel.path();
        long cachedMs = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("BundledModelTest: first path() %d ms, cached path() %d ms%n", importMs, cachedMs);
        assertEquals(first, second);
        assertTrue(first.startsWith(cache.resolve("models")), first.toString());
        assertTrue(first.getFileName().toString().matches("all-minilm-l6-v2-[0-9a-f]{12}"), first.toString());
        assertValidModel(first);
    }

    @Test
    void concurrentThreadsOnAnEmptyCacheBothSucceed(@TempDir Path cache) throws Exception {
        System.setProperty(BundledModel.CACHE_DIR_PROPERTY, cache.toString());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return BundledModel.path();
                }));
            }
            start.countDown();
            Path a = results.get(0).get(120, TimeUnit.SECONDS);
            Path b = results.get(1).get(120, TimeUnit.SECONDS);
            assertEquals(a, b);
            assertValidModel(a);
            assertOnlyModelAndLock(cache.resolve("models"), a);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Two JVMs (like two Spark executors on one host) race on one empty cache. */
    @Test
    void concurrentProcessesOnAnEmptyCacheBothSucceed(@TempDir Path cache) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                    "-D" + BundledModel.CACHE_DIR_PROPERTY + "=" + cache, Child.class.getName())
                    .redirectErrorStream(true).start());
        }
        List<String> paths = new ArrayList<>();
        for (Process p : processes) {
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child JVM finished");
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, p.exitValue(), output);
            paths.add(output.lines().reduce((x, y) -> y).orElse(""));
        }
        assertEquals(paths.get(0), paths.get(1));
        Path model = Path.of(paths.get(0));
        assertTrue(model.startsWith(cache), model.toString());
        assertValidModel(model);
        assertOnlyModelAndLock(cache.resolve("models"), model);
    }

    /** Main class of the child JVMs: prints the model path. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println(BundledModel.path());
        }
    }

    @Test
    void publishLosingTheRaceKeepsTheWinner(@TempDir Path dir) throws IOException {
        Path target = Files.createDirectory(dir.resolve("m"));
        Files.writeString(target.resolve("config.json"), "winner");
        assertFalse(StagedDirectory.publish(target, d -> Files.writeString(d.resolve("config.json"), "loser")));
        assertEquals("winner", Files.readString(target.resolve("config.json")));
        Path fresh = dir.resolve("fresh");
        Files.createDirectory(fresh);
        assertTrue(StagedDirectory.publish(fresh, d -> Files.writeString(d.resolve("config.json"), "mine")),
                "an empty directory is replaced");
        assertEquals("mine", Files.readString(fresh.resolve("config.json")));
        try (var left = Files.list(dir)) {
            assertEquals(List.of("fresh", "m"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no staging directory is left behind");
        }
    }

    @Test
    void incompleteCachedDirectoryIsReported(@TempDir Path cache) throws IOException {
        Path dir = Files.createDirectories(cache.resolve("models").resolve(BundledModel.directoryName()));
        Files.writeString(dir.resolve("config.json"), "{}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> BundledModel.path(cache));
        assertTrue(e.getMessage().startsWith("Cannot use the cached bundled model") && e.getMessage().contains("delete"),
                e.getMessage());
    }

    @Test
    void missingResourcesFailWithAClearSentence(@TempDir Path cache) throws Exception {
        URL classes = BundledModel.class.getProtectionDomain().getCodeSource().getLocation();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Thread.currentThread().setContextClassLoader(isolated);
            Class<?> bundled = isolated.loadClass(BundledModel.class.getName());
            var path = bundled.getDeclaredMethod("path", Path.class);
            path.setAccessible(true);
            InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> path.invoke(null, cache));
            assertEquals(CheckpointException.class.getName(), e.getCause().getClass().getName());
            assertTrue(e.getCause().getMessage().startsWith("Cannot load the bundled model " + BundledModel.ID
                    + ": the resource 'all-minilm-l6-v2.onnx' is not on the class path"), e.getCause().getMessage());
        } finally {
            Thread.currentThread().setContextClassLoader(context);
        }
    }

    @Test
    void cacheRootPrecedence() {
        System.setProperty(BundledModel.CACHE_DIR_PROPERTY, "/some/where");
        assertEquals(Path.of("/some/where"), BundledModel.cacheRoot());
        System.clearProperty(BundledModel.CACHE_DIR_PROPERTY);
        String env = System.getenv(BundledModel.CACHE_DIR_ENV);
        Path expected = env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "spark-encoders");
        assertEquals(expected, BundledModel.cacheRoot());
    }

    private static void assertValidModel(Path dir) throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertEquals(101, file.entries().size());
        }
        var config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        assertEquals(12, config.get("num_attention_heads").getAsInt());
        var sbert = JsonParser.parseString(Files.readString(dir.resolve("sentence_bert_config.json"))).getAsJsonObject();
        assertEquals(256, sbert.get("max_seq_length").getAsInt());
        assertTrue(Files.isRegularFile(dir.resolve("tokenizer.json")));
        assertEquals(3, JsonParser.parseString(Files.readString(dir.resolve("modules.json"))).getAsJsonArray().size());
    }

    /** The models folder holds the model and its lock file, no leftover temporary directory. */
    private static void assertOnlyModelAndLock(Path models, Path model) throws IOException {
        try (Stream<Path> entries = Files.list(models)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            String name = model.getFileName().toString();
            assertEquals(List.of("." + name + ".lock", name), names);
        }
    }
}
