package dev.sparkencoders.encoder.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.onnxruntime.engine.OrtNDArray;
import ai.onnxruntime.OnnxTensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The bytes of an ONNX Runtime output tensor, read in place where ONNX Runtime allows it. Its public accessors
 * ({@code OnnxTensor.getByteBuffer()}) copy the tensor into a new heap array; for a batch's hidden states that is
 * about 1.5 MB per call, which the JVM allocates outside its young generation and which made the heap grow with the
 * number of rows encoded. ONNX Runtime's Java API reads its outputs through a direct view of the native tensor
 * ({@code OnnxTensor.getBuffer()}, not public in 1.21): this class uses that view and falls back to the public copy
 * when the view is not there.
 *
 * <pre>{@code
 * target.put(OutputBytes.of(hidden));   // valid while the output tensor is open
 * }</pre>
 */
final class OutputBytes {

    private static final Logger LOG = LoggerFactory.getLogger(OutputBytes.class);
    private static final MethodHandle NATIVE_VIEW = nativeView();

    private OutputBytes() {
    }

    /** Whether outputs are read in place (false: each read copies the tensor onto the heap). */
    static boolean inPlace() {
        return NATIVE_VIEW != null;
    }

    /**
     * The tensor's bytes in native order: a view of ONNX Runtime's memory when {@link #inPlace()}, valid until
     * the tensor is closed; a heap copy otherwise.
     */
    static ByteBuffer of(NDArray output) {
        if (NATIVE_VIEW != null && output instanceof OrtNDArray ort) {
            try {
                return ((ByteBuffer) NATIVE_VIEW.invokeExact(ort.getTensor())).order(ByteOrder.nativeOrder());
            } catch (Throwable e) {
                throw new IllegalStateException("Cannot read an ONNX Runtime output tensor: " + e, e);
            }
        }
        return output.toByteBuffer();
    }

    private static MethodHandle nativeView() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(OnnxTensor.class, MethodHandles.lookup());
            return lookup.findVirtual(OnnxTensor.class, "getBuffer", MethodType.methodType(ByteBuffer.class))
                    .asType(MethodType.methodType(ByteBuffer.class, OnnxTensor.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info("ONNX Runtime outputs are copied onto the heap: its direct view is not available ({})",
                    e.toString());
            return null;
        }
    }
}
