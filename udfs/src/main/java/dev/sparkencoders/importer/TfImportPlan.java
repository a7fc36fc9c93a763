package dev.sparkencoders.importer;

import dev.sparkencoders.model.CheckpointException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which tensors of a TensorFlow BERT bundle become which HuggingFace {@code BertForMaskedLM} parameters, and the
 * model shape they imply (layers, hidden size, FFN size, vocabulary, positions, token types). Nothing is read
 * but the index.
 *
 * <pre>{@code
 * TfImportPlan plan = TfImportPlan.of(TfBundleIndex.parse(indexBytes, "variables.index"), source);
 * }</pre>
 */
final class TfImportPlan {

    /** BERT's attention heads are 64 wide, which gives the head count from the hidden size. */
    static final int HEAD_SIZE = 64;
    /** The NSP head's classes: B follows A, or not. */
    static final int NSP_LABELS = 2;

    /** One TensorFlow tensor and the HuggingFace name it is written under. */
    record Mapping(TfBundleIndex.Entry entry, String hfName, boolean transpose) {}

    /** The HuggingFace side of a mapping; {@code transpose} turns a TF kernel [in, out] into nn.Linear [out, in]. */
    private record Target(String hfName, boolean transpose) {}

    final List<Mapping> mappings = new ArrayList<>();
    int layers;
    int hidden;
    int intermediate;
    int vocabSize;
    int positions;
    int typeVocab;

    private TfImportPlan() {}

