package dev.sparkencoders.encoder.onnx;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ONNX Runtime tensors read in place, with the values they hold. */
class OutputBytesTest {

    @Test
    void readsTensorsInPlaceOnTheOnnxRuntimeOnTheClassPath() {
        assertTrue(OutputBytes.inPlace(), "ONNX Runtime's direct view of its tensors is not reachable: every batch's"
                + " hidden states are copied onto the Java heap again");
    }

    @Test
    void viewHoldsTheTensorsValues() {
        float[] values = {1.5f, -2f, 3.25f, 0f, 1e-7f, -65504f};
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), OnnxRuntimeEncoder.ENGINE)) {
            NDArray tensor = manager.create(values, new Shape(2, 3));
            ByteBuffer bytes = OutputBytes.of(tensor);
            assertTrue(bytes.isDirect(), "expected a view of the native tensor, got a heap copy");
            float[] read = new float[values.length];
            bytes.asFloatBuffer().get(read);
            assertArrayEquals(values, read);
        }
    }
}
