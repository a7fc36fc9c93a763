package dev.sparkencoders.encoder;

import dev.sparkencoders.model.Pooling;
import ai.djl.ndarray.NDArray;

import java.util.Arrays;

/**
 * Turns a last hidden state [B, L, H] into sentence vectors [B, H] with a {@link Pooling} mode over the attention
 * mask, optionally L2-normalised (as sentence-transformers' Normalize module: x / max(||x||, 1e-12)).
 */
public final class SentencePooler {

    private SentencePooler() {}

    public static float[][] pool(NDArray hidden, NDArray mask, Pooling pooling, boolean normalize) {
        long batch = hidden.getShape().get(0);
        int width = (int) hidden.getShape().get(2);
        try (NDArray expanded = mask.expandDims(2)) {
            NDArray pooled = switch (pooling) {
                case CLS -> hidden.get(":, 0, :");
                case MEAN -> {
                    try (NDArray sum = hidden.mul(expanded).sum(new int[] {1});
                         NDArray count = mask.sum(new int[] {1}, true).maximum(1e-9f)) {
                        yield sum.div(count);
                    }
                }
                case MAX -> {
                    try (NDArray penalty = expanded.sub(1f).muli(1e30f);
                         NDArray shifted = hidden.add(penalty)) {
                        yield shifted.max(new int[] {1});
                    }
                }
            };
            try (NDArray result = normalize ? normalized(pooled) : pooled) {
                float[] flat = result.toFloatArray();
                float[][] rows = new float[(int) batch][];
                for (int r = 0; r < batch; r++) {
                    rows[r] = Arrays.copyOfRange(flat, r * width, (r + 1) * width);
                }
                return rows;
            }
        }
    }

    private static NDArray normalized(NDArray pooled) {
        try (pooled; NDArray norm = pooled.norm(new int[] {1}, true).maximum(1e-12f)) {
            return pooled.div(norm);
        }
    }
}
