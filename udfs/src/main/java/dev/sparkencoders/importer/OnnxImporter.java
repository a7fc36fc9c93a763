package dev.sparkencoders.importer;

import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.SentencePooling;
import dev.sparkencoders.model.SentencePrompts;
import dev.sparkencoders.model.Tensor;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a BERT-family ONNX export (as written by {@code torch.onnx.export} or optimum) into a HuggingFace
 * checkpoint directory: {@code model.safetensors} with {@code BertModel} parameter names (float32, linear weights
 * in {@code nn.Linear} [out, in] layout), a {@code config.json} inferred from tensor shapes and the graph, a byte
 * for byte copy of {@code tokenizer.json} and, when asked, the sentence-transformers files describing pooling and
 * normalisation.
 *
 * <p>The ONNX protobuf is parsed by a small wire-format reader; no protobuf or ONNX library is needed. Named
 * initializers keep their HuggingFace names (a {@code bert.} style prefix is dropped, {@code gamma}/{@code beta}
 * become {@code weight}/{@code bias}); anonymous dense matrices ({@code onnx::MatMul_787}) are named by graph
 * position: the {@code MatMul} that takes the matrix as input B feeds an {@code Add} whose other input is the named
 * bias. Everything is written into a hidden sibling directory that is renamed into place at the end, so the
 * output directory either holds a complete model or does not exist.
 *
 * <pre>{@code
 * OnnxImporter.importModel(Path.of("all-minilm-l6-v2.onnx"), Path.of("tokenizer.json"),
 *         Path.of("/models/all-minilm-l6-v2"), new OnnxImportOptions(12, Pooling.MEAN, true, 256));
 * }</pre>
 */
public final class OnnxImporter {

    static final List<String> EMBEDDING_PARAMS = List.of(
            "embeddings.word_embeddings.weight",
            "embeddings.position_embeddings.weight",
            "embeddings.token_type_embeddings.weight",
            "embeddings.LayerNorm.weight",
            "embeddings.LayerNorm.bias");

    /** Parameters of one encoder layer, without the {@code encoder.layer.N.} prefix, in checkpoint order. */
    static final List<String> LAYER_PARAMS = List.of(
            "attention.self.query.weight", "attention.self.query.bias",
            "attention.self.key.weight", "attention.self.key.bias",
            "attention.self.value.weight", "attention.self.value.bias",
            "attention.output.dense.weight", "attention.output.dense.bias",
            "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
            "intermediate.dense.weight", "intermediate.dense.bias",
            "output.dense.weight", "output.dense.bias",
            "output.LayerNorm.weight", "output.LayerNorm.bias");

    static final List<String> POOLER_PARAMS = List.of("pooler.dense.weight", "pooler.dense.bias");

    private static final Pattern LAYER_NAME = Pattern.compile("encoder\\.layer\\.(\\d{1,4})\\.(.+)");
    private static final List<String> ROOTS = List.of("embeddings.", "encoder.", "pooler.");

    private OnnxImporter() {}

    /**
     * Imports an ONNX export and its {@code tokenizer.json} into {@code outDir}, which must not exist or be an
     * empty directory.
     */
    public static void importModel(Path onnx, Path tokenizerJson, Path outDir, OnnxImportOptions options) {
        try (InputStream model = Files.newInputStream(onnx); InputStream tokenizer = Files.newInputStream(tokenizerJson)) {
            importModel(model, tokenizer, outDir, options);
        } catch (IOException e) {
            throw new CheckpointException("Cannot import ONNX model " + onnx + ": " + e
                    + " (check that the ONNX and tokenizer.json files exist and are readable)", e);
        }
    }

