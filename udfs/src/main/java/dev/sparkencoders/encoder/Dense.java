package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/** A linear layer, y = x W^T + b, with HuggingFace's [out, in] weight layout. */
record Dense(NDArray weight, NDArray bias) {

    /** Loads {@code name.weight} [out, in] and {@code name.bias} [out]. */
    static Dense load(WeightLoader w, String name, long out, long in) {
        return new Dense(w.load(name + ".weight", out, in), w.load(name + ".bias", out));
    }

    NDArray apply(NDArray x) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
