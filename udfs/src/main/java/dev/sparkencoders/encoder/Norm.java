package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

/** LayerNorm over the last dimension with the config's epsilon. */
record Norm(NDArray weight, NDArray bias, float eps) {

    static Norm load(WeightLoader w, String name, long size, float eps) {
        return load(w, name, size, eps, true);
    }

    /** A LayerNorm with or without a bias ({@code nn.LayerNorm(bias=False)} is one whose bias is zero). */
    static Norm load(WeightLoader w, String name, long size, float eps, boolean bias) {
        return new Norm(w.load(name + ".weight", size), bias ? w.load(name + ".bias", size) : w.zeros(size), eps);
    }

    NDArray apply(NDArray x) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().get(x.getShape().dimension() - 1)), weight, bias, eps)
                .singletonOrThrow();
    }
}