    /**
     * Imports an ONNX export and its {@code tokenizer.json} (both read fully, not closed) into {@code outDir},
     * which must not exist or be an empty directory.
     */
    public static void importModel(InputStream onnx, InputStream tokenizerJson, Path outDir,
                                   OnnxImportOptions options) {
        Path target = outDir.toAbsolutePath().normalize();
        if (Files.exists(target) && !StagedDirectory.isEmptyDirectory(target)) {
            throw new CheckpointException("Cannot import ONNX model into " + target + ": the path already exists"
                    + " (delete it or choose another directory)");
        }
        if (!importInto(onnx, tokenizerJson, target, options)) {
            throw new CheckpointException("Cannot import ONNX model into " + target + ": another process created"
                    + " it during the import (use that directory or delete it and retry)");
        }
    }

    /**
     * Converts and writes the model into a temporary sibling of {@code target}, then renames it to
     * {@code target}. Returns false, leaving no temporary files, if {@code target} was created by someone else
     * in the meantime.
     */
    static boolean importInto(InputStream onnx, InputStream tokenizerJson, Path target, OnnxImportOptions options) {
        Converted converted = convert(readAll(onnx, "ONNX model"), options);
        byte[] tokenizer = readAll(tokenizerJson, Checkpoint.TOKENIZER);
        checkTokenizer(tokenizer);
        try {
            return StagedDirectory.publish(target, dir -> write(dir, converted, tokenizer, options));
        } catch (IOException e) {
            throw new CheckpointException("Cannot write the imported model to " + target + ": " + e
                    + " (check free disk space and permissions)", e);
        }
    }

    /** The model converted in memory: tensors in checkpoint order and the HuggingFace config. */
    record Converted(List<Tensor> tensors, BertConfigFile config, int hiddenSize, int maxPositions) {}

