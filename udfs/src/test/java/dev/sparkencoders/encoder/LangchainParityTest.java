package dev.sparkencoders.encoder;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.sparkencoders.TestCorpora;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.text.TokenBudget;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pooled sentence embeddings of the bundled model (mean pooling + L2 normalisation, length-sorted token-budget
 * batches) against langchain4j's in-process all-MiniLM-L6-v2 (ONNX Runtime), sentence by sentence.
 */
class LangchainParityTest {

    @Test
    void sentenceEmbeddingsMatchLangchain4j() {
        List<String> sentences = TestCorpora.sampleLines().subList(0, 150);
        assertCosines(sentences);
    }

    @Test
    void sentenceEmbeddingsMatchLangchain4jOnStsBenchmark() {
        assertCosines(TestCorpora.stsbSentences(150));
    }

    private static void assertCosines(List<String> sentences) {
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        BatchRunner runner = new BatchRunner(ModelCache.get(ModelSpec.bundled()), TokenBudget.DEFAULT);
        List<RowResult<float[]>> ours = runner.run(sentences, runner.model().tokenizer()::encode, Tasks.embeddings());
        double worst = 1;
        for (int i = 0; i < sentences.size(); i++) {
            float[] expected = reference.embed(sentences.get(i)).content().vector();
            float[] actual = ours.get(i).value();
            assertEquals(384, actual.length);
            worst = Math.min(worst, cosine(expected, actual));
        }
        assertTrue(worst >= 0.9999, "lowest cosine to langchain4j: " + worst);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
            na += a[i] * (double) a[i];
            nb += b[i] * (double) b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
