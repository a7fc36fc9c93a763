package dev.sparkencoders.model;

import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one fuzz input through a reader and checks the property every reader must keep: the input either parses or
 * fails with a {@link CheckpointException} whose message starts with "Cannot ", within {@link #LIMIT}. Any other
 * throwable (an {@code OutOfMemoryError} from a lying length in the small-heap JVM the fuzz tests run in, an
 * {@code ArithmeticException}, an {@code IndexOutOfBoundsException}) or a timeout fails the property, after the
 * input's files are saved under {@code target/fuzz-findings/<reader>/<sha-256>/} to reproduce it.
 *
 * <pre>{@code
 * try (FuzzHarness harness = new FuzzHarness("safetensors")) {
 *     harness.check(input, () -> SafetensorsFile.open(file).close());
 * }
 * }</pre>
 */
public final class FuzzHarness implements AutoCloseable {

    /** Time one input may take; real rejections take microseconds, whole tiny imports milliseconds. */
    public static final Duration LIMIT = Duration.ofSeconds(10);

    /** One generated input: the files a reader gets, and how they were made from a valid seed. */
    public record Input(String description, Map<String, byte[]> files) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(description).append(" {");
            files.forEach((name, bytes) -> s.append(' ').append(name).append('=').append(bytes.length).append('B'));
            return s.append(" }").toString();
        }
    }

    public enum Outcome { PARSED, REFUSED }

    private final String reader;
    private ExecutorService worker = newWorker();

    /** Heap above which an allocation sized by a lying length could succeed and go unnoticed. */
    public static final long MAX_HEAP = 512L << 20;

    public FuzzHarness(String reader) {
        if (Runtime.getRuntime().maxMemory() > MAX_HEAP) {
            throw new AssertionError("Cannot fuzz " + reader + ": the heap is " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MB (run the fuzz tests in the 256 MB surefire execution of udfs/pom.xml)");
        }
        this.reader = reader;
    }

    /**
     * Runs {@code action} on {@code input} and returns whether it parsed or was refused; fails (saving the input)
     * on any other outcome. The refusal's reason, with names and numbers blanked, goes to jqwik's statistics.
     */
    public Outcome check(Input input, Callable<?> action) {
        Future<?> result = worker.submit(action);
        try {
            result.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            Statistics.label("outcome").collect(Outcome.PARSED);
            return Outcome.PARSED;
        } catch (TimeoutException e) {
            result.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the stuck thread may never stop; later inputs get a fresh one
            throw finding(input, "took longer than " + LIMIT.toSeconds() + " s", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Cannot finish fuzz input: interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CheckpointException ce && ce.getMessage() != null
                    && ce.getMessage().startsWith("Cannot ")) {
                Statistics.label("outcome").collect(Outcome.REFUSED);
                Statistics.label("refused because").collect(reason(ce.getMessage()));
                return Outcome.REFUSED;
            }
            throw finding(input, "threw " + cause, cause);
        }
    }

    /**
     * The reason of a "Cannot <action>: <reason> (<hint>)" message, reduced to its first words with quoted names,
     * paths and numbers blanked, so that refusals group by the check that made them.
     */
    public static String reason(String message) {
        int colon = message.indexOf(": ");
        String reason = colon < 0 ? message : message.substring(colon + 2);
        reason = reason.replaceAll("'[^']*'", "'*'").replaceAll("/\\S+", "*").replaceAll("-?\\d+", "#")
                .replaceAll("[^\\x20-\\x7e]", "?"); // a mutated name may hold any bytes
        String[] words = reason.split("\\s+");
        for (int i = 0; i < words.length; i++) {
            if (words[i].matches(".*\\w\\.\\w.*")) { // a parameter name such as encoder.layer.#.output.dense.bias
                words[i] = "*";
            }
        }
        return String.join(" ", java.util.Arrays.copyOf(words, Math.min(words.length, 6)));
    }

    private AssertionError finding(Input input, String what, Throwable cause) {
        Path saved = save(input);
        return new AssertionError("Fuzz input " + input + " " + what + " instead of parsing or failing with a"
                + " CheckpointException (input saved in " + saved + ")", cause);
    }

    private Path save(Input input) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            input.files().forEach((name, bytes) -> {
                sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(bytes);
            });
            Path dir = Path.of("target", "fuzz-findings", reader, HexFormat.of().formatHex(sha.digest()).substring(0, 16))
                    .toAbsolutePath();
            for (Map.Entry<String, byte[]> file : input.files().entrySet()) {
                Path target = dir.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue());
            }
            Files.writeString(dir.resolve("description.txt"), input.description() + "\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save fuzz finding: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot save fuzz finding: no SHA-256", e);
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-input");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
