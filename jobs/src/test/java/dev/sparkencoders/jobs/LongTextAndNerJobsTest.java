package dev.sparkencoders.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.Head;
import dev.sparkencoders.reference.ScalarReference;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.text.AggregationStrategy;
import dev.sparkencoders.text.EntityAggregator;
import dev.sparkencoders.text.EntitySpan;
import dev.sparkencoders.text.TextTokenizer;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TokenWindow;
import dev.sparkencoders.text.TokenizedText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ner job, and long texts in the embed job: head+tail truncation counted, sliding windows pooled. */
class LongTextAndNerJobsTest {

    @TempDir
    Path dir;

    @Test
    void nerSpansComeFromTheHeadsTokenProbabilitiesWithOffsetsIntoTheText() throws IOException {
        Path modelDir = dir.resolve("ner-model");
        SyntheticCheckpoint model = SyntheticCheckpoint.write(modelDir, Family.BERT, Head.TOKEN_CLASSIFICATION, 21);
        List<String> texts = List.of("the cat sat on the mat", "The Dog is running in the Park today",
                "a cat and a dog are on the mat in the park");
        Path input = dir.resolve("ner.txt");
        Files.write(input, texts);
        Path output = dir.resolve("ner-out");
        JobRunner.Outcome outcome = JobRunner.run("ner", "--set", "model.path=" + modelDir, "--set", "input.path=" + input,
                "--set", "output.path=" + output, "--set", "output.format=json", "--set", "ner.aggregation=simple",
                "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());
        List<JsonObject> rows = JobRunner.jsonRows(output);
        assertEquals(texts.size(), rows.size());

        ScalarReference reference = new ScalarReference(model);
        int entities = 0;
        try (TextTokenizer tokenizer = TextTokenizer.load(modelDir.resolve("tokenizer.json"), 64)) {
            for (int i = 0; i < texts.size(); i++) {
                TokenizedText tokens = tokenizer.encode(texts.get(i));
                double[][] logits = reference.tokenLogits(tokens.ids(), tokens.typeIds());
                float[][] probabilities = new float[logits.length][];
                for (int t = 0; t < logits.length; t++) {
                    double[] p = ScalarReference.softmax(logits[t]);
                    probabilities[t] = new float[p.length];
                    for (int c = 0; c < p.length; c++) {
                        probabilities[t][c] = (float) p[c];
                    }
                }
                List<EntitySpan> expected = EntityAggregator.aggregate(texts.get(i), tokens, probabilities,
                        model.id2label(), AggregationStrategy.SIMPLE);
                JsonArray actual = rows.get(i).getAsJsonArray("entities");
                assertEquals(expected.size(), actual.size(), "entities of row " + i);
                for (int e = 0; e < expected.size(); e++) {
                    JsonObject span = actual.get(e).getAsJsonObject();
                    assertEquals(expected.get(e).label(), span.get("label").getAsString());
                    assertEquals(expected.get(e).start(), span.get("start").getAsInt());
                    assertEquals(expected.get(e).end(), span.get("end").getAsInt());
                    assertEquals(expected.get(e).score(), span.get("score").getAsFloat(), 1e-4);
                    assertEquals(texts.get(i).substring(span.get("start").getAsInt(), span.get("end").getAsInt()),
                            span.get("word").getAsString());
                    entities++;
                }
            }
        }
        assertTrue(entities > 0, "the random head tags some tokens as entities");
    }

    @Test
    void headTailTruncationIsCountedAndWindowsArePooled() throws IOException {
        String longText = String.join(" ", java.util.Collections.nCopies(12,
                "the river rose through the night and the town moved its cars to higher ground"));
        Path input = dir.resolve("long.txt");
        Files.write(input, List.of(longText, "a short line"));

        Path truncated = dir.resolve("truncated");
        JobRunner.Outcome outcome = JobRunner.run("embed", "--set", "input.path=" + input, "--set", "output.path=" + truncated,
                "--set", "output.format=json", "--set", "model.max-length=32", "--set", "truncation.strategy=head-tail",
                "--set", "truncation.head-tokens=8", "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());
        assertEquals(1, JobRunner.report(truncated).get("rows_truncated").getAsLong());

        Path windowed = dir.resolve("windowed");
        outcome = JobRunner.run("embed", "--set", "input.path=" + input, "--set", "output.path=" + windowed,
                "--set", "output.format=json", "--set", "model.max-length=32", "--set", "windows.stride=8",
                "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());
        assertEquals(0, JobRunner.report(windowed).get("rows_truncated").getAsLong(), "windows lose nothing");
        JsonArray pooled = JobRunner.jsonRows(windowed).get(0).getAsJsonArray("embedding");

        EncoderModel model = ModelCache.get(new ModelSpec(null, null, null, 32));
        List<TokenWindow> windows = model.tokenizer().windows(longText, 8);
        assertTrue(windows.size() > 5, "the text spans many windows: " + windows.size());
        List<float[]> vectors = new BatchRunner(model, TokenBudget.DEFAULT)
                .runBatch(windows.stream().map(TokenWindow::tokens).toList(), Tasks.embeddings());
        double[] mean = new double[vectors.get(0).length];
        vectors.forEach(v -> {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += v[i] / vectors.size();
            }
        });
        double norm = Math.sqrt(java.util.Arrays.stream(mean).map(x -> x * x).sum());
        for (int i = 0; i < mean.length; i++) {
            assertEquals(mean[i] / norm, pooled.get(i).getAsDouble(), 1e-5, "dimension " + i);
        }
    }
}
