package dev.sparkencoders.encoder.onnx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Per-column symmetric int8 quantization, checked on values worked out by hand. */
class Int8WeightTest {

    @Test
    void quantizesEachOutputColumnByItsLargestMagnitudeAndTransposes() {
        // HuggingFace layout [out 2, in 3]: row 0 = {0.3, -1, 0.25}, row 1 = {0.01, 0.04, -0.03}
        Int8Weight q = Int8Weight.quantize(new float[] {0.3f, -1f, 0.25f, 0.01f, 0.04f, -0.03f}, 2, 3);
        assertEquals(1f / 127, q.scales()[0], 1e-9f);
        assertEquals(0.04f / 127, q.scales()[1], 1e-9f);
        // row 0: 0.3 * 127 = 38.1 -> 38, -127, 31.75 -> 32; row 1: 0.01 / 0.04 * 127 = 31.75 -> 32, 127, -95.25 -> -95
        // stored [in 3, columns 32]: output columns 0 and 1, then 30 zero columns of scale 1
        assertColumns(q, new byte[] {38, 32, -127, 127, 32, -95}, 2);
    }

    @Test
    void anAllZeroColumnGetsScaleOneAndZeros() {
        Int8Weight q = Int8Weight.quantize(new float[] {0f, 0f, 3f, -6f}, 2, 2);
        assertEquals(1f, q.scales()[0]);
        assertEquals(6f / 127, q.scales()[1], 1e-9f);
        assertColumns(q, new byte[] {0, 64, 0, -127}, 2);
    }

    @Test
    void widthsAreRoundedUpToMultiplesOf32() {
        assertEquals(32, Int8Weight.columns(1));
        assertEquals(32, Int8Weight.columns(32));
        assertEquals(320, Int8Weight.columns(312));
        assertEquals(1536, Int8Weight.columns(1536));
        Int8Weight q = Int8Weight.quantize(new float[33 * 2], 33, 2);
        assertEquals(64, q.scales().length);
        assertEquals(128, q.values().length);
    }

    /** The first {@code out} columns of each row equal {@code expected} ([in, out]); the padding is zero, scale 1. */
    private static void assertColumns(Int8Weight q, byte[] expected, int out) {
        int columns = q.scales().length;
        assertEquals(32, columns);
        for (int i = 0; i < expected.length / out; i++) {
            for (int c = 0; c < columns; c++) {
                assertEquals(c < out ? expected[i * out + c] : 0, q.values()[i * columns + c], "row " + i + " column " + c);
            }
        }
        for (int c = out; c < columns; c++) {
            assertEquals(1f, q.scales()[c]);
        }
    }

    @Test
    void refusesAWeightOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class, () -> Int8Weight.quantize(new float[5], 2, 3));
    }
}
