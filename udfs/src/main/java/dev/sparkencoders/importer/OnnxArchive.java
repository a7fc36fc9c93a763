package dev.sparkencoders.importer;

import dev.sparkencoders.model.CheckpointException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A jar or zip that ships an ONNX export with its tokenizer, as langchain4j's embeddings jars do
 * ({@code bge-small-en-v1.5.onnx} beside {@code bge-small-en-v1.5-tokenizer.json}): exactly one {@code .onnx} entry,
 * and the tokenizer named by the caller or else the one entry ending in {@code tokenizer.json}.
 *
 * <pre>{@code
 * try (OnnxArchive a = OnnxArchive.open(jar, null); InputStream onnx = a.onnx(); InputStream tok = a.tokenizer()) {
 *     OnnxImporter.importModel(onnx, tok, outDir, options);
 * }
 * }</pre>
 */
public final class OnnxArchive implements AutoCloseable {

    private final ZipFile zip;
    private final ZipEntry onnx;
    private final ZipEntry tokenizer;

    private OnnxArchive(ZipFile zip, ZipEntry onnx, ZipEntry tokenizer) {
        this.zip = zip;
        this.onnx = onnx;
        this.tokenizer = tokenizer;
    }

    /** Whether {@code source} is a readable jar or zip with at least one {@code .onnx} entry. */
    public static boolean holdsOnnx(Path source) {
        if (!Files.isRegularFile(source)) {
            return false;
        }
        try (ZipFile zip = new ZipFile(source.toFile())) {
            return !entriesEndingWith(zip, ".onnx").isEmpty();
        } catch (IOException e) {
            return false; // not a zip: another importer's format
        }
    }

    /**
     * Opens {@code source} and picks its ONNX export and tokenizer ({@code tokenizerEntry}, or null to find the one
     * entry ending in {@code tokenizer.json}).
     */
    public static OnnxArchive open(Path source, String tokenizerEntry) throws IOException {
        ZipFile zip = new ZipFile(source.toFile());
        try {
            ZipEntry onnx = only(entriesEndingWith(zip, ".onnx"), source, "ONNX file", "");
            ZipEntry tokenizer;
            if (tokenizerEntry != null) {
                tokenizer = zip.getEntry(tokenizerEntry);
                if (tokenizer == null) {
                    throw new CheckpointException("Cannot import model " + source + ": it has no entry "
                            + tokenizerEntry + " (check import.tokenizer; its tokenizers: "
                            + entriesEndingWith(zip, ".json") + ")");
                }
            } else {
                tokenizer = only(entriesEndingWith(zip, "tokenizer.json"), source, "tokenizer",
                        " (name the one to use with import.tokenizer)");
            }
            return new OnnxArchive(zip, onnx, tokenizer);
        } catch (RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** The ONNX export's entry name. */
    public String onnxEntry() {
        return onnx.getName();
    }

    /** The tokenizer's entry name. */
    public String tokenizerEntry() {
        return tokenizer.getName();
    }

    /** The ONNX export's bytes; close it before the archive. */
    public InputStream onnx() throws IOException {
        return zip.getInputStream(onnx);
    }

    /** The tokenizer's bytes; close it before the archive. */
    public InputStream tokenizer() throws IOException {
        return zip.getInputStream(tokenizer);
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    private static List<ZipEntry> entriesEndingWith(ZipFile zip, String suffix) {
        return Collections.list(zip.entries()).stream()
                .filter(e -> !e.isDirectory() && e.getName().toLowerCase(Locale.ROOT).endsWith(suffix))
                .map(e -> (ZipEntry) e).toList();
    }

    private static ZipEntry only(List<ZipEntry> found, Path source, String what, String hint) {
        if (found.size() != 1) {
            throw new CheckpointException("Cannot import model " + source + ": it holds " + found.size() + " "
                    + what + (found.size() == 1 ? "" : "s") + " " + found.stream().map(ZipEntry::getName).toList()
                    + " where one is needed" + (hint.isEmpty() ? " (import an archive with a single model)" : hint));
        }
        return found.get(0);
    }
}
