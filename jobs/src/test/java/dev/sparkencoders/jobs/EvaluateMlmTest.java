package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.Head;
import dev.sparkencoders.reference.ScalarReference;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import dev.sparkencoders.reference.SyntheticTokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code evaluate.task=mlm} on a synthetic BERT with a masked-LM head: the pretrain-data job with the same settings
 * writes the very instances the evaluation scores, and the scalar reference scores them again, independently of
 * the engine: top-1, top-5 and the pseudo-perplexity must agree.
 */
class EvaluateMlmTest {

    @TempDir
    static Path dir;

    @Test
    void accuracyAndPseudoPerplexityMatchTheScalarReferenceOnTheSameMasking() throws IOException {
        Path model = dir.resolve("bert-mlm");
        SyntheticCheckpoint checkpoint = SyntheticCheckpoint.write(model, Family.BERT, Head.MASKED_LM, 17);
        SyntheticTokenizers.Spec vocabulary = SyntheticTokenizers.of(Family.BERT, SyntheticCheckpoint.MAX_LENGTH);
        List<String> words = vocabulary.vocab().stream().filter(w -> w.matches("[a-z]+")).toList();
        Random random = new Random(9);
        List<String> lines = new ArrayList<>();
        for (int d = 0; d < 60; d++) {
            for (int s = 0; s < 8; s++) {
                StringBuilder sentence = new StringBuilder();
                for (int w = 0; w < 4 + random.nextInt(8); w++) {
                    sentence.append(words.get(random.nextInt(words.size()))).append(' ');
                }
                lines.add(sentence.toString().trim() + ".");
            }
            lines.add("");
        }
        Path text = dir.resolve("held-out.txt");
        Files.write(text, lines);
        String[] shared = {"--set", "input.path=" + text, "--set", "model.path=" + model,
                "--set", "pretrain.max-length=48", "--set", "pretrain.seed=31", "--set", "pretrain.dupe-factor=3"};

        Path instances = dir.resolve("instances");
        JobRunner.Outcome data = JobRunner.run(concat(new String[] {"pretrain-data", "--set", "output.path=" + instances,
                "--set", "output.format=json", "--set", "pretrain.objective=none"}, shared));
        assertEquals(0, data.code(), data.stderr());
        Path out = dir.resolve("mlm");
        JobRunner.Outcome evaluation = JobRunner.run(concat(new String[] {"evaluate", "--set", "evaluate.task=mlm",
                "--set", "output.path=" + out}, shared));
        assertEquals(0, evaluation.code(), evaluation.stderr());

        ScalarReference reference = new ScalarReference(checkpoint);
        long masked = 0;
        long top1 = 0;
        long top5 = 0;
        double nll = 0;
        for (JsonObject row : JobRunner.jsonRows(instances)) {
            long[] ids = Arrays.stream(PretrainDataJobTest.ints(row, "input_ids")).asLongStream().toArray();
            int[] positions = PretrainDataJobTest.ints(row, "masked_lm_positions");
            int[] originals = PretrainDataJobTest.ints(row, "masked_lm_ids");
            double[][] logits = reference.mlmLogits(ids, new long[ids.length]);
            for (int k = 0; k < positions.length; k++) {
                double[] p = ScalarReference.softmax(logits[positions[k]]);
                int ahead = 0;
                for (double q : p) {
                    ahead += q > p[originals[k]] ? 1 : 0;
                }
                masked++;
                top1 += ahead == 0 ? 1 : 0;
                top5 += ahead < 5 ? 1 : 0;
                nll -= Math.log(p[originals[k]]);
            }
        }
        JsonObject figures = JsonParser.parseString(Files.readString(out.resolve("report.json")))
                .getAsJsonObject();
        assertTrue(masked > 1000, masked + " masked tokens");
        assertEquals(masked, figures.get("masked_tokens").getAsLong(), "the same masking as pretrain-data");
        // Ranks can differ only where two logits are within float rounding of each other.
        assertEquals((double) top1 / masked, figures.get("top1_accuracy").getAsDouble(), 0.003);
        assertEquals((double) top5 / masked, figures.get("top5_accuracy").getAsDouble(), 0.003);
        assertEquals(Math.exp(nll / masked), figures.get("pseudo_perplexity").getAsDouble(),
                1e-3 * Math.exp(nll / masked));
        assertTrue(figures.getAsJsonObject("by_position_kind").getAsJsonObject("mask").get("masked_tokens")
                .getAsLong() > 0.7 * masked);
        assertTrue(figures.getAsJsonArray("by_length").size() >= 2);
        assertTrue(Files.size(out.resolve("mlm-by-length.png")) > 1000);
    }

    @Test
    void aModelWithoutAMaskedLmHeadIsRefused() throws IOException {
        Path text = dir.resolve("one.txt");
        Files.write(text, List.of("A sentence.", "Another one."));
        JobRunner.Outcome run = JobRunner.run("evaluate", "--set", "evaluate.task=mlm", "--set", "input.path=" + text,
                "--set", "output.path=" + dir.resolve("refused"));
        assertEquals(2, run.code(), run.stderr());
        assertTrue(run.stderr().contains("spark-encoders evaluate: Cannot use model ")
                && run.stderr().contains("with a masked-LM head"), run.stderr());
        assertTrue(!run.stderr().contains("\tat "), "no stack trace");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
