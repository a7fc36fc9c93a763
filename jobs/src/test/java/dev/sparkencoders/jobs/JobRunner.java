package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Runs jobs through {@link Main#run} as the launcher does, and reads what they wrote. */
final class JobRunner {

    /** Exit code and everything the job printed to stderr. */
    record Outcome(int code, String stderr) {}

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

    static Path projectRoot() {
        Path d = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(d.resolve("spark-encoders"))) {
            d = d.getParent();
        }
        return d;
    }
}
