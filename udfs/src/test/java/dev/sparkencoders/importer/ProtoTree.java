package dev.sparkencoders.importer;

import dev.sparkencoders.model.Mutations;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A protobuf message held as a tree of fields, for structure-aware fuzzing: a valid seed is parsed (with a schema
 * naming which length-delimited fields are nested messages), a field deep inside is changed, and the tree is
 * serialized again with every enclosing length fixed, so the reader gets past its framing checks and meets the
 * changed value. A field can also be told to lie about its length. Independent of the project's readers.
 *
 * <pre>{@code
 * ProtoTree model = ProtoTree.parse(onnxBytes, "ModelProto", ONNX_SCHEMA);
 * String what = model.mutate(random, namePool);
 * byte[] mutant = model.serialize();
 * }</pre>
 */
final class ProtoTree {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    /** One field; {@code child} is set for nested messages, {@code bytes} for other length-delimited fields. */
    static final class Field {
        int number;
        int wire;
        long value;
        byte[] bytes;
        ProtoTree child;
        /** When set, written as the length prefix instead of the true length. */
        Long lyingLength;

        Field copy() {
            Field f = new Field();
            f.number = number;
            f.wire = wire;
            f.value = value;
            f.bytes = bytes == null ? null : bytes.clone();
            f.child = child == null ? null : child.copy();
            f.lyingLength = lyingLength;
            return f;
        }
    }

    final String type;
    final List<Field> fields = new ArrayList<>();

    private ProtoTree(String type) {
        this.type = type;
    }

    /**
     * Parses a valid message. {@code schema} maps a message type to its message-typed fields (field number to
     * type name); other length-delimited fields stay bytes.
     */
    static ProtoTree parse(byte[] bytes, String type, Map<String, Map<Integer, String>> schema) {
        return parse(bytes, 0, bytes.length, type, schema);
    }

    /** Parses a message that earlier mutations may have broken; null when it is not valid protobuf. */
    static ProtoTree tryParse(byte[] bytes, String type, Map<String, Map<Integer, String>> schema) {
        try {
            return parse(bytes, type, schema);
        } catch (RuntimeException e) { // out of bounds, negative length, unknown wire type
            return null;
        }
    }

