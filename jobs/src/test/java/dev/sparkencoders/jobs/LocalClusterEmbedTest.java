package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embed job on a real multi-JVM cluster ({@code local-cluster[2,1,2048]}: a master and a worker inside this
 * JVM, two executor JVMs) over a 2,000-line text file with the kind of lines real corpora hold: empty and blank
 * lines, a 300,000-character line (longer than an input split), control characters, invalid UTF-8, a byte order
 * mark, emoji, CJK and right-to-left text, Unicode line separators and CRLF line ends.
 *
 * <p>Lines are counted the way Spark's text reader (Hadoop's LineRecordReader) splits them: on {@code \n},
 * {@code \r} and {@code \r\n}. The corpus therefore holds no bare {@code \r}; a CRLF ends one line, and U+2028,
 * U+2029 and U+0085 are ordinary characters inside a line.
 *
 * <p>Needs {@code SPARK_HOME} naming a folder that holds a {@code jars/} folder (the pom points it at
 * {@code target/spark-home}; the test creates {@code jars/}); the job hands the test class path to the executors.
 */
class LocalClusterEmbedTest {

    static final int LINES = 2_000;
    static final int LONG_LINE_CHARS = 300_000;

    @TempDir
    Path dir;

    static Path sparkHome;

    @BeforeAll
    static void sparkHomeWithEmptyJarsFolder() throws IOException {
        String home = System.getenv("SPARK_HOME");
        assertNotNull(home, "SPARK_HOME must be set (jobs/pom.xml sets it for Surefire)");
        sparkHome = Path.of(home);
        Files.createDirectories(sparkHome.resolve("jars"));
    }

    @Test
    void embedsEveryLineOfANastyCorpusOnTwoExecutorJvms() throws IOException {
        List<byte[]> lines = corpus();
        assertEquals(LINES, lines.size());
        Path input = dir.resolve("corpus.txt");
        writeLines(input, lines);
        Path output = dir.resolve("out");
        Set<Path> appsBefore = apps();

        JobRunner.Outcome outcome = JobRunner.run("embed", "--set", "input.path=" + input,
                "--set", "output.path=" + output, "--set", "output.format=json",
                "--set", "spark.master=local-cluster[2,1,2048]", "--set", "spark.ui.enabled=false",
                // the bundled model's own length, set explicitly: the driver's validation load then gets its own
                // entry in this JVM's model cache, and local-mode tests that count the driver's load are unaffected
                "--set", "model.max-length=256",
                // about seven input splits, so both executors get tasks; the long line spans several of them
                "--set", "spark.sql.files.maxPartitionBytes=65536",
                // start tasks once both executors are up, so each serves some
                "--set", "spark.scheduler.minRegisteredResourcesRatio=1.0");

        assertEquals(0, outcome.code(), outcome.stderr());
        List<JsonObject> rows = JobRunner.jsonRows(output);
        assertEquals(LINES, rows.size(), "one output row per input line");
        int embedded = 0;
        for (int i = 0; i < rows.size(); i++) {
            JsonObject row = rows.get(i);
            assertEquals(expectedValue(lines.get(i), i), row.get("value").getAsString(), "row " + i + " keeps its text");
            boolean hasEmbedding = row.has("embedding") && !row.get("embedding").isJsonNull();
            boolean hasError = row.has("error") && !row.get("error").isJsonNull();
            assertTrue(hasEmbedding != hasError, "row " + i + " has an embedding or an error: " + row);
            if (hasEmbedding) {
                assertEquals(384, row.getAsJsonArray("embedding").size());
                embedded++;
            }
        }
        assertEquals(LINES, embedded, "no line of this corpus fails");

        JsonObject report = JobRunner.report(output);
        assertEquals(LINES, report.get("rows_in").getAsLong());
        assertEquals(LINES, report.get("rows_out").getAsLong());
        assertEquals(0, report.get("rows_failed").getAsLong());
        assertTrue(report.get("rows_truncated").getAsLong() >= 1, "the 300,000-character line is truncated: " + report);
        // one load per executor JVM; the driver's validation load serves no task and is not counted
        assertEquals(2, report.get("model_loads").getAsLong(), report.toString());

        Set<Path> newApps = apps();
        newApps.removeAll(appsBefore);
        assertEquals(1, newApps.size(), "one application in " + sparkHome.resolve("work"));
        List<String> commands = executorCommands(newApps.iterator().next());
        assertEquals(2, commands.size(), "two executor JVMs");
        for (String command : commands) {
            assertTrue(command.contains("\"-Dai.djl.offline=true\""), command);
            assertTrue(command.contains("\"-Dai.djl.pytorch.num_threads=1\""), command);
            assertTrue(command.contains("\"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED\""), command);
        }
    }