    /** Maps an ONNX export to BERT parameters and infers its config; nothing is written. */
    static Converted convert(byte[] onnx, OnnxImportOptions options) {
        OnnxGraph graph = OnnxGraph.parse(onnx);
        Map<String, OnnxGraph.TensorRef> constants = graph.constants();

        // 1. Dense matrices by graph position: MatMul(x, W) -> Add(bias, .) or Gemm(x, W, bias).
        Map<String, Source> params = new LinkedHashMap<>();
        Map<String, String> projectionOutputs = new HashMap<>();
        Set<String> matrices = new HashSet<>();
        List<String> unmapped = new ArrayList<>();
        for (OnnxGraph.Node node : graph.nodes()) {
            boolean matMul = node.opType().equals("MatMul");
            boolean gemm = node.opType().equals("Gemm");
            if (!node.domain().isEmpty() || !(matMul || gemm)) {
                continue;
            }
            String b = node.input(1);
            OnnxGraph.TensorRef w = constants.get(b);
            if (w == null || w.dims().length != 2) {
                continue; // activation x activation, e.g. attention scores
            }
            matrices.add(b);
            String weight;
            String output;
            boolean transpose;
            if (matMul) {
                String[] found = weightFromBiasAdd(graph, node.output(0), constants);
                weight = found == null ? null : found[0];
                output = found == null ? node.output(0) : found[1];
                transpose = true;
                if (weight == null && isDenseWeight(canonicalName(b))) {
                    weight = canonicalName(b);
                }
            } else {
                String c = node.input(2);
                weight = constants.containsKey(c) && canonicalName(c).endsWith(".bias")
                        ? weightOf(canonicalName(c)) : null;
                output = node.output(0);
                transpose = OnnxGraphInference.longAttribute(node, "transB", 0) == 0;
                if (OnnxGraphInference.longAttribute(node, "transA", 0) != 0 || OnnxGraphInference.floatAttribute(node, "alpha", 1f) != 1f
                        || OnnxGraphInference.floatAttribute(node, "beta", 1f) != 1f) {
                    unmapped.add("'" + b + "' (input B of Gemm " + node.label() + " with transA, alpha or beta set)");
                    continue;
                }
            }
            if (weight == null || !isDenseWeight(weight)) {
                unmapped.add("'" + b + "' " + Arrays.toString(w.dims()) + " (input B of " + node.opType() + " "
                        + node.label() + (weight == null ? "" : ", bias suggests '" + weight + "'") + ")");
                continue;
            }
            Source previous = params.get(weight);
            if (previous != null && !previous.ref().name().equals(b)) {
                throw new CheckpointException("Cannot map ONNX weights to BERT parameters: both '"
                        + previous.ref().name() + "' and '" + b + "' map to '" + weight
                        + "' (the graph is not a plain BERT encoder)");
            }
            params.put(weight, new Source(w, transpose));
            projectionOutputs.put(weight, output);
        }
        if (!unmapped.isEmpty()) {
            throw new CheckpointException("Cannot map ONNX weights to BERT parameters: no named bias follows "
                    + unmapped.size() + " matrices: " + String.join(", ", head(unmapped, 5))
                    + " (only BERT-family exports where each Linear is MatMul + Add(named bias) are supported;"
                    + " export without graph optimisations)");
        }

        // 2. Named initializers: embeddings, biases, LayerNorms.
        for (OnnxGraph.TensorRef t : constants.values()) {
            if (matrices.contains(t.name())) {
                continue;
            }
            String name = canonicalName(t.name());
            if (!isBertParameter(name)) {
                continue;
            }
            Source previous = params.putIfAbsent(name, new Source(t, false));
            if (previous != null && previous.ref() != t) {
                throw new CheckpointException("Cannot map ONNX weights to BERT parameters: both '"
                        + previous.ref().name() + "' and '" + t.name() + "' map to '" + name
                        + "' (the export holds the same parameter twice)");
            }
        }

        // 3. Completeness and shapes.
        int layers = layerCount(params.keySet());
        List<String> order = new ArrayList<>(EMBEDDING_PARAMS);
        for (int i = 0; i < layers; i++) {
            for (String p : LAYER_PARAMS) {
                order.add("encoder.layer." + i + "." + p);
            }
        }
        boolean pooler = params.containsKey("pooler.dense.weight") || params.containsKey("pooler.dense.bias");
        if (pooler) {
            order.addAll(POOLER_PARAMS);
        }
        List<String> missing = order.stream().filter(n -> !params.containsKey(n)).toList();
        if (layers == 0 || !missing.isEmpty()) {
            List<String> shown = layers == 0 ? List.of("encoder.layer.0.*") : missing;
            throw new CheckpointException("Cannot import ONNX model as BERT: " + (layers == 0 ? "no encoder layer"
                    : missing.size() + " parameters are missing") + ": " + String.join(", ", head(shown, 8))
                    + " (the graph is not a BERT-family encoder, or it was exported with fused operators)");
        }
        long vocab = dimension(params, "embeddings.word_embeddings.weight", 2, 0);
        long hidden = dimension(params, "embeddings.word_embeddings.weight", 2, 1);
        long intermediate = dimension(params, "encoder.layer.0.intermediate.dense.bias", 1, 0);
        long positions = dimension(params, "embeddings.position_embeddings.weight", 2, 0);
        long types = dimension(params, "embeddings.token_type_embeddings.weight", 2, 0);
        if (hidden <= 0 || hidden > Integer.MAX_VALUE || positions > Integer.MAX_VALUE) {
            throw new CheckpointException("Cannot import ONNX model as BERT: hidden size " + hidden + " and "
                    + positions + " positions are not plausible (the export is corrupt)");
        }
        for (String name : order) {
            long[] expected = expectedShape(name, vocab, hidden, intermediate, positions, types);
            long[] actual = params.get(name).shape();
            if (!Arrays.equals(expected, actual)) {
                throw new CheckpointException("Cannot import ONNX model as BERT: '" + name + "' (from '"
                        + params.get(name).ref().name() + "') has shape " + Arrays.toString(actual) + " but "
                        + Arrays.toString(expected) + " is expected for hidden size " + hidden
                        + " (the graph is not a BERT-family encoder)");
            }
        }

        // 4. Config from the graph.
        int heads = OnnxGraphInference.numAttentionHeads(graph, projectionOutputs, (int) hidden, options);
        double eps = OnnxGraphInference.layerNormEps(graph);
        String act = OnnxGraphInference.hiddenAct(graph, projectionOutputs);
        if (options.maxSeqLength() != null && options.maxSeqLength() > positions) {
            throw new CheckpointException("Cannot use maxSeqLength " + options.maxSeqLength() + ": the model has "
                    + positions + " position embeddings (use at most " + positions + ")");
        }
        BertConfigFile config = new BertConfigFile("BertModel", vocab, hidden, layers, heads, intermediate, act,
                positions, types, eps, 0, null);

        // 5. Decode (and transpose) the tensors.
        List<Tensor> tensors = new ArrayList<>(order.size());
        for (String name : order) {
            Source s = params.get(name);
            Tensor raw = new Tensor(name, s.ref().dims(), graph.floats(s.ref(), "BERT parameter " + name));
            tensors.add(s.transpose() ? raw.transposed2d(name) : raw);
        }
        return new Converted(List.copyOf(tensors), config, (int) hidden, (int) positions);
    }

