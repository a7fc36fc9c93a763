package dev.sparkencoders;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Real text for tests: the project's own sample corpus, and the STS Benchmark dev split from the shared data
 * folder next to the project ({@code ../shared/data}, or the {@code shared.data.dir} system property). Tests that
 * need the shared data are skipped, with a message, when it is absent.
 */
public final class TestCorpora {

    private TestCorpora() {}

    /** The project root, found by walking up from the working directory to the parent pom. */
    public static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("spark-encoders"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("Cannot find the project root (the folder holding ./spark-encoders)");
        }
        return dir;
    }

    public static Path sampleCorpus() {
        return projectRoot().resolve("jobs/samples/sample-corpus.txt");
    }

    public static List<String> sampleLines() {
        return readLines(sampleCorpus());
    }

    /** The shared data folder, or a skipped test when it is absent. */
    public static Path sharedData() {
        String configured = System.getProperty("shared.data.dir");
        Path dir = configured != null ? Path.of(configured) : projectRoot().resolveSibling("shared").resolve("data");
        Assumptions.assumeTrue(Files.isDirectory(dir), "Skipped: the shared data folder " + dir
                + " is absent (set -Dshared.data.dir=... to run the real-data tests)");
        return dir;
    }

    /** Distinct sentences of the STS-B dev split (tab-separated, sentences in columns 6 and 7). */
    public static List<String> stsbSentences(int limit) {
        Set<String> sentences = new LinkedHashSet<>();
        for (String line : readLines(sharedData().resolve("stsb/sts-dev.csv"))) {
            String[] fields = line.split("\t", -1);
            if (fields.length >= 7) {
                sentences.add(fields[5]);
                sentences.add(fields[6]);
            }
            if (sentences.size() >= limit) {
                break;
            }
        }
        return new ArrayList<>(sentences).subList(0, Math.min(limit, sentences.size()));
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