    private static ProtoTree parse(byte[] b, int from, int to, String type, Map<String, Map<Integer, String>> schema) {
        ProtoTree tree = new ProtoTree(type);
        int[] pos = {from};
        while (pos[0] < to) {
            long key = varint(b, pos);
            Field f = new Field();
            f.number = (int) (key >>> 3);
            f.wire = (int) (key & 7);
            switch (f.wire) {
                case VARINT -> f.value = varint(b, pos);
                case FIXED64 -> {
                    f.value = ByteBuffer.wrap(b, pos[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    pos[0] += 8;
                }
                case FIXED32 -> {
                    f.value = ByteBuffer.wrap(b, pos[0], 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                    pos[0] += 4;
                }
                case LEN -> {
                    long length = varint(b, pos);
                    if (length < 0 || length > to - pos[0]) {
                        throw new IllegalArgumentException("a length of " + length + " bytes past the message");
                    }
                    int n = (int) length;
                    String childType = schema.getOrDefault(type, Map.of()).get(f.number);
                    if (childType != null) {
                        f.child = parse(b, pos[0], pos[0] + n, childType, schema);
                    } else {
                        f.bytes = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + n);
                    }
                    pos[0] += n;
                }
                default -> throw new IllegalArgumentException("wire type " + f.wire + " in a seed");
            }
            tree.fields.add(f);
        }
        return tree;
    }

    ProtoTree copy() {
        ProtoTree t = new ProtoTree(type);
        fields.forEach(f -> t.fields.add(f.copy()));
        return t;
    }

    byte[] serialize() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field f : fields) {
            writeVarint(out, (long) f.number << 3 | f.wire);
            switch (f.wire) {
                case VARINT -> writeVarint(out, f.value);
                case FIXED64 -> out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(f.value).array());
                case FIXED32 -> out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) f.value).array());
                default -> {
                    byte[] payload = f.child != null ? f.child.serialize() : f.bytes;
                    writeVarint(out, f.lyingLength != null ? f.lyingLength : payload.length);
                    out.writeBytes(payload);
                }
            }
        }
        return out.toByteArray();
    }

    /** Where a field sits: its message and index there. */
    record Place(ProtoTree parent, int index) {
        Field field() {
            return parent.fields.get(index);
        }
    }

    /** Every field of this message and of the messages nested in it. */
    List<Place> places() {
        List<Place> out = new ArrayList<>();
        collect(out);
        return out;
    }

    private void collect(List<Place> out) {
        for (int i = 0; i < fields.size(); i++) {
            out.add(new Place(this, i));
            if (fields.get(i).child != null) {
                fields.get(i).child.collect(out);
            }
        }
    }

    /** Short byte strings of the tree (names, op types), to swap between fields. */
    List<byte[]> strings(int maxLength) {
        List<byte[]> out = new ArrayList<>();
        for (Place p : places()) {
            byte[] b = p.field().bytes;
            if (b != null && b.length <= maxLength) {
                out.add(b);
            }
        }
        return out;
    }

    /** Changes one field somewhere in the tree and returns what it did. {@code pool} holds replacement strings. */
    String mutate(Random random, List<byte[]> pool) {
        List<Place> places = places();
        if (places.isEmpty()) {
            Field f = new Field();
            f.number = 1 + random.nextInt(16);
            f.wire = VARINT;
            f.value = Mutations.interestingLong(random, 0);
            fields.add(f);
            return "add a varint field to an empty " + type;
        }
        Place place = places.get(random.nextInt(places.size()));
        Field f = place.field();
        String where = place.parent().type + "." + f.number;
        switch (random.nextInt(10)) {
            case 0 -> {
                place.parent().fields.remove(place.index());
                return "delete " + where;
            }
            case 1 -> {
                place.parent().fields.add(place.index() + random.nextInt(2), f.copy());
                return "duplicate " + where;
            }
            case 2 -> {
                int old = f.number;
                f.number = 1 + random.nextInt(20);
                return "renumber " + where + " as field " + f.number + " (was " + old + ")";
            }
            case 3 -> {
                int old = f.wire;
                f.wire = new int[] {VARINT, FIXED64, LEN, FIXED32}[random.nextInt(4)];
                if (f.wire == LEN && f.bytes == null && f.child == null) {
                    f.bytes = new byte[random.nextInt(16)];
                    random.nextBytes(f.bytes);
                }
                return "change the wire type of " + where + " from " + old + " to " + f.wire;
            }
            case 4 -> {
                if (f.wire == LEN) {
                    f.lyingLength = Mutations.interestingLong(random, f.child != null ? f.child.serialize().length
                            : f.bytes.length);
                    return "make " + where + " claim " + f.lyingLength + " bytes";
                }
                f.value = Mutations.interestingLong(random, f.value);
                return "set " + where + " to " + f.value;
            }
            default -> {
                if (f.wire != LEN) {
                    f.value = Mutations.interestingLong(random, f.value);
                    return "set " + where + " to " + f.value;
                }
                if (f.child != null) {
                    return f.child.mutate(random, pool);
                }
                if (!pool.isEmpty() && random.nextInt(3) == 0) {
                    f.bytes = Mutations.pick(random, pool).clone();
                    return "replace the bytes of " + where + " with \"" + printable(f.bytes) + "\"";
                }
                Mutations.Result r = f.bytes.length >= 8 && random.nextBoolean()
                        ? overwriteNumber(f.bytes, random) : Mutations.random(f.bytes, random);
                f.bytes = r.bytes();
                return r.description() + " in the bytes of " + where;
            }
        }
    }

    /** Writes an interesting int64 or float over an aligned position of raw tensor data. */
    private static Mutations.Result overwriteNumber(byte[] in, Random random) {
        byte[] out = in.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        if (random.nextBoolean()) {
            int at = 8 * random.nextInt(out.length / 8);
            long v = Mutations.interestingLong(random, 0);
            b.putLong(at, v);
            return new Mutations.Result(out, "write int64 " + v + " at " + at);
        }
        int at = 4 * random.nextInt(out.length / 4);
        float[] values = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -0f, 1e-45f};
        float v = values[random.nextInt(values.length)];
        b.putFloat(at, v);
        return new Mutations.Result(out, "write float " + v + " at " + at);
    }

    private static String printable(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8).replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static long varint(byte[] b, int[] pos) {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            byte c = b[pos[0]++];
            result |= (long) (c & 0x7f) << shift;
            if (c >= 0) {
                return result;
            }
        }
    }

    static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
