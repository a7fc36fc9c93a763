package dev.sparkencoders.jobs.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An ONNX model holding one matrix product, written in memory: input {@code A} [m, k], a constant {@code B} [k, n]
 * (an initializer, as a model's weights are, so ONNX Runtime may pre-pack it) and output {@code Y} [m, n]. fp32 and
 * bf16 are one MatMul in that type; int8 is ONNX Runtime's contrib operator {@code DynamicQuantizeMatMul} (domain
 * com.microsoft) as our engine runs the encoder's linear layers at model.precision=int8: A and Y float, B int8
 * quantized per output column (symmetric, {@link #quantize}) with its float scales {@code B_scale} [n], A quantized
 * to uint8 by ONNX Runtime on every call. The protobuf fields written are those of onnx.proto (IR version 8, default
 * opset 17, and com.microsoft version 1 for int8).
 */
final class MatMulGraph {

    static final String INPUT = "A";
    static final String WEIGHT = "B";
    static final String OUTPUT = "Y";
    static final String WEIGHT_SCALE = "B_scale";
    static final String MICROSOFT = "com.microsoft";

    /**
     * Element types of A and Y ({@code onnxType}) and of B ({@code weightType}), as onnx.proto TensorProto.DataType
     * numbers.
     */
    enum Precision {
        FP32(1, 1, "fp32"),
        BF16(16, 16, "bf16"),
        INT8(1, 3, "int8");

        final int onnxType;
        final int weightType;
        final String label;

        Precision(int onnxType, int weightType, String label) {
            this.onnxType = onnxType;
            this.weightType = weightType;
            this.label = label;
        }
    }

    /**
     * B [k, n] quantized per column: {@code scales[j] = max_i |b[i][j]| / 127} (1 for an all-zero column),
     * {@code values[i][j] = round(b[i][j] / scales[j])}, row-major [k, n].
     */
    record Int8(byte[] values, float[] scales) {}

    // onnx.proto field numbers
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER = 2;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET = 8;
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_DOMAIN = 7;
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

    /**
     * The model bytes of A [m, k] x B [k, n], {@code b} row-major [k, n]: rounded to bf16 for {@link Precision#BF16},
     * quantized per column ({@link #quantize}) for {@link Precision#INT8}.
     */
    static byte[] model(int m, int k, int n, Precision precision, float[] b) {
        if (b.length != (long) k * n) {
            throw new IllegalArgumentException("Cannot write the MatMul graph: B has " + b.length + " values for ["
                    + k + ", " + n + "] (give k * n values, row-major)");
        }
        ProtoWriter node = new ProtoWriter().string(NODE_INPUT, INPUT).string(NODE_INPUT, WEIGHT);
        ProtoWriter graph = new ProtoWriter();
        if (precision == Precision.INT8) {
            Int8 q = quantize(b, k, n);
            node.string(NODE_INPUT, WEIGHT_SCALE).string(NODE_OUTPUT, OUTPUT)
                    .string(NODE_OP_TYPE, "DynamicQuantizeMatMul").string(NODE_DOMAIN, MICROSOFT);
            graph.message(GRAPH_NODE, node).string(GRAPH_NAME, "matmul")
                    .message(GRAPH_INITIALIZER, tensor(WEIGHT, precision.weightType, q.values(), k, n))
                    .message(GRAPH_INITIALIZER, tensor(WEIGHT_SCALE, Precision.FP32.onnxType,
                            raw(q.scales(), Precision.FP32), n));
        } else {
            node.string(NODE_OUTPUT, OUTPUT).string(NODE_OP_TYPE, "MatMul");
            graph.message(GRAPH_NODE, node).string(GRAPH_NAME, "matmul")
                    .message(GRAPH_INITIALIZER, tensor(WEIGHT, precision.weightType, raw(b, precision), k, n));
        }
        graph.message(GRAPH_INPUT, value(INPUT, precision, m, k))
                .message(GRAPH_OUTPUT, value(OUTPUT, precision, m, n));
        ProtoWriter model = new ProtoWriter().varint(MODEL_IR_VERSION, 8).string(MODEL_PRODUCER, "spark-encoders bench")
                .message(MODEL_GRAPH, graph).message(MODEL_OPSET, new ProtoWriter().varint(OPSET_VERSION, 17));
        if (precision == Precision.INT8) {
            model.message(MODEL_OPSET, new ProtoWriter().string(OPSET_DOMAIN, MICROSOFT).varint(OPSET_VERSION, 1));
        }
        return model.toByteArray();
    }

    /** B [k, n] row-major as symmetric int8 with one scale per column, as our engine quantizes weights. */
    static Int8 quantize(float[] b, int k, int n) {
        float[] scales = new float[n];
        byte[] values = new byte[b.length];
        for (int j = 0; j < n; j++) {
            float max = 0;
            for (int i = 0; i < k; i++) {
                max = Math.max(max, Math.abs(b[i * n + j]));
            }
            scales[j] = max == 0 ? 1f : max / 127f;
            for (int i = 0; i < k; i++) {
                int q = Math.round(b[i * n + j] / scales[j]);
                values[i * n + j] = (byte) Math.max(-127, Math.min(127, q));
            }
        }
        return new Int8(values, scales);
    }

    private static ProtoWriter tensor(String name, int type, byte[] raw, long... dims) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(TENSOR_DIMS, d);
        }
        return t.varint(TENSOR_DATA_TYPE, type).string(TENSOR_NAME, name).bytes(TENSOR_RAW_DATA, raw);
    }

    /** Little-endian raw data: fp32 values, or the upper 16 bits of each rounded to nearest even for bf16. */
    static byte[] raw(float[] values, Precision precision) {
        if (precision == Precision.INT8) {
            throw new IllegalArgumentException("Cannot write int8 values as raw floats (quantize them first)");
        }
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
