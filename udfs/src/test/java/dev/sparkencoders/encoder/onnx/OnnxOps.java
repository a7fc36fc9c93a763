package dev.sparkencoders.encoder.onnx;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Counts the op types of an ONNX model's main graph by walking its protobuf fields (ModelProto.graph.node). */
final class OnnxOps {

    private OnnxOps() {}

    static Map<String, Long> count(byte[] model) {
        Map<String, Long> counts = new TreeMap<>();
        byte[] graph = field(model, 7);
        forEach(graph, 1, node -> {
            String[] opAndDomain = {"", ""};
            forEach(node, 4, op -> opAndDomain[0] = new String(op, StandardCharsets.UTF_8));
            forEach(node, 7, domain -> opAndDomain[1] = new String(domain, StandardCharsets.UTF_8));
            String name = opAndDomain[1].isEmpty() ? opAndDomain[0] : opAndDomain[1] + "." + opAndDomain[0];
            counts.merge(name, 1L, Long::sum);
        });
        return counts;
    }

    private static byte[] field(byte[] message, int number) {
        byte[][] found = new byte[1][];
        forEach(message, number, value -> found[0] = value);
        return found[0];
    }

    /** Calls {@code action} with each length-delimited field {@code number} of {@code message}. */
    private static void forEach(byte[] message, int number, java.util.function.Consumer<byte[]> action) {
        int[] at = {0};
        while (at[0] < message.length) {
            long key = varint(message, at);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> varint(message, at);
                case 1 -> at[0] += 8;
                case 5 -> at[0] += 4;
                case 2 -> {
                    int length = (int) varint(message, at);
                    if ((key >>> 3) == number) {
                        action.accept(java.util.Arrays.copyOfRange(message, at[0], at[0] + length));
                    }
                    at[0] += length;
                }
                default -> throw new IllegalArgumentException("wire type " + wire);
            }
        }
    }

    private static long varint(byte[] bytes, int[] at) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = bytes[at[0]++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }
}
