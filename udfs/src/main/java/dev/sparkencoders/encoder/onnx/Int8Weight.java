package dev.sparkencoders.encoder.onnx;

/**
 * A linear layer's weight quantized for ONNX Runtime's DynamicQuantizeMatMul: symmetric int8 with one scale per
 * output column, {@code scale[o] = max_i |w[o][i]| / 127} (1 for an all-zero column) and
 * {@code q[o][i] = round(w[o][i] / scale[o])}, stored as MatMul's B, i.e. transposed to [in, columns].
 *
 * <p>{@code columns} is the output width rounded up to a multiple of {@link #COLUMN_MULTIPLE}, the extra columns
 * zero: ONNX Runtime 1.21.1's DynamicQuantizeMatMul returns wrong values in some output rows when the width modulo
 * 32 is 17 to 31 (measured on a CPU with AVX-512 VNNI and AMX: errors of 10^3 at widths 17-31, of order 1 at 50,
 * 250 or 312, none at multiples of 32 nor at widths modulo 32 of 1 to 16). The graph slices the padding off.
 *
 * <pre>{@code
 * Int8Weight q = Int8Weight.quantize(new float[] {0.3f, -1f, 0.25f, 0f}, 2, 2);  // [out 2, in 2]
 * // q.scales() = {1/127, 0.25/127, 1, 1, ...} (32 columns); q.values() row 0 = {38, 127, 0, ...}, row 1 = {-127, 0, 0, ...}
 * }</pre>
 *
 * @param values int8 values, [in, columns] row-major
 * @param scales one scale per column
 */
record Int8Weight(byte[] values, float[] scales) {

    /** The stored width is a multiple of this. */
    static final int COLUMN_MULTIPLE = 32;

    /** The stored width of an output width {@code out}: {@code out} rounded up to {@link #COLUMN_MULTIPLE}. */
    static int columns(int out) {
        return (out + COLUMN_MULTIPLE - 1) / COLUMN_MULTIPLE * COLUMN_MULTIPLE;
    }

    /** Quantizes HuggingFace's [out, in] row-major {@code weight} into {@link #columns}(out) columns. */
    static Int8Weight quantize(float[] weight, int out, int in) {
        if (weight.length != (long) out * in) {
            throw new IllegalArgumentException("a weight of " + weight.length + " values is not [" + out + ", " + in + "]");
        }
        int columns = columns(out);
        float[] scales = new float[columns];
        java.util.Arrays.fill(scales, out, columns, 1f);
        byte[] values = new byte[in * columns];
        for (int o = 0; o < out; o++) {
            float max = 0;
            for (int i = 0; i < in; i++) {
                max = Math.max(max, Math.abs(weight[o * in + i]));
            }
            float scale = max == 0 ? 1f : max / 127f;
            scales[o] = scale;
            for (int i = 0; i < in; i++) {
                int q = Math.round(weight[o * in + i] / scale);
                values[i * columns + o] = (byte) Math.max(-127, Math.min(127, q));
            }
        }
        return new Int8Weight(values, scales);
    }
}
