package dev.sparkencoders.encoder.onnx;

/**
 * A linear layer's weight quantized for ONNX Runtime's DynamicQuantizeMatMul: symmetric int8 with one scale per
 * output column, {@code scale[o] = max_i |w[o][i]| / 127} (1 for an all-zero column) and
 * {@code q[o][i] = round(w[o][i] / scale[o])}, stored as MatMul's B, i.e. transposed to [in, out].
 *
 * <pre>{@code
 * Int8Weight q = Int8Weight.quantize(new float[] {0.5f, -1f, 0.25f, 0f}, 2, 2);  // [out 2, in 2]
 * // q.scales() = {1/127, 0.25/127}; q.values() = {64, 127, -127, 0} ([in, out])
 * }</pre>
 *
 * @param values int8 values, [in, out] row-major
 * @param scales one scale per output column
 */
record Int8Weight(byte[] values, float[] scales) {

    /** Quantizes HuggingFace's [out, in] row-major {@code weight}. */
    static Int8Weight quantize(float[] weight, int out, int in) {
        if (weight.length != (long) out * in) {
            throw new IllegalArgumentException("a weight of " + weight.length + " values is not [" + out + ", " + in + "]");
        }
        float[] scales = new float[out];
        byte[] values = new byte[weight.length];
        for (int o = 0; o < out; o++) {
            float max = 0;
            for (int i = 0; i < in; i++) {
                max = Math.max(max, Math.abs(weight[o * in + i]));
            }
            float scale = max == 0 ? 1f : max / 127f;
            scales[o] = scale;
            for (int i = 0; i < in; i++) {
                int q = Math.round(weight[o * in + i] / scale);
                values[i * out + o] = (byte) Math.max(-127, Math.min(127, q));
            }
        }
        return new Int8Weight(values, scales);
    }
}
