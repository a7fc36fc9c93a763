package dev.sparkencoders.encoder.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.sparkencoders.TestCorpora;
import dev.sparkencoders.encoder.Encoder;
import dev.sparkencoders.encoder.Encoders;
import dev.sparkencoders.encoder.Engine;
import dev.sparkencoders.encoder.PaddedBatch;
import dev.sparkencoders.encoder.SentencePooler;
import dev.sparkencoders.importer.BundledModel;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.Pooling;
import dev.sparkencoders.text.TextTokenizer;
import dev.sparkencoders.text.TokenizedText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundled all-MiniLM-L6-v2 on ONNX Runtime (our written graph) against the PyTorch encoder and against ONNX
 * Runtime running langchain4j's own ONNX export, on real sentences; and batched against one-at-a-time results.
 */
class OnnxRuntimeEncoderTest {

    private static Checkpoint checkpoint;
    private static TextTokenizer tokenizer;
    private static Encoder onnx;
    private static Encoder pytorch;
    private static OrtEnvironment env;
    private static OrtSession langchainSession;

    @BeforeAll
    static void load() throws Exception {
        checkpoint = Checkpoint.open(BundledModel.path());
        tokenizer = TextTokenizer.load(checkpoint.tokenizerFile(), 256);
        onnx = Encoders.load(checkpoint, Engine.ONNXRUNTIME, 1);
        pytorch = Encoders.load(checkpoint, Engine.PYTORCH, 1);
        env = OrtEnvironment.getEnvironment();
        try (InputStream in = OnnxRuntimeEncoderTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            langchainSession = env.createSession(in.readAllBytes(), new OrtSession.SessionOptions());
        }
    }

    @AfterAll
    static void close() throws Exception {
        langchainSession.close();
        onnx.close();
        pytorch.close();
        tokenizer.close();
    }

    @Test
    void sentenceEmbeddingsMatchThePyTorchEncoder() {
        List<TokenizedText> rows = TestCorpora.stsbSentences(200).stream().map(tokenizer::encode).toList();
        double worst = 1;
        for (int start = 0; start < rows.size(); start += 32) {
            List<TokenizedText> batch = rows.subList(start, Math.min(rows.size(), start + 32));
            float[][] ours = embeddings(onnx, batch);
            float[][] reference = embeddings(pytorch, batch);
            for (int r = 0; r < batch.size(); r++) {
                worst = Math.min(worst, cosine(ours[r], reference[r]));
            }
        }
        assertTrue(worst > 0.99999, "lowest cosine to the PyTorch encoder: " + worst);
    }

    @Test
    void lastHiddenStateMatchesLangchainsOnnxFile() throws Exception {
        List<TokenizedText> rows = TestCorpora.sampleLines().subList(0, 100).stream().map(tokenizer::encode).toList();
        double worst = 0;
        for (int start = 0; start < rows.size(); start += 16) {
            List<TokenizedText> batch = rows.subList(start, Math.min(rows.size(), start + 16));
            float[][][] ours = hiddenStates(onnx, batch);
            for (int r = 0; r < batch.size(); r++) {
                float[][] reference = langchain(batch.get(r));
                assertEquals(reference.length, ours[r].length);
                for (int t = 0; t < reference.length; t++) {
                    for (int h = 0; h < reference[t].length; h++) {
                        worst = Math.max(worst, Math.abs(reference[t][h] - ours[r][t][h]));
                    }
                }
            }
        }
        assertTrue(worst <= 1e-4, "largest difference from langchain4j's ONNX file on ONNX Runtime: " + worst);
    }

    @Test
    void batchedEqualsOneAtATime() {
        List<TokenizedText> mixed = new ArrayList<>();
        for (String line : TestCorpora.sampleLines()) {
            TokenizedText t = tokenizer.encode(line);
            if (mixed.stream().noneMatch(m -> m.length() == t.length())) {
                mixed.add(t);
            }
        }
        int shortest = mixed.stream().mapToInt(TokenizedText::length).min().orElseThrow();
        int longest = mixed.stream().mapToInt(TokenizedText::length).max().orElseThrow();
        assertTrue(longest >= 4 * shortest, "the batch must mix lengths: " + shortest + ".." + longest);
        float[][] batched = embeddings(onnx, mixed);
        double worst = 0;
        for (int i = 0; i < mixed.size(); i++) {
            float[] alone = embeddings(onnx, List.of(mixed.get(i)))[0];
            for (int j = 0; j < alone.length; j++) {
                worst = Math.max(worst, Math.abs(alone[j] - batched[i][j]));
            }
        }
        assertTrue(worst <= 1e-5, "largest difference batched vs alone: " + worst + " over " + mixed.size() + " rows");
    }

    private static float[][] embeddings(Encoder encoder, List<TokenizedText> rows) {
        try (NDManager scope = encoder.newBatchManager()) {
            PaddedBatch batch = PaddedBatch.of(scope, rows, encoder.padTokenId());
            NDArray hidden = encoder.lastHiddenState(batch);
            assertEquals("PyTorch", hidden.getManager().getEngine().getEngineName());
            return SentencePooler.pool(hidden, batch.mask(), Pooling.MEAN, true);
        }
    }

    private static float[][][] hiddenStates(Encoder encoder, List<TokenizedText> rows) {
        try (NDManager scope = encoder.newBatchManager()) {
            PaddedBatch batch = PaddedBatch.of(scope, rows, encoder.padTokenId());
            NDArray hidden = encoder.lastHiddenState(batch);
            int width = batch.width();
            int size = (int) hidden.getShape().get(2);
            float[] flat = hidden.toFloatArray();
            float[][][] out = new float[rows.size()][][];
            for (int r = 0; r < rows.size(); r++) {
                out[r] = new float[rows.get(r).length()][];
                for (int t = 0; t < out[r].length; t++) {
                    out[r][t] = Arrays.copyOfRange(flat, (r * width + t) * size, (r * width + t + 1) * size);
                }
            }
            return out;
        }
    }

    private static float[][] langchain(TokenizedText row) throws Exception {
        long[][] mask = {new long[row.length()]};
        Arrays.fill(mask[0], 1L);
        Map<String, OnnxTensor> inputs = Map.of(
                "input_ids", OnnxTensor.createTensor(env, new long[][] {row.ids()}),
                "token_type_ids", OnnxTensor.createTensor(env, new long[][] {row.typeIds()}),
                "attention_mask", OnnxTensor.createTensor(env, mask));
        try (OrtSession.Result result = langchainSession.run(inputs)) {
            return ((float[][][]) result.get(0).getValue())[0];
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
            na += a[i] * (double) a[i];
            nb += b[i] * (double) b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
