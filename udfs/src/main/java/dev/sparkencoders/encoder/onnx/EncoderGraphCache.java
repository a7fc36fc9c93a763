package dev.sparkencoders.encoder.onnx;

import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.model.CacheDirectory;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the ONNX graph of a checkpoint's encoder body is kept between runs: {@code <cache root>/onnx/<SHA-256 of
 * model.safetensors>-<fingerprint>.onnx} under {@link CacheDirectory#root()}; the fingerprint covers config.json
 * (heads, epsilon, activation shape the graph too), {@link #FORMAT_VERSION} and the precision (int8 graphs only, so
 * fp32 graphs cached before precisions existed stay valid). A graph is written to a staging
 * file beside its final name and renamed into place atomically, so readers see a whole file or none; processes
 * racing to write the same graph write identical bytes and the last rename wins.
 *
 * <pre>{@code
 * Path graph = EncoderGraphCache.graph(checkpoint, Precision.FP32);  // writes it on first use
 * }</pre>
 */
public final class EncoderGraphCache {

    /** Bump when {@link EncoderGraphWriter}'s output changes, so cached graphs are rewritten. */
    static final int FORMAT_VERSION = 1;

    private EncoderGraphCache() {}

    /** The cached graph of the checkpoint at {@code precision}, written first if it is absent. */
    public static Path graph(Checkpoint checkpoint, Precision precision) {
        Path file = location(checkpoint, precision);
        if (!Files.isRegularFile(file)) {
            write(checkpoint, precision, file);
        }
        return file;
    }

    /** Where the checkpoint's graph at {@code precision} is (or would be) cached. */
    public static Path location(Checkpoint checkpoint, Precision precision) {
        String config;
        try {
            config = Files.readString(checkpoint.dir().resolve(Checkpoint.CONFIG), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException("Cannot read " + checkpoint.dir().resolve(Checkpoint.CONFIG) + ": "
                    + CheckpointException.firstLine(e), e);
        }
        String key = FORMAT_VERSION + "|" + config + (precision == Precision.FP32 ? "" : "|" + precision.id());
        String fingerprint = sha256(key).substring(0, 12);
        return CacheDirectory.root().toAbsolutePath().normalize().resolve("onnx")
                .resolve(checkpoint.weightsSha256() + "-" + fingerprint + ".onnx");
    }

    /** Writes (or rewrites) the checkpoint's graph at {@code file} through a staging file and an atomic rename. */
    public static void write(Checkpoint checkpoint, Precision precision, Path file) {
        Path dir = file.getParent();
        Path staging = null;
        try {
            Files.createDirectories(dir);
            staging = Files.createTempFile(dir, "." + file.getFileName() + ".staging-", "");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(staging), 1 << 20)) {
                EncoderGraphWriter.write(checkpoint, precision, out);
            }
            try {
                Files.move(staging, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CheckpointException("Cannot write the ONNX graph of model " + checkpoint.dir() + " to " + file
                    + ": " + CheckpointException.firstLine(e) + " (set " + CacheDirectory.PROPERTY + " or "
                    + CacheDirectory.ENV + " to a writable directory)", e);
        } finally {
            if (staging != null) {
                try {
                    Files.deleteIfExists(staging);
                } catch (IOException ignored) {
                    // a leftover staging file is harmless
                }
            }
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
