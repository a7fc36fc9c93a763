package dev.sparkencoders.encoder.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * An ONNX model under construction (one graph, default domain, one opset): inputs, outputs, nodes and initializers.
 * Initializers are {@code raw_data} tensors whose values are produced only while the file is written, one at a
 * time, so a model of hundreds of megabytes is never held in memory twice.
 *
 * <pre>{@code
 * OnnxModelFile model = new OnnxModelFile(12);
 * model.input("x", OnnxModelFile.FLOAT, "batch", 4L);
 * String y = model.node("Relu", List.of("x"));
 * model.output(y, "y", OnnxModelFile.FLOAT, "batch", 4L);
 * model.writeTo(out);
 * }</pre>
 */
final class OnnxModelFile {

    /** ONNX TensorProto.DataType values. */
    static final int FLOAT = 1;
    static final int INT8 = 3;
    static final int INT64 = 7;

    /** ONNX Runtime's contrib operator domain (DynamicQuantizeMatMul and others). */
    static final String MICROSOFT = "com.microsoft";

    /** Protobuf cannot parse a message of 2 GB or more. */
    static final long MAX_BYTES = Integer.MAX_VALUE;

    /** A node attribute, already encoded as an AttributeProto. */
    record Attribute(ProtoMessage proto) {

        static Attribute ints(String name, long... values) {
            ProtoMessage m = new ProtoMessage().string(1, name).varint(20, 7);
            for (long v : values) {
                m.varint(8, v);
            }
            return new Attribute(m);
        }

        static Attribute integer(String name, long value) {
            return new Attribute(new ProtoMessage().string(1, name).varint(3, value).varint(20, 2));
        }

        static Attribute real(String name, float value) {
            return new Attribute(new ProtoMessage().string(1, name).float32(2, value).varint(20, 1));
        }
    }

    private record Initializer(String name, long[] dims, int dataType, long byteLength, Supplier<byte[]> data) {

        ProtoMessage header() {
            ProtoMessage m = new ProtoMessage();
            for (long d : dims) {
                m.varint(1, d);
            }
            return m.varint(2, dataType).string(8, name);
        }

        /** The size of the whole TensorProto: header, then raw_data (field 9). */
        long messageSize() {
            return header().size() + ProtoMessage.lengthPrefixSize(9, byteLength) + byteLength;
        }
    }

    private final int opset;
    private final List<ProtoMessage> nodes = new ArrayList<>();
    private final List<ProtoMessage> inputs = new ArrayList<>();
    private final List<ProtoMessage> outputs = new ArrayList<>();
    private final List<Initializer> initializers = new ArrayList<>();
    private int counter;
    private boolean microsoft;

    OnnxModelFile(int opset) {
        this.opset = opset;
    }

    /** Declares a graph input; each dimension is a symbolic name (String) or a size (Long). */
    void input(String name, int elementType, Object... dims) {
        inputs.add(valueInfo(name, elementType, dims));
    }

    /** Renames {@code value} to {@code name} through an Identity node and declares it as a graph output. */
    void output(String value, String name, int elementType, Object... dims) {
        nodes.add(nodeProto("Identity", List.of(value), List.of(name), List.of()));
        outputs.add(valueInfo(name, elementType, dims));
    }

    /** Adds a node with one output and returns the output's name. */
    String node(String opType, List<String> nodeInputs, Attribute... attributes) {
        String output = opType.toLowerCase(java.util.Locale.ROOT) + "_" + counter++;
        nodes.add(nodeProto(opType, nodeInputs, List.of(output), List.of(attributes)));
        return output;
    }

    /** A float32 initializer whose values are computed when the file is written. */
    String floats(String name, long[] dims, Supplier<float[]> values) {
        long count = 1;
        for (long d : dims) {
            count = Math.multiplyExact(count, d);
        }
        initializers.add(new Initializer(name, dims.clone(), FLOAT, Math.multiplyExact(count, 4L), () -> {
            float[] v = values.get();
            ByteBuffer buffer = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asFloatBuffer().put(v);
            return buffer.array();
        }));
        return name;
    }

    /** An int8 initializer whose values are computed when the file is written. */
    String int8s(String name, long[] dims, Supplier<byte[]> values) {
        long count = 1;
        for (long d : dims) {
            count = Math.multiplyExact(count, d);
        }
        initializers.add(new Initializer(name, dims.clone(), INT8, count, values));
        return name;
    }

