package dev.sparkencoders.model;

import java.util.Arrays;

/**
 * A named float32 tensor held in Java memory, row-major, as read from or written to a checkpoint.
 *
 * <pre>{@code
 * Tensor bias = new Tensor("encoder.layer.0.output.dense.bias", new long[] {384}, new float[384]);
 * }</pre>
 */
public record Tensor(String name, long[] shape, float[] data) {

    public Tensor {
        long expected = elementCount(shape);
        if (expected != data.length) {
            throw new IllegalArgumentException("Cannot create tensor '" + name + "': shape "
                    + Arrays.toString(shape) + " needs " + expected + " values but " + data.length + " were given");
        }
    }

    /** Number of elements of a tensor of this shape (1 for a scalar). */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Cannot use shape " + Arrays.toString(shape) + ": negative dimension");
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The same data under a new name. */
    public Tensor renamed(String newName) {
        return new Tensor(newName, shape, data);
    }

    /** A copy of a 2-D tensor with rows and columns swapped ([in, out] to [out, in] and back). */
    public Tensor transposed2d(String newName) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("Cannot transpose tensor '" + name + "': it has "
                    + shape.length + " dimensions, not 2");
        }
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        float[] out = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = data[r * cols + c];
            }
        }
        return new Tensor(newName, new long[] {cols, rows}, out);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