    private static long dimension(Map<String, Source> params, String name, int rank, int index) {
        long[] shape = params.get(name).shape();
        if (shape.length != rank) {
            throw new CheckpointException("Cannot import ONNX model as BERT: '" + name + "' has shape "
                    + Arrays.toString(shape) + ", not " + rank + "-dimensional (the export is corrupt)");
        }
        return shape[index];
    }

    /** An ONNX tensor and whether it is stored [in, out] and must be transposed. */
    private record Source(OnnxGraph.TensorRef ref, boolean transpose) {
        long[] shape() {
            long[] d = ref.dims();
            return transpose && d.length == 2 ? new long[] {d[1], d[0]} : d;
        }
    }

    /**
     * The HuggingFace name of an ONNX tensor name: text before the first {@code embeddings.}, {@code encoder.}
     * or {@code pooler.} component is dropped ({@code bert.}), and LayerNorm {@code gamma}/{@code beta} become
     * {@code weight}/{@code bias}.
     */
    static String canonicalName(String name) {
        String n = name;
        int start = -1;
        for (String root : ROOTS) {
            if (n.startsWith(root)) {
                start = 0;
                break;
            }
            int i = n.indexOf("." + root);
            if (i >= 0 && (start < 0 || i + 1 < start)) {
                start = i + 1;
            }
        }
        if (start > 0) {
            n = n.substring(start);
        }
        if (n.contains("LayerNorm.")) {
            if (n.endsWith(".gamma")) {
                n = n.substring(0, n.length() - "gamma".length()) + "weight";
            } else if (n.endsWith(".beta")) {
                n = n.substring(0, n.length() - "beta".length()) + "bias";
            }
        }
        return n;
    }

    private static String weightOf(String bias) {
        return bias.substring(0, bias.length() - "bias".length()) + "weight";
    }

    /** The weight name derived from the named bias added to a MatMul output, and that Add's output. */
    private static String[] weightFromBiasAdd(OnnxGraph graph, String matMulOutput,
                                              Map<String, OnnxGraph.TensorRef> constants) {
        Set<String> names = new LinkedHashSet<>();
        String addOutput = null;
        for (OnnxGraph.Node add : graph.consumers(matMulOutput)) {
            if (!add.opType().equals("Add") || !add.domain().isEmpty() || add.inputs().size() != 2) {
                continue;
            }
            String other = add.input(0).equals(matMulOutput) ? add.input(1) : add.input(0);
            OnnxGraph.TensorRef bias = constants.get(other);
            String canonical = canonicalName(other);
            if (bias != null && bias.dims().length == 1 && canonical.endsWith(".bias")) {
                names.add(weightOf(canonical));
                addOutput = add.output(0);
            }
        }
        return names.size() == 1 ? new String[] {names.iterator().next(), addOutput} : null;
    }

