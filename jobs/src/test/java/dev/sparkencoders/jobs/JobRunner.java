package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs jobs through {@link Main#run} as the launcher does, and reads what they wrote. */
public final class JobRunner {

    /** Exit code and everything the job printed to stderr. */
    record Outcome(int code, String stderr) {}

    /** "Cannot ...: ... (...)" on one line. */
    private static final Pattern ONE_SENTENCE = Pattern.compile("Cannot [^:\\n]+: [^\\n]+ \\([^\\n]+\\)");
    /** A sentence end followed by a capital letter: a second sentence. */
    private static final Pattern SECOND_SENTENCE = Pattern.compile("[.!?]\\s+\\p{Lu}");

    private JobRunner() {}

    static Outcome run(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(args);
        } finally {
            System.setErr(original);
        }
        String stderr = captured.toString(StandardCharsets.UTF_8);
        original.print(stderr);
        return new Outcome(code, stderr);
    }

    /** The JSON lines of a job's output directory, in part-file order. */
    static List<JsonObject> jsonRows(Path output) throws IOException {
        List<JsonObject> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(output)) {
            for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part)) {
                    rows.add(JsonParser.parseString(line).getAsJsonObject());
                }
            }
        }
        return rows;
    }

    /** The rows of a job's Parquet output, part file by part file (so in input order). */
    static List<Row> parquetRows(Path output) throws IOException {
        List<String> parts;
        try (Stream<Path> files = Files.list(output)) {
            parts = files.map(Path::toString).filter(p -> p.endsWith(".parquet")).sorted().toList();
        }
        return withSpark(spark -> {
            List<Row> rows = new ArrayList<>();
            for (String part : parts) {
                rows.addAll(spark.read().parquet(part).collectAsList());
            }
            return rows;
        });
    }

    /** Runs {@code action} on a local SparkSession of its own, stopped after (jobs start their own). */
    static <T> T withSpark(Function<SparkSession, T> action) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("test")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            return action.apply(spark);
        } finally {
            spark.stop();
        }
    }

    /**
     * A refused job's message: its one stderr line {@code spark-encoders <job>: <message>}, checked to be one
     * sentence shaped "Cannot ...: ... (...)", with no stack trace printed.
     */
    static String refusal(String stderr, String job) {
        String prefix = "spark-encoders " + job + ": ";
        List<String> lines = stderr.lines().filter(l -> l.startsWith(prefix)).toList();
        assertEquals(1, lines.size(), stderr);
        String message = lines.get(0).substring(prefix.length());
        assertTrue(ONE_SENTENCE.matcher(message).matches(), "shaped 'Cannot ...: ... (...)': " + message);
        assertFalse(SECOND_SENTENCE.matcher(message).find(), "one sentence: " + message);
        assertFalse(stderr.contains("\tat "), "no stack trace: " + stderr);
        return message;
    }

    static JsonObject report(Path output) throws IOException {
        return JsonParser.parseString(Files.readString(output.resolve("_run_report.json"))).getAsJsonObject();
    }

    /** A jar of the test class path, found by its file name. */
    static Path classPathJar(String namePrefix) {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.getFileName().toString().startsWith(namePrefix) && entry.endsWith(".jar")) {
                return p;
            }
        }
        throw new IllegalStateException("Cannot find " + namePrefix + "*.jar on the test class path");
    }

    public static Path projectRoot() {
        Path d = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(d.resolve("spark-encoders"))) {
            d = d.getParent();
        }
        return d;
    }
}
