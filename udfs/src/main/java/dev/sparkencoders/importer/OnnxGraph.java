package dev.sparkencoders.importer;

import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.SafetensorsDtype;
import dev.sparkencoders.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code ModelProto} the importer needs: the main graph's nodes (op type, inputs, outputs,
 * scalar/list/tensor attributes) and its constant tensors (initializers, and the {@code value} of
 * {@code Constant} nodes keyed by the node's output). Tensor data is not copied: a {@link TensorRef} points into
 * the file's bytes. Subgraphs ({@code If}/{@code Loop} bodies) are skipped.
 */
final class OnnxGraph {

    /** ONNX TensorProto.DataType values used here. */
    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int FLOAT16 = 10;
    static final int DOUBLE = 11;

    /**
     * A tensor stored in the file. {@code rawOffset}/{@code rawLength} locate {@code raw_data} ({@code rawLength}
     * is -1 when absent); {@code typedData} tells whether a typed field ({@code float_data}, {@code int64_data},
     * ...) holds the values instead; {@code external} marks data kept in a separate file.
     */
    record TensorRef(String name, long[] dims, int dataType, int rawOffset, int rawLength,
                     int messageOffset, int messageLength, boolean typedData, boolean external) {

        /** Number of elements, or {@code Long.MAX_VALUE} if the product of the dimensions overflows. */
        long elementCount() {
            try {
                return Tensor.elementCount(dims);
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }

        @Override
        public String toString() {
            return name + Arrays.toString(dims);
        }
    }

    /** A node attribute; only the members matching its kind are set. */
    record Attribute(String name, Float f, Long i, String s, long[] ints, float[] floats, TensorRef t) {}

    record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                Map<String, Attribute> attributes) {

        String input(int index) {
            return index < inputs.size() ? inputs.get(index) : "";
        }

        String output(int index) {
            return index < outputs.size() ? outputs.get(index) : "";
        }

        /** A readable label for messages: the node name if it has one, else op type and first output. */
        String label() {
            return name.isEmpty() ? opType + " -> " + output(0) : name;
        }
    }

    private final byte[] bytes;
    private final List<Node> nodes;
    private final Map<String, TensorRef> constants;
    private final Map<String, Node> producers = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();

    private OnnxGraph(byte[] bytes, List<Node> nodes, Map<String, TensorRef> constants) {
        this.bytes = bytes;
        this.nodes = Collections.unmodifiableList(nodes);
        this.constants = Collections.unmodifiableMap(constants);
        for (Node node : nodes) {
            for (String out : node.outputs()) {
                if (!out.isEmpty()) {
                    producers.put(out, node);
                }
            }
            for (String in : node.inputs()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
                }
            }
        }
    }

    /** Parses a serialized {@code ModelProto}. */
    static OnnxGraph parse(byte[] bytes) {
        try {
            return parseModel(bytes);
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointException("Cannot parse ONNX model: the file is malformed (" + e
                    + ") (the file is truncated, corrupt or not an ONNX model)", e);
        }
    }

    private static OnnxGraph parseModel(byte[] bytes) {
        ProtoReader model = new ProtoReader(bytes);
        ProtoReader graph = null;
        while (model.hasMore()) {
            int tag = model.readTag();
            if (ProtoReader.field(tag) == 7) { // ModelProto.graph
                model.expect(tag, ProtoReader.LEN, "ModelProto.graph");
                graph = model.readMessage();
            } else {
                model.skip(ProtoReader.wireType(tag));
            }
        }
        if (graph == null) {
            throw new CheckpointException("Cannot parse ONNX model: the file has no graph (is it an ONNX model?"
                    + " Export it with torch.onnx.export or optimum)");
        }
        List<Node> nodes = new ArrayList<>();
        Map<String, TensorRef> constants = new LinkedHashMap<>();
        while (graph.hasMore()) {
            int tag = graph.readTag();
            switch (ProtoReader.field(tag)) {
                case 1 -> { // GraphProto.node
                    graph.expect(tag, ProtoReader.LEN, "GraphProto.node");
                    nodes.add(parseNode(bytes, graph.readMessage()));
                }
                case 5 -> { // GraphProto.initializer
                    graph.expect(tag, ProtoReader.LEN, "GraphProto.initializer");
                    TensorRef t = parseTensor(graph.readMessage(), graph.position());
                    constants.put(t.name(), t);
                }
                default -> graph.skip(ProtoReader.wireType(tag));
            }
        }
        for (Node node : nodes) {
            if (node.opType().equals("Constant") && node.domain().isEmpty() && !node.output(0).isEmpty()) {
                Attribute value = node.attributes().get("value");
                if (value != null && value.t() != null) {
                    TensorRef t = value.t();
                    constants.putIfAbsent(node.output(0), new TensorRef(node.output(0), t.dims(), t.dataType(),
                            t.rawOffset(), t.rawLength(), t.messageOffset(), t.messageLength(), t.typedData(),
                            t.external()));
                }
            }
        }
        return new OnnxGraph(bytes, nodes, constants);
    }

    private static Node parseNode(byte[] bytes, ProtoReader r) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        String domain = "";
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (ProtoReader.field(tag)) {
                case 1 -> {
                    r.expect(tag, ProtoReader.LEN, "NodeProto.input");
                    inputs.add(r.readString());
                }
                case 2 -> {
                    r.expect(tag, ProtoReader.LEN, "NodeProto.output");
                    outputs.add(r.readString());
                }
                case 3 -> {
                    r.expect(tag, ProtoReader.LEN, "NodeProto.name");
                    name = r.readString();
                }
                case 4 -> {
                    r.expect(tag, ProtoReader.LEN, "NodeProto.op_type");
                    opType = r.readString();
                }
                case 5 -> {
                    r.expect(tag, ProtoReader.LEN, "NodeProto.attribute");
                    Attribute a = parseAttribute(r.readMessage());
                    attributes.put(a.name(), a);
                }
                case 7 -> {
                    r.expect(tag, ProtoReader.LEN, "NodeProto.domain");
                    domain = r.readString();
                }
                default -> r.skip(ProtoReader.wireType(tag));
            }
        }
        if (domain.equals("ai.onnx")) {
            domain = "";
        }
        return new Node(name, opType, domain, List.copyOf(inputs), List.copyOf(outputs),
                Collections.unmodifiableMap(attributes));
    }

    private static Attribute parseAttribute(ProtoReader r) {
        String name = "";
        Float f = null;
        Long i = null;
        String s = null;
        LongList ints = null;
        List<Float> floats = null;
        TensorRef t = null;
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (ProtoReader.field(tag)) {
                case 1 -> {
                    r.expect(tag, ProtoReader.LEN, "AttributeProto.name");
                    name = r.readString();
                }
                case 2 -> {
                    r.expect(tag, ProtoReader.FIXED32, "AttributeProto.f");
                    f = Float.intBitsToFloat(r.readFixed32());
                }
                case 3 -> {
                    r.expect(tag, ProtoReader.VARINT, "AttributeProto.i");
                    i = r.readVarint();
                }
                case 4 -> {
                    r.expect(tag, ProtoReader.LEN, "AttributeProto.s");
                    s = r.readString();
                }
                case 5 -> {
                    r.expect(tag, ProtoReader.LEN, "AttributeProto.t");
                    t = parseTensor(r.readMessage(), r.position());
                }
                case 7 -> {
                    List<Float> list = floats == null ? (floats = new ArrayList<>()) : floats;
                    r.readFixed32s(ProtoReader.wireType(tag), bits -> list.add(Float.intBitsToFloat(bits)));
                }
                case 8 -> {
                    LongList list = ints == null ? (ints = new LongList()) : ints;
                    r.readVarints(ProtoReader.wireType(tag), list::add);
                }
                default -> r.skip(ProtoReader.wireType(tag));
            }
        }
        float[] floatArray = null;
        if (floats != null) {
            floatArray = new float[floats.size()];
            for (int k = 0; k < floatArray.length; k++) {
                floatArray[k] = floats.get(k);
            }
        }
        return new Attribute(name, f, i, s, ints == null ? null : ints.toArray(), floatArray, t);
    }

    /** Parses a TensorProto whose message ends at {@code end} (the parent reader's position after it). */
    private static TensorRef parseTensor(ProtoReader r, int end) {
        int messageOffset = r.position();
        LongList dims = new LongList();
        int dataType = 0;
        String name = "";
        int rawOffset = -1;
        int rawLength = -1;
        boolean typed = false;
        boolean external = false;
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (ProtoReader.field(tag)) {
                case 1 -> r.readVarints(ProtoReader.wireType(tag), dims::add);
                case 2 -> {
                    r.expect(tag, ProtoReader.VARINT, "TensorProto.data_type");
                    dataType = (int) r.readVarint();
                }
                case 8 -> {
                    r.expect(tag, ProtoReader.LEN, "TensorProto.name");
                    name = r.readString();
                }
                case 9 -> {
                    r.expect(tag, ProtoReader.LEN, "TensorProto.raw_data");
                    int[] range = r.readBytesRange();
                    rawOffset = range[0];
                    rawLength = range[1];
                }
                case 4, 5, 6, 7, 10, 11 -> {
                    typed = true;
                    r.skip(ProtoReader.wireType(tag));
                }
                case 13 -> {
                    external = true;
                    r.skip(ProtoReader.wireType(tag));
                }
                case 14 -> {
                    r.expect(tag, ProtoReader.VARINT, "TensorProto.data_location");
                    external |= r.readVarint() == 1;
                }
                default -> r.skip(ProtoReader.wireType(tag));
            }
        }
        long[] shape = dims.toArray();
        for (long d : shape) {
            if (d < 0) {
                throw new CheckpointException("Cannot parse ONNX model: tensor '" + name + "' has a negative"
                        + " dimension " + Arrays.toString(shape) + " (the file is corrupt)");
            }
        }
        return new TensorRef(name, shape, dataType, rawOffset, rawLength, messageOffset, end - messageOffset,
                typed, external);
    }

    List<Node> nodes() {
        return nodes;
    }

    /** Initializers by name and {@code Constant} node values by output name. */
    Map<String, TensorRef> constants() {
        return constants;
    }

    Node producer(String tensor) {
        return producers.get(tensor);
    }

    List<Node> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    /**
     * Decodes a float32 tensor stored as little-endian {@code raw_data}, the only encoding needed for weights;
     * any other encoding fails with a message naming the tensor.
     */
    float[] floats(TensorRef t, String purpose) {
        String what = "Cannot read ONNX tensor '" + t.name() + "' (" + purpose + "): ";
        if (t.external()) {
            throw new CheckpointException(what + "its data is stored in an external file (re-export the model"
                    + " as a single file under 2 GB, without external data)");
        }
        if (t.dataType() != FLOAT) {
            throw new CheckpointException(what + "its data type is " + dataTypeName(t.dataType())
                    + ", not FLOAT (export the model in float32)");
        }
        if (t.rawLength() < 0) {
            throw new CheckpointException(what + (t.typedData() ? "its values are stored in float_data, not"
                    + " raw_data" : "it has no data") + " (only raw_data initializers are supported; re-export"
                    + " with torch.onnx.export)");
        }
        long count = t.elementCount();
        if (count > Integer.MAX_VALUE || count * 4 != t.rawLength()) {
            throw new CheckpointException(what + "its shape " + Arrays.toString(t.dims()) + " needs "
                    + (count > Integer.MAX_VALUE ? "more than 2^33" : String.valueOf(count * 4))
                    + " bytes but raw_data has " + t.rawLength() + " (the file is corrupt)");
        }
        float[] out = new float[(int) count];
        ByteBuffer.wrap(bytes, t.rawOffset(), t.rawLength()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /**
     * The values of a small numeric constant (at most {@code maxElements}), from raw_data or a typed field, or
     * null if it is not a constant, too large, or of a type not handled here.
     */
    double[] smallValues(String tensor, int maxElements) {
        TensorRef t = constants.get(tensor);
        if (t == null || t.external() || t.elementCount() > maxElements) {
            return null;
        }
        int count = (int) t.elementCount();
        double[] out = new double[count];
        if (t.rawLength() >= 0) {
            int size = switch (t.dataType()) {
                case FLOAT, INT32 -> 4;
                case INT64, DOUBLE -> 8;
                case FLOAT16 -> 2;
                default -> -1;
            };
            if (size < 0 || (long) size * count != t.rawLength()) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes, t.rawOffset(), t.rawLength()).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < count; k++) {
                out[k] = switch (t.dataType()) {
                    case FLOAT -> b.getFloat();
                    case INT32 -> b.getInt();
                    case INT64 -> b.getLong();
                    case DOUBLE -> b.getDouble();
                    default -> SafetensorsDtype.halfToFloat(b.getShort());
                };
            }
            return out;
        }
        List<Double> values = new ArrayList<>();
        ProtoReader r = new ProtoReader(bytes, t.messageOffset(), t.messageLength());
        while (r.hasMore()) {
            int tag = r.readTag();
            int wire = ProtoReader.wireType(tag);
            switch (ProtoReader.field(tag)) {
                case 4 -> r.readFixed32s(wire, bits -> values.add((double) Float.intBitsToFloat(bits)));
                case 5 -> r.readVarints(wire, v -> values.add((double) (int) v));
                case 7 -> r.readVarints(wire, v -> values.add((double) v));
                case 10 -> {
                    if (wire == ProtoReader.FIXED64) {
                        values.add(Double.longBitsToDouble(r.readFixed64()));
                    } else {
                        ProtoReader packed = r.readMessage();
                        while (packed.hasMore()) {
                            values.add(Double.longBitsToDouble(packed.readFixed64()));
                        }
                    }
                }
                default -> r.skip(wire);
            }
            if (values.size() > count) {
                return null;
            }
        }
        if (values.size() != count) {
            return null;
        }
        for (int k = 0; k < count; k++) {
            out[k] = values.get(k);
        }
        return out;
    }

    static String dataTypeName(int type) {
        return switch (type) {
            case 0 -> "UNDEFINED";
            case FLOAT -> "FLOAT";
            case 2 -> "UINT8";
            case 3 -> "INT8";
            case 4 -> "UINT16";
            case 5 -> "INT16";
            case INT32 -> "INT32";
            case INT64 -> "INT64";
            case 8 -> "STRING";
            case 9 -> "BOOL";
            case FLOAT16 -> "FLOAT16";
            case DOUBLE -> "DOUBLE";
            case 16 -> "BFLOAT16";
            default -> "type " + type;
        };
    }

    /** A growable list of longs (dims, ints attributes) without boxing. */
    private static final class LongList {
        private long[] values = new long[8];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
