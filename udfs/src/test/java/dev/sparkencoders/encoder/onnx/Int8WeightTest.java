package dev.sparkencoders.encoder.onnx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Per-column symmetric int8 quantization, checked on values worked out by hand. */
class Int8WeightTest {

    @Test
    void quantizesEachOutputColumnByItsLargestMagnitudeAndTransposes() {
        // HuggingFace layout [out 2, in 3]: row 0 = {0.3, -1, 0.25}, row 1 = {0.01, 0.04, -0.03}
        Int8Weight q = Int8Weight.quantize(new float[] {0.3f, -1f, 0.25f, 0.01f, 0.04f, -0.03f}, 2, 3);
        assertArrayEquals(new float[] {1f / 127, 0.04f / 127}, q.scales(), 1e-9f);
        // row 0: 0.3 * 127 = 38.1 -> 38, -127, 31.75 -> 32; row 1: 0.01 / 0.04 * 127 = 31.75 -> 32, 127, -95.25 -> -95
        // stored [in 3, out 2]
        assertArrayEquals(new byte[] {38, 32, -127, 127, 32, -95}, q.values());
    }

    @Test
    void anAllZeroColumnGetsScaleOneAndZeros() {
        Int8Weight q = Int8Weight.quantize(new float[] {0f, 0f, 3f, -6f}, 2, 2);
        assertArrayEquals(new float[] {1f, 6f / 127}, q.scales(), 1e-9f);
        assertArrayEquals(new byte[] {0, 64, 0, -127}, q.values());
    }

    @Test
    void refusesAWeightOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class, () -> Int8Weight.quantize(new float[5], 2, 3));
    }
}
