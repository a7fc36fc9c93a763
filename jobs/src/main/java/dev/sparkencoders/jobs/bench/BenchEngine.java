package dev.sparkencoders.jobs.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** One of our engines, as {@code bench.engines} and the {@code model.engine} setting name it. */
public enum BenchEngine {
    /** DJL's PyTorch engine, the default today. */
    PYTORCH,
    /** ONNX Runtime, through the {@code model.engine} setting. */
    ONNXRUNTIME;

    /** The name in {@code bench.engines} and {@code model.engine}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The engines of a comma-separated list, in its order, each once. */
    public static List<BenchEngine> parseList(String value) {
        List<BenchEngine> out = new ArrayList<>();
        for (String name : value.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            BenchEngine engine;
            try {
                engine = valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Cannot use bench engine '" + name.trim() + "': unknown engine"
                        + " (known: " + names() + ")", e);
            }
            if (!out.contains(engine)) {
                out.add(engine);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("Cannot use bench engines '" + value + "': name at least one engine"
                    + " (known: " + names() + ")");
        }
        return out;
    }

    static String names() {
        return Arrays.stream(values()).map(BenchEngine::id).collect(Collectors.joining(","));
    }
}