    /** 1,900 ordinary sentences from the sample corpus, varied, with 100 nasty lines spread among them. */
    static List<byte[]> corpus() throws IOException {
        List<String> sample = Files.readAllLines(JobRunner.projectRoot().resolve("jobs/samples/sample-corpus.txt"));
        List<byte[]> nasty = nastyLines();
        List<byte[]> lines = new ArrayList<>();
        int ordinary = 0;
        int every = (LINES - nasty.size()) / nasty.size() + 1;
        for (int i = 0, n = 0; i < LINES; i++) {
            if (i % every == every / 2 && n < nasty.size()) {
                lines.add(nasty.get(n++));
            } else {
                String s = sample.get(ordinary % sample.size());
                String varied = switch (ordinary / sample.size() % 4) {
                    case 0 -> s;
                    case 1 -> s.toLowerCase(Locale.ROOT);
                    case 2 -> "Re: " + s;
                    default -> s + " (" + ordinary + ")";
                };
                lines.add(utf8(varied));
                ordinary++;
            }
        }
        lines.set(0, concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, lines.get(0))); // UTF-8 BOM
        return lines;
    }

    /** Exactly 100 lines; none holds \n or \r. */
    static List<byte[]> nastyLines() {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            out.add(new byte[0]);
        }
        out.add(utf8(" "));
        out.add(utf8("\t\t"));
        out.add(utf8("   \u3000  "));
        StringBuilder longLine = new StringBuilder(LONG_LINE_CHARS);
        while (longLine.length() < LONG_LINE_CHARS) {
            longLine.append("The quick brown fox jumps over the lazy dog ").append(longLine.length()).append(". ");
        }
        longLine.setLength(LONG_LINE_CHARS);
        out.add(utf8(longLine.toString()));
        out.add(utf8("control\u0001characters\u0007inside\ttext\u0000with a NUL"));
        out.add(utf8("\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008"));
        out.add(utf8("vertical\u000Btab and form\u000Cfeed and escape \u001B[31mred\u001B[0m"));
        out.add(utf8("line\u2028separator and paragraph\u2029separator and next\u0085line inside one line"));
        out.add(utf8("zero\u200Bwidth space, soft\u00ADhyphen, joiner \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"));
        out.add(concat(utf8("invalid utf-8: "), new byte[] {(byte) 0xC3, 0x28}, utf8(" and "), new byte[] {(byte) 0xFF}));
        out.add(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xFD});
        out.add(concat(utf8("truncated sequence at the end "), new byte[] {(byte) 0xE2, (byte) 0x82}));
        out.add(concat(utf8("overlong slash "), new byte[] {(byte) 0xC0, (byte) 0xAF}, utf8(" and surrogate "),
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        out.add(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80});
        out.add(utf8("\uD83D\uDE00\uD83D\uDE02\uD83D\uDC4D\uD83C\uDFFD\uD83C\uDDEB\uD83C\uDDF7\u2764\uFE0F"));
        out.add(utf8("Great product \uD83D\uDE0D\uD83D\uDE0D\uD83D\uDE0D would buy again \uD83D\uDC4D"));
        out.add(utf8("\u6211\u7684\u6C34\u58F6\u574F\u4E86\uFF0C\u600E\u4E48\u9000\u8D27\uFF1F"));
        out.add(utf8("\u6771\u4EAC\u306F\u65E5\u672C\u306E\u9996\u90FD\u3067\u3059\u3002"));
        out.add(utf8("\uD55C\uAD6D\uC5B4 \uBB38\uC7A5\uB3C4 \uC788\uC2B5\uB2C8\uB2E4."));
        out.add(utf8("\u0627\u0644\u0645\u0646\u062A\u062C \u0645\u0645\u062A\u0627\u0632 \u0648\u0627\u0644\u062A\u0648\u0635\u064A\u0644 \u0633\u0631\u064A\u0639"));
        out.add(utf8("\u05D4\u05DE\u05D5\u05E6\u05E8 \u05D4\u05D2\u05D9\u05E2 \u05E9\u05D1\u05D5\u05E8"));
        out.add(utf8("mixed \u05E2\u05D1\u05E8\u05D9\u05EA and English \u202Ereversed\u202C \u200Fmark"));
        out.add(utf8("cafe\u0301 na\u0308ive Z\u0336\u0335a\u0337\u0334l\u0338g\u0335o\u0336"));
        out.add(utf8("\uFEFFa byte order mark in the middle of the file"));
        out.add(utf8("\uFFFD already a replacement character"));
        out.add(utf8("<script>alert('x')</script> \"quoted\" \\backslash\\ {\"json\": true}"));
        out.add(utf8("[CLS] [SEP] [MASK] [PAD] [UNK] special tokens as text"));
        out.add(utf8("a".repeat(5_000)));
        out.add(utf8("\uD835\uDC00\uD835\uDC01\uD835\uDC02 mathematical letters outside the BMP"));
        out.add(utf8("ends with a CRLF")); // written with \r\n below
        while (out.size() < 100) {
            int k = out.size();
            out.add(switch (k % 5) {
                case 0 -> new byte[0];
                case 1 -> utf8("tab\tseparated\tvalues\t" + k);
                case 2 -> utf8("\u0645\u0631\u062D\u0628\u0627 " + k + " \u05E9\u05DC\u05D5\u05DD");
                case 3 -> utf8("\u4F60\u597D\u4E16\u754C " + k + " \uD83C\uDF0D");
                default -> concat(utf8("bad byte " + k + " "), new byte[] {(byte) 0xC3});
            });
        }
        return out;
    }

    /** Writes the lines with \n, except the line ending in "CRLF", written with \r\n. */
    static void writeLines(Path file, List<byte[]> lines) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] line : lines) {
            bytes.write(line);
            if (new String(line, StandardCharsets.UTF_8).endsWith("CRLF")) {
                bytes.write('\r');
            }
            bytes.write('\n');
        }
        Files.write(file, bytes.toByteArray());
    }

    /**
     * The text Spark reads for a line: invalid UTF-8 becomes U+FFFD the way Java's decoder does it, and Hadoop's
     * LineRecordReader drops the byte order mark at the start of the file.
     */
    static String expectedValue(byte[] line, int index) {
        String s = new String(line, StandardCharsets.UTF_8);
        return index == 0 && s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private Set<Path> apps() throws IOException {
        Path work = sparkHome.resolve("work");
        if (!Files.isDirectory(work)) {
            return new HashSet<>();
        }
        try (Stream<Path> apps = Files.list(work)) {
            return new HashSet<>(apps.toList());
        }
    }

    /** The command line each executor was started with, as the worker wrote it to the executor's stderr. */
    private static List<String> executorCommands(Path app) throws IOException {
        List<String> commands = new ArrayList<>();
        try (Stream<Path> executors = Files.list(app)) {
            for (Path executor : executors.sorted().toList()) {
                String stderr = Files.readString(executor.resolve("stderr"), StandardCharsets.ISO_8859_1);
                String first = stderr.lines().findFirst().orElse("");
                assertTrue(first.startsWith("Spark Executor Command: "), first);
                commands.add(first);
            }
        }
        assertNotEquals(0, commands.size());
        return commands;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