    /**
     * Finds BERT's tensors in the bundle (under whatever scope the word embeddings are), checks that every one a
     * BERT of that depth needs is there with the shape the embedding tables imply, and lists them in output order.
     */
    static TfImportPlan of(TfBundleIndex index, Path source) {
        Map<String, TfBundleIndex.Entry> entries = index.entries();
        String words = "bert/embeddings/word_embeddings";
        List<String> candidates = entries.keySet().stream()
                .filter(k -> k.equals(words) || k.endsWith("/" + words)).toList();
        if (candidates.isEmpty()) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": the bundle has no tensor '"
                    + words + "' (under any scope) among its " + entries.size()
                    + " tensors (this importer reads Google BERT checkpoints)");
        }
        if (candidates.size() > 1) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source
                    + ": the bundle holds several BERT models " + candidates + " (import one SavedModel at a time)");
        }
        String scope = candidates.get(0).substring(0, candidates.get(0).length() - words.length());

        TreeSet<Integer> layerNumbers = new TreeSet<>();
        String layerPrefix = scope + "bert/encoder/layer_";
        for (String key : entries.keySet()) {
            if (key.startsWith(layerPrefix)) {
                int slash = key.indexOf('/', layerPrefix.length());
                String number = key.substring(layerPrefix.length(), slash < 0 ? key.length() : slash);
                if (!number.isEmpty() && number.length() < 6 && number.chars().allMatch(Character::isDigit)) {
                    layerNumbers.add(Integer.parseInt(number));
                }
            }
        }
        if (layerNumbers.isEmpty()) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": the bundle has no tensor '"
                    + layerPrefix + "0/...' (no encoder layers)");
        }
        // Checked before the expected names are listed: a single key such as layer_99999 must not cost 1.6M names.
        int layers = layerNumbers.last() + 1;
        if (layerNumbers.size() != layers) {
            int gap = 0;
            while (layerNumbers.contains(gap)) {
                gap++;
            }
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": the bundle has tensors"
                    + " of " + layerPrefix + (layers - 1) + " but none of " + layerPrefix + gap
                    + " (the encoder layers must be numbered from 0 without gaps)");
        }

        // name in TF (relative to the scope) -> HF name, transpose; insertion order is the output order
        Map<String, Target> expected = new LinkedHashMap<>();
        expected.put("bert/embeddings/word_embeddings", new Target("bert.embeddings.word_embeddings.weight", false));
        expected.put("bert/embeddings/position_embeddings", new Target("bert.embeddings.position_embeddings.weight", false));
        expected.put("bert/embeddings/token_type_embeddings", new Target("bert.embeddings.token_type_embeddings.weight", false));
        layerNorm(expected, "bert/embeddings/LayerNorm", "bert.embeddings.LayerNorm");
        for (int i = 0; i < layers; i++) {
            String tf = "bert/encoder/layer_" + i + "/";
            String hf = "bert.encoder.layer." + i + ".";
            for (String qkv : new String[] {"query", "key", "value"}) {
                dense(expected, tf + "attention/self/" + qkv, hf + "attention.self." + qkv);
            }
            dense(expected, tf + "attention/output/dense", hf + "attention.output.dense");
            layerNorm(expected, tf + "attention/output/LayerNorm", hf + "attention.output.LayerNorm");
            dense(expected, tf + "intermediate/dense", hf + "intermediate.dense");
            dense(expected, tf + "output/dense", hf + "output.dense");
            layerNorm(expected, tf + "output/LayerNorm", hf + "output.LayerNorm");
        }
        dense(expected, "bert/pooler/dense", "bert.pooler.dense");
        dense(expected, "cls/predictions/transform/dense", "cls.predictions.transform.dense");
        layerNorm(expected, "cls/predictions/transform/LayerNorm", "cls.predictions.transform.LayerNorm");
        expected.put("cls/predictions/output_bias", new Target("cls.predictions.bias", false));
        // The NSP head is optional; Google stores its matrix as [2, hidden] already, so it is not transposed.
        boolean nsp = entries.containsKey(scope + "cls/seq_relationship/output_weights")
                || entries.containsKey(scope + "cls/seq_relationship/output_bias");
        if (nsp) {
            expected.put("cls/seq_relationship/output_weights", new Target("cls.seq_relationship.weight", false));
            expected.put("cls/seq_relationship/output_bias", new Target("cls.seq_relationship.bias", false));
        }

        List<String> missing = new ArrayList<>();
        for (String name : expected.keySet()) {
            if (!entries.containsKey(scope + name)) {
                missing.add(scope + name);
            }
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": the bundle lacks "
                    + missing.size() + " expected tensor(s) " + (missing.size() > 10
                    ? missing.subList(0, 10) + " and " + (missing.size() - 10) + " more" : missing)
                    + " (a BERT with " + layers + " layers needs them all)");
        }

        TfImportPlan plan = new TfImportPlan();
        plan.layers = layers;
        long[] w = entries.get(scope + "bert/embeddings/word_embeddings").shape();
        long[] ffn = entries.get(scope + "bert/encoder/layer_0/intermediate/dense/kernel").shape();
        long[] pos = entries.get(scope + "bert/embeddings/position_embeddings").shape();
        long[] types = entries.get(scope + "bert/embeddings/token_type_embeddings").shape();
        if (w.length != 2 || ffn.length != 2 || pos.length != 2 || types.length != 2) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source
                    + ": the embedding tables and the FFN kernel must be matrices, found word " + Arrays.toString(w)
                    + ", position " + Arrays.toString(pos) + ", token type " + Arrays.toString(types) + ", FFN "
                    + Arrays.toString(ffn) + " (the bundle is not a BERT checkpoint)");
        }
        plan.vocabSize = dim(w[0], source, "vocabulary size");
        plan.hidden = dim(w[1], source, "hidden size");
        plan.intermediate = dim(ffn[1], source, "intermediate size");
        plan.positions = dim(pos[0], source, "position count");
        plan.typeVocab = dim(types[0], source, "token type count");
        if (plan.hidden % HEAD_SIZE != 0) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": hidden size " + plan.hidden
                    + " is not a multiple of the " + HEAD_SIZE + "-wide heads of BERT (cannot derive the head count)");
        }
        long h = plan.hidden;
        long ff = plan.intermediate;
        Map<String, long[]> shapes = new HashMap<>();
        for (Map.Entry<String, Target> e : expected.entrySet()) {
            String name = e.getKey();
            String leaf = name.substring(name.lastIndexOf('/') + 1);
            long[] shape;
            if (name.equals("bert/embeddings/word_embeddings")) {
                shape = new long[] {plan.vocabSize, h};
            } else if (name.equals("bert/embeddings/position_embeddings")) {
                shape = new long[] {plan.positions, h};
            } else if (name.equals("bert/embeddings/token_type_embeddings")) {
                shape = new long[] {plan.typeVocab, h};
            } else if (name.equals("cls/predictions/output_bias")) {
                shape = new long[] {plan.vocabSize};
            } else if (name.equals("cls/seq_relationship/output_weights")) {
                shape = new long[] {NSP_LABELS, h}; // fixed: the tensor's own row count may lie
            } else if (name.equals("cls/seq_relationship/output_bias")) {
                shape = new long[] {NSP_LABELS};
            } else if (name.contains("/intermediate/dense/")) {
                shape = leaf.equals("kernel") ? new long[] {h, ff} : new long[] {ff};
            } else if (name.contains("/output/dense/") && !name.contains("/attention/")) {
                shape = leaf.equals("kernel") ? new long[] {ff, h} : new long[] {h};
            } else {
                shape = leaf.equals("kernel") ? new long[] {h, h} : new long[] {h};
            }
            shapes.put(name, shape);
        }
        for (Map.Entry<String, Target> e : expected.entrySet()) {
            TfBundleIndex.Entry entry = entries.get(scope + e.getKey());
            long[] shape = shapes.get(e.getKey());
            if (!Arrays.equals(entry.shape(), shape)) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": tensor '"
                        + entry.key() + "' has shape " + Arrays.toString(entry.shape()) + " but a BERT with hidden size "
                        + h + ", FFN size " + ff + " and " + plan.vocabSize + " tokens needs "
                        + Arrays.toString(shape) + " (the bundle is corrupt or not a BERT checkpoint)");
            }
            if (entry.dtype() != TfBundleIndex.DT_FLOAT) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": tensor '"
                        + entry.key() + "' has TensorFlow dtype " + entry.dtype() + ", not DT_FLOAT (1)"
                        + " (only float32 checkpoints are supported)");
            }
            if (entry.sliced()) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": tensor '"
                        + entry.key() + "' is a partitioned variable (slices are not supported)");
            }
            long elements = entry.elementCount();
            if (elements > Integer.MAX_VALUE - 8 || entry.size() != 4 * elements) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": tensor '"
                        + entry.key() + "' of shape " + Arrays.toString(shape) + " declares " + entry.size()
                        + " bytes, not " + 4 * elements + " (the index is corrupt)");
            }
            plan.mappings.add(new Mapping(entry, e.getValue().hfName(), e.getValue().transpose()));
        }
        return plan;
    }

    private static void dense(Map<String, Target> expected, String tf, String hf) {
        expected.put(tf + "/kernel", new Target(hf + ".weight", true));
        expected.put(tf + "/bias", new Target(hf + ".bias", false));
    }

    private static void layerNorm(Map<String, Target> expected, String tf, String hf) {
        expected.put(tf + "/gamma", new Target(hf + ".weight", false));
        expected.put(tf + "/beta", new Target(hf + ".bias", false));
    }

    private static int dim(long value, Path source, String what) {
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": the " + what + " "
                    + value + " read from the tensor shapes is out of range (the index is corrupt)");
        }
        return (int) value;
    }

    /** HuggingFace {@code BertConfig}; Google's TF BERT uses the tanh GELU, hence {@code gelu_new}. */
    BertConfigFile config(int padTokenId) {
        return new BertConfigFile("BertForMaskedLM", vocabSize, hidden, layers, hidden / HEAD_SIZE, intermediate,
                "gelu_new", positions, typeVocab, 1e-12, padTokenId, true);
    }
}