    static boolean isDenseWeight(String name) {
        if (name.equals("pooler.dense.weight")) {
            return true;
        }
        Matcher m = LAYER_NAME.matcher(name);
        return m.matches() && m.group(2).endsWith(".weight") && LAYER_PARAMS.contains(m.group(2))
                && !m.group(2).contains("LayerNorm");
    }

    static boolean isBertParameter(String name) {
        if (EMBEDDING_PARAMS.contains(name) || POOLER_PARAMS.contains(name)) {
            return true;
        }
        Matcher m = LAYER_NAME.matcher(name);
        return m.matches() && LAYER_PARAMS.contains(m.group(2));
    }

    private static int layerCount(Set<String> names) {
        int count = 0;
        for (String name : names) {
            Matcher m = LAYER_NAME.matcher(name);
            if (m.matches()) {
                count = Math.max(count, Integer.parseInt(m.group(1)) + 1);
            }
        }
        return count;
    }

    private static long[] expectedShape(String name, long vocab, long hidden, long intermediate, long positions,
                                        long types) {
        switch (name) {
            case "embeddings.word_embeddings.weight":
                return new long[] {vocab, hidden};
            case "embeddings.position_embeddings.weight":
                return new long[] {positions, hidden};
            case "embeddings.token_type_embeddings.weight":
                return new long[] {types, hidden};
            case "pooler.dense.weight":
                return new long[] {hidden, hidden};
            default:
                break;
        }
        String p = name.startsWith("encoder.layer.") ? name.substring(name.indexOf('.', "encoder.layer.".length()) + 1)
                : name;
        return switch (p) {
            case "intermediate.dense.weight" -> new long[] {intermediate, hidden};
            case "intermediate.dense.bias" -> new long[] {intermediate};
            case "output.dense.weight" -> new long[] {hidden, intermediate};
            default -> p.endsWith(".weight") && !p.contains("LayerNorm") ? new long[] {hidden, hidden}
                    : new long[] {hidden};
        };
    }

    private static void write(Path dir, Converted converted, byte[] tokenizer, OnnxImportOptions options)
            throws IOException {
        SafetensorsWriter.write(dir.resolve(Checkpoint.WEIGHTS), converted.tensors(), Map.of("format", "pt"));
        converted.config().write(dir);
        Files.write(dir.resolve(Checkpoint.TOKENIZER), tokenizer);
        if (options.pooling() != null) {
            new SentencePooling(options.pooling(), options.normalize(), options.maxSeqLength() != null
                    ? options.maxSeqLength() : converted.maxPositions()).write(dir, converted.hiddenSize());
        }
        if (!options.prompts().isEmpty()) {
            new SentencePrompts(options.prompts(), null).write(dir);
        }
    }

    private static void checkTokenizer(byte[] tokenizer) {
        try {
            JsonElement json = JsonParser.parseString(new String(tokenizer, StandardCharsets.UTF_8));
            if (json.isJsonObject() && json.getAsJsonObject().has("model")) {
                return;
            }
        } catch (JsonParseException e) {
            // reported below
        }
        throw new CheckpointException("Cannot import tokenizer.json: it is not a HuggingFace tokenizers JSON"
                + " object with a \"model\" entry (pass the tokenizer.json exported with the model)");
    }

    private static byte[] readAll(InputStream in, String what) {
        try {
            byte[] bytes = in.readNBytes(Integer.MAX_VALUE - 8);
            if (in.read() >= 0) {
                throw new CheckpointException("Cannot read " + what + ": it is larger than 2 GB (use an export"
                        + " below 2 GB)");
            }
            return bytes;
        } catch (IOException e) {
            throw new CheckpointException("Cannot read " + what + ": " + e + " (check the input file)", e);
        }
    }

    private static List<String> head(List<String> items, int n) {
        if (items.size() <= n) {
            return items;
        }
        List<String> out = new ArrayList<>(items.subList(0, n));
        out.add("and " + (items.size() - n) + " more");
        return out;
    }
}
