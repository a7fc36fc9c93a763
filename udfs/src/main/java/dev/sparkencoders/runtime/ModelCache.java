package dev.sparkencoders.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One loaded model per JVM and spec, shared by every task and thread of an executor. Models stay loaded for the
 * life of the JVM (executors are reused across tasks and stages); {@link #loads()} counts actual loads.
 *
 * <pre>{@code
 * EncoderModel model = ModelCache.get(ModelSpec.bundled());
 * }</pre>
 */
public final class ModelCache {

    private static final Map<ModelSpec, EncoderModel> MODELS = new ConcurrentHashMap<>();
    private static final AtomicLong LOADS = new AtomicLong();

    private ModelCache() {}

    public static EncoderModel get(ModelSpec spec) {
        return get(spec, () -> { });
    }

    /** Returns the JVM's model for {@code spec}, loading it (and calling {@code onLoad}) only the first time. */
    public static EncoderModel get(ModelSpec spec, Runnable onLoad) {
        return MODELS.computeIfAbsent(spec, s -> {
            EncoderModel model = EncoderModel.load(s);
            LOADS.incrementAndGet();
            onLoad.run();
            return model;
        });
    }

    /** How many models this JVM has loaded. */
    public static long loads() {
        return LOADS.get();
    }
}
