package dev.sparkencoders.jobs.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An ONNX model holding one MatMul, written in memory: input {@code A} [m, k], a constant {@code B} [k, n] (an
 * initializer, as a model's weights are, so ONNX Runtime may pre-pack it) and output {@code Y} [m, n], in fp32 or
 * bf16. The protobuf fields written are those of onnx.proto (IR version 8, default opset 17).
 */
final class MatMulGraph {

    static final String INPUT = "A";
    static final String WEIGHT = "B";
    static final String OUTPUT = "Y";

    /** Element types, with their onnx.proto TensorProto.DataType number. */
    enum Precision {
        FP32(1, "fp32"),
        BF16(16, "bf16");

        final int onnxType;
        final String label;

        Precision(int onnxType, String label) {
            this.onnxType = onnxType;
            this.label = label;
        }
    }

    // onnx.proto field numbers
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER = 2;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET = 8;
    private static final int OPSET_VERSION = 2;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_OP_TYPE = 4;
    private static final int VALUE_NAME = 1;
    private static final int VALUE_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_TYPE_ELEM = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;

    private MatMulGraph() {}

    /** The model bytes of A [m, k] x B [k, n], {@code b} row-major [k, n] (rounded to bf16 for {@link Precision#BF16}). */
    static byte[] model(int m, int k, int n, Precision precision, float[] b) {
        if (b.length != (long) k * n) {
            throw new IllegalArgumentException("Cannot write the MatMul graph: B has " + b.length + " values for ["
                    + k + ", " + n + "] (give k * n values, row-major)");
        }
        ProtoWriter node = new ProtoWriter().string(NODE_INPUT, INPUT).string(NODE_INPUT, WEIGHT)
                .string(NODE_OUTPUT, OUTPUT).string(NODE_OP_TYPE, "MatMul");
        ProtoWriter weight = new ProtoWriter().varint(TENSOR_DIMS, k).varint(TENSOR_DIMS, n)
                .varint(TENSOR_DATA_TYPE, precision.onnxType).string(TENSOR_NAME, WEIGHT)
                .bytes(TENSOR_RAW_DATA, raw(b, precision));
        ProtoWriter graph = new ProtoWriter().message(GRAPH_NODE, node).string(GRAPH_NAME, "matmul")
                .message(GRAPH_INITIALIZER, weight)
                .message(GRAPH_INPUT, value(INPUT, precision, m, k))
                .message(GRAPH_OUTPUT, value(OUTPUT, precision, m, n));
        return new ProtoWriter().varint(MODEL_IR_VERSION, 8).string(MODEL_PRODUCER, "spark-encoders bench")
                .message(MODEL_GRAPH, graph).message(MODEL_OPSET, new ProtoWriter().varint(OPSET_VERSION, 17))
                .toByteArray();
    }

    /** Little-endian raw data: fp32 values, or the upper 16 bits of each rounded to nearest even for bf16. */
    static byte[] raw(float[] values, Precision precision) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * (precision == Precision.FP32 ? 4 : 2))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (precision == Precision.FP32) {
                buf.putFloat(v);
            } else {
                buf.putShort(bf16(v));
            }
        }
        return buf.array();
    }

    /** The bf16 bits of a float, rounded to nearest even (NaN-free inputs). */
    static short bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    private static ProtoWriter value(String name, Precision precision, long rows, long columns) {
        ProtoWriter shape = new ProtoWriter().message(SHAPE_DIM, new ProtoWriter().varint(DIM_VALUE, rows))
                .message(SHAPE_DIM, new ProtoWriter().varint(DIM_VALUE, columns));
        ProtoWriter tensor = new ProtoWriter().varint(TENSOR_TYPE_ELEM, precision.onnxType)
                .message(TENSOR_TYPE_SHAPE, shape);
        return new ProtoWriter().string(VALUE_NAME, name)
                .message(VALUE_TYPE, new ProtoWriter().message(TYPE_TENSOR, tensor));
    }
}
