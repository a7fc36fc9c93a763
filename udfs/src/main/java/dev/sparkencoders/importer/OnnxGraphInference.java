package dev.sparkencoders.importer;

import dev.sparkencoders.model.CheckpointException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a BERT ONNX graph says about the model beyond its weights' shapes: the number of attention heads (from the
 * Reshape after the query/key/value projections), the LayerNorm epsilon and the feed-forward activation, for
 * {@code config.json}; and the attributes of its nodes.
 *
 * <pre>{@code
 * String act = OnnxGraphInference.hiddenAct(graph, projectionOutputs); // gelu, gelu_new or relu
 * }</pre>
 */
final class OnnxGraphInference {

    private static final long UNKNOWN = Long.MIN_VALUE;

    private OnnxGraphInference() {}

    /**
     * Heads from the target shape of the Reshape after the query/key/value projections ({@code [b, s, heads,
     * head_dim]}, often built by a Concat of constants), checked against the options.
     */
    static int numAttentionHeads(OnnxGraph graph, Map<String, String> projectionOutputs, int hidden,
                                         OnnxImportOptions options) {
        Set<Long> found = new TreeSet<>();
        for (Map.Entry<String, String> e : projectionOutputs.entrySet()) {
            if (!e.getKey().matches("encoder\\.layer\\.\\d+\\.attention\\.self\\.(query|key|value)\\.weight")) {
                continue;
            }
            for (OnnxGraph.Node reshape : graph.consumers(e.getValue())) {
                if (!reshape.opType().equals("Reshape") || !reshape.input(0).equals(e.getValue())) {
                    continue;
                }
                long[] shape = resolveVector(graph, reshape.input(1), 0);
                if (shape == null || shape.length != 4) {
                    continue;
                }
                if (shape[2] > 0) {
                    found.add(shape[2]);
                } else if (shape[2] == -1 && shape[3] > 0 && hidden % shape[3] == 0) {
                    found.add(hidden / shape[3]);
                }
            }
        }
        if (found.size() > 1) {
            throw new CheckpointException("Cannot infer num_attention_heads: the attention Reshapes disagree ("
                    + found + ") (pass OnnxImportOptions.numAttentionHeads)");
        }
        Integer fromGraph = found.isEmpty() ? null : Math.toIntExact(found.iterator().next());
        Integer given = options.numAttentionHeads();
        if (fromGraph != null && given != null && !fromGraph.equals(given)) {
            throw new CheckpointException("Cannot use numAttentionHeads " + given + ": the graph splits attention into "
                    + fromGraph + " heads (pass " + fromGraph + " or null)");
        }
        Integer heads = fromGraph != null ? fromGraph : given;
        if (heads == null) {
            throw new CheckpointException("Cannot infer num_attention_heads: the graph has no recognisable Reshape"
                    + " to [batch, seq, heads, head_dim] after the query projection (pass"
                    + " OnnxImportOptions.numAttentionHeads)");
        }
        if (hidden % heads != 0) {
            throw new CheckpointException("Cannot use " + heads + " attention heads: hidden size " + hidden
                    + " is not a multiple of it (check OnnxImportOptions.numAttentionHeads)");
        }
        return heads;
    }

    /** Values of a small integer vector built from constants; unknown (runtime) entries are {@link #UNKNOWN}. */
    private static long[] resolveVector(OnnxGraph graph, String tensor, int depth) {
        if (depth > 8) {
            return null;
        }
        double[] values = graph.smallValues(tensor, 16);
        if (values != null) {
            long[] out = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = (long) values[i];
            }
            return out;
        }
        OnnxGraph.Node producer = graph.producer(tensor);
        if (producer == null) {
            return null;
        }
        switch (producer.opType()) {
            case "Unsqueeze", "Squeeze", "Cast", "Identity" -> {
                return resolveVector(graph, producer.input(0), depth + 1);
            }
            case "Constant" -> {
                OnnxGraph.Attribute ints = producer.attributes().get("value_ints");
                OnnxGraph.Attribute one = producer.attributes().get("value_int");
                return ints != null && ints.ints() != null ? ints.ints()
                        : one != null && one.i() != null ? new long[] {one.i()} : null;
            }
            case "Concat" -> {
                List<Long> parts = new ArrayList<>();
                for (String input : producer.inputs()) {
                    long[] part = resolveVector(graph, input, depth + 1);
                    if (part == null) {
                        OnnxGraph.Node p = graph.producer(input);
                        if (p == null || !p.opType().equals("Unsqueeze")) {
                            return null;
                        }
                        part = new long[] {UNKNOWN}; // a runtime scalar made 1-D, e.g. the batch size
                    }
                    for (long v : part) {
                        parts.add(v);
                    }
                }
                return parts.stream().mapToLong(Long::longValue).toArray();
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * {@code epsilon} of the first LayerNormalization node, else the constant added to the variance before Sqrt in
     * a decomposed LayerNorm, else 1e-12. The float32 value is written as its shortest decimal (1e-12).
     */
    static double layerNormEps(OnnxGraph graph) {
        for (OnnxGraph.Node node : graph.nodes()) {
            if (node.opType().endsWith("LayerNormalization")) {
                OnnxGraph.Attribute eps = node.attributes().get("epsilon");
                return eps != null && eps.f() != null ? shortest(eps.f()) : 1e-5; // the ONNX default
            }
            if (node.opType().equals("Sqrt")) {
                OnnxGraph.Node add = graph.producer(node.input(0));
                if (add == null || !add.opType().equals("Add") || add.inputs().size() != 2) {
                    continue;
                }
                for (int k = 0; k < 2; k++) {
                    double[] c = graph.smallValues(add.input(k), 1);
                    OnnxGraph.Node other = graph.producer(add.input(1 - k));
                    if (c != null && other != null && other.opType().equals("ReduceMean")) {
                        return shortest((float) c[0]);
                    }
                }
            }
        }
        return 1e-12;
    }

    private static double shortest(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    /** "gelu" for the exact erf form, "gelu_new" for the tanh approximation (the pooler's Tanh is not GELU). */
    static String hiddenAct(OnnxGraph graph, Map<String, String> projectionOutputs) {
        String poolerOutput = projectionOutputs.get("pooler.dense.weight");
        boolean erf = false;
        boolean tanh = false;
        boolean relu = false;
        for (OnnxGraph.Node node : graph.nodes()) {
            switch (node.opType()) {
                case "Erf", "BiasGelu" -> erf = true;
                case "Gelu" -> {
                    OnnxGraph.Attribute approximate = node.attributes().get("approximate");
                    if (approximate != null && "tanh".equals(approximate.s())) {
                        tanh = true;
                    } else {
                        erf = true;
                    }
                }
                case "FastGelu" -> tanh = true;
                case "Tanh" -> tanh |= !node.input(0).equals(poolerOutput);
                case "Relu" -> relu = true;
                default -> { }
            }
        }
        if (erf) {
            return "gelu";
        }
        if (tanh) {
            return "gelu_new";
        }
        if (relu) {
            return "relu";
        }
        throw new CheckpointException("Cannot infer hidden_act: the graph has no Erf, Tanh, Gelu or Relu node"
                + " (the export is not a BERT-family encoder)");
    }

    static long longAttribute(OnnxGraph.Node node, String name, long otherwise) {
        OnnxGraph.Attribute a = node.attributes().get(name);
        return a != null && a.i() != null ? a.i() : otherwise;
    }

    static float floatAttribute(OnnxGraph.Node node, String name, float otherwise) {
        OnnxGraph.Attribute a = node.attributes().get(name);
        return a != null && a.f() != null ? a.f() : otherwise;
    }
}
