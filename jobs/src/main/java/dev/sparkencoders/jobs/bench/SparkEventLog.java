package dev.sparkencoders.jobs.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tasks of a Spark application, read from the event log it wrote ({@code spark.eventLog.enabled=true},
 * {@code spark.eventLog.dir=file:<dir>}, uncompressed): one {@link TaskEnd} per {@code SparkListenerTaskEnd} event.
 * The tasks that wrote output rows are the job's encoding tasks (the embed job encodes and writes in one stage).
 *
 * <pre>{@code
 * List<SparkEventLog.TaskEnd> tasks = SparkEventLog.read(dir);
 * }</pre>
 */
final class SparkEventLog {

    /**
     * One finished task attempt: its executor, launch and finish times (epoch ms), rows it wrote, and whether it
     * failed (or was killed).
     */
    record TaskEnd(String executorId, long launchMs, long finishMs, long rowsWritten, boolean failed) {

        double seconds() {
            return (finishMs - launchMs) / 1000.0;
        }
    }

    private SparkEventLog() {}

    /** The spark-submit settings that make a job write its event log into {@code dir}. */
    static List<String> settings(Path dir) {
        return List.of("--set", "spark.eventLog.enabled=true", "--set", "spark.eventLog.dir=" + dir.toUri(),
                "--set", "spark.eventLog.compress=false");
    }

    /** Every task end of every event log file in {@code dir}. */
    static List<TaskEnd> read(Path dir) {
        List<TaskEnd> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString()
                    .startsWith(".")).sorted().toList()) {
                readFile(file, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Spark event log in " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static void readFile(Path file, List<TaskEnd> out) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.contains("\"SparkListenerTaskEnd\"")) {
                    continue;
                }
                JsonObject event = JsonParser.parseString(line).getAsJsonObject();
                JsonObject info = event.getAsJsonObject("Task Info");
                JsonObject metrics = event.getAsJsonObject("Task Metrics");
                long written = 0;
                if (metrics != null && metrics.has("Output Metrics")) {
                    written = metrics.getAsJsonObject("Output Metrics").get("Records Written").getAsLong();
                }
                boolean failed = info.get("Failed").getAsBoolean()
                        || (info.has("Killed") && info.get("Killed").getAsBoolean());
                out.add(new TaskEnd(info.get("Executor ID").getAsString(), info.get("Launch Time").getAsLong(),
                        info.get("Finish Time").getAsLong(), written, failed));
            }
        }
    }
}
