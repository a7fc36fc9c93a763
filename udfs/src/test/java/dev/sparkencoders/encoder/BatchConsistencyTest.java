package dev.sparkencoders.encoder;

import dev.sparkencoders.model.Pooling;
import dev.sparkencoders.TestCorpora;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.text.TokenizedText;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One padded batch of very different lengths gives what each row gives alone: catches padding and mask bugs. */
class BatchConsistencyTest {

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void batchedEqualsOneAtATime(Pooling pooling) {
        EncoderModel model = ModelCache.get(new ModelSpec(null, pooling, false, null));
        List<String> lines = TestCorpora.sampleLines();
        List<TokenizedText> mixed = new ArrayList<>();
        for (String line : lines) {
            TokenizedText t = model.tokenizer().encode(line);
            if (mixed.stream().noneMatch(m -> m.length() == t.length())) {
                mixed.add(t);
            }
        }
        int shortest = mixed.stream().mapToInt(TokenizedText::length).min().orElseThrow();
        int longest = mixed.stream().mapToInt(TokenizedText::length).max().orElseThrow();
        assertTrue(longest >= 4 * shortest, "the batch must mix lengths: " + shortest + ".." + longest);

        BatchRunner runner = new BatchRunner(model, dev.sparkencoders.text.TokenBudget.DEFAULT);
        List<float[]> batched = runner.runBatch(mixed, Tasks.embeddings());
        double worst = 0;
        for (int i = 0; i < mixed.size(); i++) {
            float[] alone = runner.runBatch(List.of(mixed.get(i)), Tasks.embeddings()).get(0);
            assertEquals(alone.length, batched.get(i).length);
            for (int j = 0; j < alone.length; j++) {
                worst = Math.max(worst, Math.abs(alone[j] - batched.get(i)[j]));
            }
        }
        assertTrue(worst <= 1e-5, "largest difference batched vs alone: " + worst + " over " + mixed.size() + " rows");
    }
}
