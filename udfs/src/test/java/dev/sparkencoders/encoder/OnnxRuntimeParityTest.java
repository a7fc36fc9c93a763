package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.sparkencoders.TestCorpora;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.text.TokenizedText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder's last hidden state for the bundled all-MiniLM-L6-v2 against ONNX Runtime running the very ONNX
 * file the checkpoint was imported from, on real sentences, in length-mixed batches (so padding is exercised on
 * our side while ONNX Runtime sees each sentence alone).
 */
class OnnxRuntimeParityTest {

    private static OrtEnvironment env;
    private static OrtSession session;
    private static EncoderModel model;

    @BeforeAll
    static void load() throws Exception {
        model = ModelCache.get(ModelSpec.bundled());
        env = OrtEnvironment.getEnvironment();
        try (InputStream onnx = OnnxRuntimeParityTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            session = env.createSession(onnx.readAllBytes(), new OrtSession.SessionOptions());
        }
    }

    @AfterAll
    static void close() throws Exception {
        session.close();
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntimeOnSampleCorpus() throws Exception {
        assertParity(TestCorpora.sampleLines().subList(0, 120));
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntimeOnStsBenchmark() throws Exception {
        assertParity(TestCorpora.stsbSentences(120));
    }

    private void assertParity(List<String> sentences) throws Exception {
        assertTrue(sentences.size() >= 100, "need 100+ sentences, got " + sentences.size());
        List<TokenizedText> rows = sentences.stream().map(model.tokenizer()::encode).toList();
        double worst = 0;
        for (int start = 0; start < rows.size(); start += 16) {
            List<TokenizedText> batch = rows.subList(start, Math.min(rows.size(), start + 16));
            float[][][] ours = hiddenStates(batch);
            for (int r = 0; r < batch.size(); r++) {
                float[][] reference = onnxRuntime(batch.get(r));
                assertEquals(reference.length, ours[r].length);
                for (int t = 0; t < reference.length; t++) {
                    for (int h = 0; h < reference[t].length; h++) {
                        worst = Math.max(worst, Math.abs(reference[t][h] - ours[r][t][h]));
                    }
                }
            }
        }
        assertTrue(worst <= 1e-4, "largest absolute difference from ONNX Runtime: " + worst);
    }

    /** Our hidden states per row, cut to each row's own length. */
    private static float[][][] hiddenStates(List<TokenizedText> batch) {
        try (NDManager scope = model.encoder().newBatchManager()) {
            PaddedBatch padded = PaddedBatch.of(scope, batch, model.encoder().padTokenId());
            NDArray hidden = model.encoder().lastHiddenState(padded);
            int width = padded.width();
            int size = (int) hidden.getShape().get(2);
            float[] flat = hidden.toFloatArray();
            float[][][] out = new float[batch.size()][][];
            for (int r = 0; r < batch.size(); r++) {
                out[r] = new float[batch.get(r).length()][size];
                for (int t = 0; t < batch.get(r).length(); t++) {
                    System.arraycopy(flat, (r * width + t) * size, out[r][t], 0, size);
                }
            }
            return out;
        }
    }

    private static float[][] onnxRuntime(TokenizedText row) throws Exception {
        long[][] ids = {row.ids()};
        long[][] types = {row.typeIds()};
        long[][] mask = {new long[row.length()]};
        java.util.Arrays.fill(mask[0], 1L);
        Map<String, OnnxTensor> inputs = Map.of(
                "input_ids", OnnxTensor.createTensor(env, ids),
                "token_type_ids", OnnxTensor.createTensor(env, types),
                "attention_mask", OnnxTensor.createTensor(env, mask));
        try (OrtSession.Result result = session.run(inputs)) {
            float[][][] hidden = (float[][][]) result.get(0).getValue();
            return hidden[0];
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
