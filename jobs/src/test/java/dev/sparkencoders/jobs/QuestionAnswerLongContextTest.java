package dev.sparkencoders.jobs;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonObject;
import dev.sparkencoders.TestCorpora;
import dev.sparkencoders.importer.BundledModel;
import dev.sparkencoders.reference.Safetensors;
import dev.sparkencoders.reference.ScalarReference;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Extractive question answering over a context of more than 2,000 tokens with the real all-MiniLM-L6-v2 body (256
 * tokens per row, so the context spans many windows) and a {@code qa_outputs} head built for the test: start and end
 * logits are the projection of a token's last hidden state on the direction that sets the word "zebra" apart from
 * other words, measured with the independent scalar reference on sentences of their own. The only "zebra" of the
 * context is its last word; the job must find it there, at its character offsets.
 */
class QuestionAnswerLongContextTest {

    private static final List<String> MARKER_SENTENCES = List.of("a zebra stood by the river .",
            "we saw a zebra at the zoo yesterday", "the zebra ran across the open plain",
            "my favourite animal is the zebra", "stripes make the zebra easy to spot");
    private static final String MARKER = "zebra";

    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void buildQuestionAnsweringHeadOnMiniLm() throws IOException {
        Path bundled = BundledModel.path();
        SyntheticCheckpoint miniLm = SyntheticCheckpoint.load(bundled);
        ScalarReference reference = new ScalarReference(miniLm);
        int h = miniLm.hiddenSize();
        double[] marker = new double[h];
        double[] other = new double[h];
        int markers = 0;
        int others = 0;
        try (HuggingFaceTokenizer tokenizer = plainTokenizer(bundled)) {
            long markerId = tokenizer.encode(MARKER).getIds()[1];
            List<String> sentences = new ArrayList<>(MARKER_SENTENCES);
            sentences.addAll(TestCorpora.sampleLines().subList(0, 20));
            for (String sentence : sentences) {
                Encoding e = tokenizer.encode(sentence);
                double[][] states = reference.lastHiddenState(e.getIds(), e.getTypeIds());
                for (int t = 1; t < states.length - 1; t++) {
                    boolean isMarker = e.getIds()[t] == markerId;
                    double[] sum = isMarker ? marker : other;
                    for (int i = 0; i < h; i++) {
                        sum[i] += states[t][i];
                    }
                    markers += isMarker ? 1 : 0;
                    others += isMarker ? 0 : 1;
                }
            }
        }
        assertEquals(MARKER_SENTENCES.size(), markers, "one '" + MARKER + "' token per marker sentence");
        float[] direction = new float[2 * h];
        double norm = 0;
        for (int i = 0; i < h; i++) {
            double d = marker[i] / markers - other[i] / others;
            norm += d * d;
        }
        for (int i = 0; i < h; i++) {
            float d = (float) (4 * (marker[i] / markers - other[i] / others) / Math.sqrt(norm));
            direction[i] = d;     // start logits
            direction[h + i] = d; // end logits
        }

        model = Files.createDirectories(dir.resolve("minilm-qa"));
        Map<String, float[]> weights = new HashMap<>(miniLm.weights());
        Map<String, int[]> shapes = new HashMap<>(miniLm.shapes());
        weights.put("qa_outputs.weight", direction);
        shapes.put("qa_outputs.weight", new int[] {2, h});
        weights.put("qa_outputs.bias", new float[2]);
        shapes.put("qa_outputs.bias", new int[] {2});
        Safetensors.writeF32(model.resolve("model.safetensors"), weights, shapes);
        JsonObject config = miniLm.config().deepCopy();
        config.add("architectures", com.google.gson.JsonParser.parseString("[\"BertForQuestionAnswering\"]"));
        Files.writeString(model.resolve("config.json"), config.toString());
        Files.copy(bundled.resolve("tokenizer.json"), model.resolve("tokenizer.json"));
    }

    @Test
    void anAnswerPlacedAtTheEndOfA2000TokenContextIsFoundThere() throws IOException {
        StringBuilder context = new StringBuilder();
        List<String> lines = TestCorpora.sampleLines();
        int tokens = 0;
        try (HuggingFaceTokenizer tokenizer = plainTokenizer(model)) {
            for (int i = 0; tokens < 2000; i = (i + 1) % lines.size()) {
                context.append(lines.get(i)).append(' ');
                tokens = tokenizer.encode(context.toString()).getIds().length - 2;
            }
            context.append("Far away at the end of the road stands a zebra.");
            tokens = tokenizer.encode(context.toString()).getIds().length - 2;
        }
        String text = context.toString();
        assertFalse(text.substring(0, text.length() - 10).contains(MARKER), "the marker is only at the end");
        assertTrue(tokens > 2000, "context of " + tokens + " tokens");

        JsonObject question = new JsonObject();
        question.addProperty("question", "which animal stands at the end of the road?");
        question.addProperty("context", text);
        Path input = dir.resolve("question.json");
        Files.writeString(input, question + "\n");
        Path output = dir.resolve("answers");
        JobRunner.Outcome outcome = JobRunner.run("qa", "--set", "model.path=" + model, "--set", "input.path=" + input,
                "--set", "input.format=json", "--set", "output.path=" + output, "--set", "output.format=json",
                "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());

        List<JsonObject> rows = JobRunner.jsonRows(output);
        assertEquals(1, rows.size());
        JsonObject row = rows.get(0);
        assertFalse(row.has("error") && !row.get("error").isJsonNull(), row.toString());
        assertFalse(row.get("is_impossible").getAsBoolean(), "an answer is found");
        assertEquals(MARKER, row.get("answer").getAsString());
        assertEquals(text.lastIndexOf(MARKER), row.get("start").getAsInt());
        assertEquals(text.lastIndexOf(MARKER) + MARKER.length(), row.get("end").getAsInt());
    }

    /** The checkpoint's tokenizer without the padding and truncation its file fixes. */
    private static HuggingFaceTokenizer plainTokenizer(Path checkpoint) throws IOException {
        return HuggingFaceTokenizer.builder().optTokenizerPath(checkpoint.resolve("tokenizer.json"))
                .optPadding(false).optTruncation(false).build();
    }
}