    /** Adds a node of ONNX Runtime's contrib domain with one output and returns the output's name. */
    String microsoftNode(String opType, List<String> nodeInputs) {
        String output = opType.toLowerCase(java.util.Locale.ROOT) + "_" + counter++;
        nodes.add(nodeProto(opType, nodeInputs, List.of(output), List.of()).string(7, MICROSOFT));
        microsoft = true;
        return output;
    }

    /** A float32 scalar constant. */
    String scalar(float value) {
        String name = "const_" + counter++;
        return floats(name, new long[0], () -> new float[] {value});
    }

    /** An int64 constant of the given shape. */
    String int64s(long[] dims, long... values) {
        String name = "const_" + counter++;
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        byte[] bytes = buffer.array();
        initializers.add(new Initializer(name, dims.clone(), INT64, bytes.length, () -> bytes));
        return name;
    }

    /** The size of the file {@link #writeTo} writes, computed without producing any tensor data. */
    long size() {
        long graph = graphSize();
        return header().size() + ProtoMessage.lengthPrefixSize(7, graph) + graph;
    }

    private long graphSize() {
        long size = 0;
        for (ProtoMessage m : graphParts()) {
            size += m.size();
        }
        for (Initializer init : initializers) {
            long message = init.messageSize();
            size += ProtoMessage.lengthPrefixSize(5, message) + message;
        }
        return size;
    }

    /** Writes the ModelProto; fails when it would reach protobuf's 2 GB limit. */
    void writeTo(OutputStream out) throws IOException {
        long total = size();
        if (total >= MAX_BYTES) {
            throw new IllegalStateException("the ONNX graph would take " + total + " bytes, more than protobuf's 2 GB");
        }
        out.write(header().toByteArray());
        ProtoMessage.lengthPrefix(out, 7, graphSize());
        for (ProtoMessage part : graphParts()) {
            out.write(part.toByteArray());
        }
        for (Initializer init : initializers) {
            ProtoMessage.lengthPrefix(out, 5, init.messageSize());
            out.write(init.header().toByteArray());
            byte[] data = init.data().get();
            if (data.length != init.byteLength()) {
                throw new IllegalStateException("initializer " + init.name() + " produced " + data.length
                        + " bytes instead of " + init.byteLength());
            }
            ProtoMessage.lengthPrefix(out, 9, data.length);
            out.write(data);
        }
    }

    /** ModelProto fields before the graph: ir_version 7 (ONNX 1.7), producer, opsets of the default and contrib domains. */
    private ProtoMessage header() {
        ProtoMessage m = new ProtoMessage().varint(1, 7).string(2, "spark-encoders")
                .message(8, new ProtoMessage().string(1, "").varint(2, opset));
        return microsoft ? m.message(8, new ProtoMessage().string(1, MICROSOFT).varint(2, 1)) : m;
    }

    /** GraphProto fields other than initializers, each already framed with its tag. */
    private List<ProtoMessage> graphParts() {
        List<ProtoMessage> parts = new ArrayList<>();
        for (ProtoMessage node : nodes) {
            parts.add(new ProtoMessage().message(1, node));
        }
        parts.add(new ProtoMessage().string(2, "encoder"));
        for (ProtoMessage input : inputs) {
            parts.add(new ProtoMessage().message(11, input));
        }
        for (ProtoMessage output : outputs) {
            parts.add(new ProtoMessage().message(12, output));
        }
        return parts;
    }

    private ProtoMessage nodeProto(String opType, List<String> nodeInputs, List<String> nodeOutputs,
                                   List<Attribute> attributes) {
        ProtoMessage m = new ProtoMessage();
        nodeInputs.forEach(i -> m.string(1, i));
        nodeOutputs.forEach(o -> m.string(2, o));
        m.string(3, "n" + nodes.size()).string(4, opType);
        attributes.forEach(a -> m.message(5, a.proto()));
        return m;
    }

    private static ProtoMessage valueInfo(String name, int elementType, Object... dims) {
        ProtoMessage shape = new ProtoMessage();
        for (Object d : dims) {
            shape.message(1, d instanceof String s ? new ProtoMessage().string(2, s)
                    : new ProtoMessage().varint(1, (Long) d));
        }
        ProtoMessage tensorType = new ProtoMessage().varint(1, elementType).message(2, shape);
        return new ProtoMessage().bytes(1, name.getBytes(StandardCharsets.UTF_8))
                .message(2, new ProtoMessage().message(1, tensorType));
    }
}
