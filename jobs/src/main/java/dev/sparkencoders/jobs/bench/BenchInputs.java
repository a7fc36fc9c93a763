package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.text.TextTokenizer;
import dev.sparkencoders.text.TokenizedText;

import java.io.BufferedWriter;
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
 * The bench inputs: the distinct sentences of STS-B dev (short texts), deterministic 512-token documents made of
 * consecutive STS-B sentences, and text files of N rows for the Spark job.
 */
final class BenchInputs {

    /** Tokens of a document, [CLS] and [SEP] included. */
    static final int DOC_TOKENS = 512;

    private BenchInputs() {}

    /**
     * Distinct sentences of the STS-B file in order of appearance (tab-separated, no header, sentences in columns 6
     * and 7, quotes are ordinary characters); {@code limit} 0 keeps all.
     */
    static List<String> stsbSentences(Path file, int limit) {
        Set<String> sentences = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", -1);
                if (f.length >= 7) {
                    for (String s : new String[] {f[5].strip(), f[6].strip()}) {
                        if (!s.isEmpty()) {
                            sentences.add(s);
                        }
                    }
                }
                if (limit > 0 && sentences.size() >= limit) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the STS-B file " + file + ": " + e.getMessage(), e);
        }
        if (sentences.isEmpty()) {
            throw new IllegalStateException("Cannot run bench: " + file + " holds no sentences in columns 6 and 7"
                    + " (expected the tab-separated STS-B sts-dev.csv)");
        }
        List<String> out = new ArrayList<>(sentences);
        return limit > 0 && out.size() > limit ? out.subList(0, limit) : out;
    }

    /**
     * {@code count} documents of exactly {@value #DOC_TOKENS} tokens (510 content tokens) where the sentences allow:
     * document d joins consecutive sentences from a start that moves with d until the text is longer than the
     * tokenizer's {@value #DOC_TOKENS}-token limit, then is cut at the end of its last fitting token, so every engine
     * (ours and the peer) sees the same 512 tokens without truncating.
     */
    static List<String> documents(List<String> sentences, TextTokenizer tokenizer512, int count) {
        List<String> docs = new ArrayList<>(count);
        int n = sentences.size();
        for (int d = 0; d < count; d++) {
            int start = (int) ((long) d * 97 % n);
            StringBuilder text = new StringBuilder();
            TokenizedText tokens = null;
            for (int j = 0; j < 40 * DOC_TOKENS; j++) {
                if (text.length() > 0) {
                    text.append(' ');
                }
                text.append(sentences.get((start + j) % n));
                if (j % 4 == 3) {
                    tokens = tokenizer512.encode(text.toString());
                    if (tokens.truncated()) {
                        break;
                    }
                }
            }
            tokens = tokenizer512.encode(text.toString());
            int last = tokens.length() - 1;
            while (last > 0 && (tokens.isSpecial(last) || tokens.ends()[last] < 0)) {
                last--;
            }
            docs.add(text.substring(0, tokens.ends()[last]));
        }
        return docs;
    }

    /** Writes {@code rows} lines cycling through {@code sentences}, the text input of the embed job. */
    static Path rowsFile(Path dir, List<String> sentences, int rows) {
        Path file = dir.resolve("input-" + rows + ".txt");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < rows; i++) {
                w.write(sentences.get(i % sentences.size()).replace('\n', ' ').replace('\r', ' '));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write bench input " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
