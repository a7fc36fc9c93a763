package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/** A linear layer, y = x W^T + b, with HuggingFace's [out, in] weight layout; {@code bias} is null for none. */
record Dense(NDArray weight, NDArray bias) {

    /** Loads {@code name.weight} [out, in] and {@code name.bias} [out]. */
    static Dense load(WeightLoader w, String name, long out, long in) {
        return load(w, name, out, in, true);
    }

    /** Loads {@code name.weight} [out, in] and, when the layer has one, {@code name.bias} [out]. */
    static Dense load(WeightLoader w, String name, long out, long in, boolean bias) {
        return new Dense(w.load(name + ".weight", out, in), bias ? w.load(name + ".bias", out) : null);
    }

    NDArray apply(NDArray x) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
