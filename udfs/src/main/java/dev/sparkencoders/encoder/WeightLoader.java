package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.SafetensorsFile;
import dev.sparkencoders.model.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Reads named tensors from a checkpoint into NDArrays owned by one manager, checking each shape against what the
 * config implies. Problems are collected, not thrown one at a time: {@link #verify()} fails once, naming every
 * missing parameter and every shape mismatch, so a user fixes a checkpoint in one go.
 *
 * <pre>{@code
 * WeightLoader w = new WeightLoader(file, null, "bert.", dir);  // no manager: locate/read only
 * String name = w.locate("embeddings.word_embeddings.weight", vocab, hidden);
 * w.verify();
 * }</pre>
 */
public final class WeightLoader {

    private final SafetensorsFile file;
    private final NDManager manager;
    private final String prefix;
    private final Path where;
    private final List<String> missing = new ArrayList<>();
    private final List<String> misshaped = new ArrayList<>();

    /** {@code manager} may be null when only {@link #locate} and {@link #read} are used. */
    public WeightLoader(SafetensorsFile file, NDManager manager, String prefix, Path where) {
        this.file = file;
        this.manager = manager;
        this.prefix = prefix;
        this.where = where;
    }

    /** The first of {@code prefixes} under which {@code probe} exists, or "" when none matches. */
    public static String detectPrefix(SafetensorsFile file, String probe, String... prefixes) {
        for (String p : prefixes) {
            if (file.entries().containsKey(p + probe)) {
                return p;
            }
        }
        return "";
    }

    /** Loads {@code prefix + name}; a LayerNorm's {@code weight}/{@code bias} may also be stored as gamma/beta. */
    NDArray load(String name, long... shape) {
        return load(name, t -> t, shape);
    }

    /** Loads a tensor and transforms its values in Java before they are copied to native memory. */
    NDArray load(String name, UnaryOperator<Tensor> transform, long... shape) {
        Tensor tensor = read(name, shape);
        if (tensor == null) {
            return null;
        }
        Tensor t = transform.apply(tensor);
        return manager.create(t.data(), new Shape(t.shape()));
    }

    /** Zeros of this shape in the loader's manager, standing in for a parameter the model does not have. */
    NDArray zeros(long... shape) {
        return manager.zeros(new Shape(shape));
    }

    /** Reads a tensor into Java memory, or records why it cannot and returns null. */
    public Tensor read(String name, long... shape) {
        String full = locate(name, shape);
        return full == null ? null : file.read(full);
    }

    /**
     * The stored name of {@code prefix + name} when it exists with this shape; otherwise records why not and returns
     * null. Reads no tensor data.
     */
    public String locate(String name, long... shape) {
        String full = resolve(prefix + name);
        if (full == null) {
            missing.add(prefix + name);
            return null;
        }
        long[] actual = file.entries().get(full).shape();
        if (!Arrays.equals(actual, shape)) {
            misshaped.add(full + " has shape " + Arrays.toString(actual) + " but config.json implies "
                    + Arrays.toString(shape));
            return null;
        }
        return full;
    }

    private String resolve(String name) {
        if (file.entries().containsKey(name)) {
            return name;
        }
        String legacy = name.endsWith(".weight") ? name.substring(0, name.length() - 6) + "gamma"
                : name.endsWith(".bias") ? name.substring(0, name.length() - 4) + "beta" : null;
        return legacy != null && name.contains("LayerNorm") && file.entries().containsKey(legacy) ? legacy : null;
    }

    /** The first dimension of a stored tensor, or -1 when it is absent. */
    long rows(String name) {
        String full = resolve(prefix + name);
        return full == null ? -1 : file.entries().get(full).shape()[0];
    }

    public boolean has(String name) {
        return resolve(prefix + name) != null;
    }

    /** Fails with one sentence naming every missing or mis-shaped parameter. */
    public void verify() {
        verify("Cannot load model " + where, "the checkpoint does not match its config.json architecture");
    }

    /** Like {@link #verify()}, with the caller's action and hint for missing parameters. */
    void verify(String action, String missingHint) {
        if (!missing.isEmpty()) {
            throw new CheckpointException(action + ": " + missing.size() + " parameters are missing from "
                    + file.path().getFileName() + ": " + abbreviate(missing) + " (" + missingHint + ")");
        }
        if (!misshaped.isEmpty()) {
            throw new CheckpointException(action + ": " + misshaped.size()
                    + " parameters disagree with config.json: " + abbreviate(misshaped)
                    + " (the config does not belong to these weights)");
        }
    }

    private static String abbreviate(List<String> items) {
        return items.size() <= 12 ? String.join(", ", items)
                : String.join(", ", items.subList(0, 12)) + ", ... and " + (items.size() - 12) + " more";
    }
}
