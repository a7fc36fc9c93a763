package dev.sparkencoders.jobs;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonObject;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.Head;
import dev.sparkencoders.reference.ScalarReference;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classify, pairs and replaced-tokens jobs end to end on synthetic checkpoints, their outputs checked against the scalar
 * reference run on the same token ids (tokenized here with DJL's tokenizer directly).
 */
class HeadJobsTest {

    private static final List<String> TEXTS = List.of("the cat sat on the mat", "a dog is running in the park",
            "the cat is on the mat and the dog is in the park", "");

    @TempDir
    Path dir;

    @Test
    void classifyGivesTheHeadsSoftmaxUnderId2Label() throws IOException {
        SyntheticCheckpoint model = SyntheticCheckpoint.write(dir.resolve("m"), Family.BERT,
                Head.SEQUENCE_CLASSIFICATION, 3);
        List<JsonObject> rows = runOverTexts("classify", model, List.of());
        ScalarReference reference = new ScalarReference(model);
        for (int i = 0; i < TEXTS.size(); i++) {
            Encoding e = tokenize(model, TEXTS.get(i), null);
            double[] expected = ScalarReference.softmax(reference.sequenceLogits(e.getIds(), e.getTypeIds()));
            Map<String, Double> scores = scores(rows.get(i));
            for (int c = 0; c < expected.length; c++) {
                assertEquals(expected[c], scores.get(model.id2label()[c]), 1e-4, "row " + i + " label " + c);
            }
            String best = scores.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            assertEquals(best, rows.get(i).get("label").getAsString());
            assertEquals(3, rows.get(i).getAsJsonArray("labels").size(), "threshold 0 lists every label");
        }
    }

    @Test
    void multiLabelCheckpointsUseASigmoidPerLabelAndTheThreshold() throws IOException {
        SyntheticCheckpoint model = SyntheticCheckpoint.write(dir.resolve("m"), Family.ROBERTA,
                Head.MULTI_LABEL_CLASSIFICATION, 5);
        List<JsonObject> rows = runOverTexts("classify", model, List.of());
        ScalarReference reference = new ScalarReference(model);
        for (int i = 0; i < TEXTS.size(); i++) {
            Encoding e = tokenize(model, TEXTS.get(i), null);
            double[] logits = reference.sequenceLogits(e.getIds(), e.getTypeIds());
            List<String> above = new ArrayList<>();
            for (int c = 0; c < logits.length; c++) {
                double p = 1 / (1 + Math.exp(-logits[c]));
                assertEquals(p, scores(rows.get(i)).get(model.id2label()[c]), 1e-4);
                if (p >= 0.5) {
                    above.add(model.id2label()[c]);
                }
            }
            List<String> listed = new ArrayList<>();
            rows.get(i).getAsJsonArray("labels").forEach(l -> listed.add(l.getAsString()));
            assertEquals(above.stream().sorted().toList(), listed.stream().sorted().toList());
        }
    }

    @Test
    void zeroShotWithAnNliModelRanksTheEntailmentOfEachDescriptionInEveryFamily() throws IOException {
        List<String> labels = List.of("animals", "furniture", "sports");
        for (Family family : Family.values()) {
            if (!Head.SEQUENCE_CLASSIFICATION.supportedBy(family)) {
                continue;
            }
            SyntheticCheckpoint model = SyntheticCheckpoint.write(dir.resolve("nli-" + family), family,
                    Head.SEQUENCE_CLASSIFICATION, 17);
            nliLabels(model);
            ScalarReference reference = new ScalarReference(model);
            for (boolean multiLabel : List.of(false, true)) {
                List<JsonObject> rows = runOverTexts("classify", model, List.of("zero-shot.labels=" + String.join(",",
                        labels), "zero-shot.multi-label=" + multiLabel));
                for (int i = 0; i < TEXTS.size(); i++) {
                    double[] entailment = new double[labels.size()];
                    double[] alone = new double[labels.size()];
                    for (int l = 0; l < labels.size(); l++) {
                        Encoding e = tokenize(model, TEXTS.get(i), "This text is about " + labels.get(l) + ".");
                        double[] logits = reference.sequenceLogits(e.getIds(), e.getTypeIds());
                        entailment[l] = logits[2];
                        alone[l] = ScalarReference.softmax(new double[] {logits[0], logits[2]})[1];
                    }
                    double[] expected = multiLabel ? alone : ScalarReference.softmax(entailment);
                    Map<String, Double> scores = scores(rows.get(i));
                    for (int l = 0; l < labels.size(); l++) {
                        assertEquals(expected[l], scores.get(labels.get(l)), 1e-4,
                                family + " multi-label " + multiLabel + " row " + i + " " + labels.get(l));
                    }
                    List<String> listed = new ArrayList<>();
                    rows.get(i).getAsJsonArray("labels").forEach(x -> listed.add(x.getAsString()));
                    long above = java.util.Arrays.stream(expected).filter(p -> p >= (multiLabel ? 0.5 : 0)).count();
                    assertEquals(above, listed.size(), family + " row " + i + ": " + listed);
                }
            }
        }
    }

    /** Question-context pairs: a 9,000-character context, two short ones, an empty question and an empty context. */
    private static List<String[]> qaPairs() {
        StringBuilder longContext = new StringBuilder();
        for (int i = 0; longContext.length() < 9000; i++) {
            longContext.append(TEXTS.get(i % 3)).append(i % 2 == 0 ? " . " : " and ");
        }
        return List.of(new String[] {"where is the cat", longContext.toString().trim()},
                new String[] {"what is running", TEXTS.get(1)}, new String[] {"", TEXTS.get(2)},
                new String[] {"where is the dog", ""});
    }

    private Path qaInput(String name, List<String[]> pairs) throws IOException {
        Path input = dir.resolve(name + ".json");
        List<String> lines = new ArrayList<>();
        for (String[] p : pairs) {
            JsonObject o = new JsonObject();
            o.addProperty("question", p[0]);
            o.addProperty("context", p[1]);
            lines.add(o.toString());
        }
        Files.write(input, lines);
        return input;
    }

    @Test
    void sqlAnswerGivesTheQaJobsBestAnswer() throws IOException {
        SyntheticCheckpoint model = SyntheticCheckpoint.write(dir.resolve("qa-sql"), Family.BERT,
                Head.QUESTION_ANSWERING, 29);
        Path input = qaInput("qa-sql", qaPairs());
        List<JsonObject> job = run("qa", model, input, List.of());
        List<JsonObject> sql = run("sql", model, input,
                List.of("sql.query=SELECT question, answer(question, context) AS a FROM input"));
        for (int i = 0; i < job.size(); i++) {
            JsonObject a = sql.get(i).getAsJsonObject("a");
            for (String field : List.of("answer", "start", "end", "score", "is_impossible")) {
                assertEquals(job.get(i).get(field), a.get(field), "row " + i + " " + field);
            }
        }
    }

    @Test
    void qaFindsTheBestSpanOverEveryWindowOfALongContextInEveryFamily() throws IOException {
        List<String[]> pairs = qaPairs();
        for (Family family : Family.values()) {
            SyntheticCheckpoint model = SyntheticCheckpoint.write(dir.resolve("qa-" + family), family,
                    Head.QUESTION_ANSWERING, 23);
            ScalarReference reference = new ScalarReference(model);
            Path input = qaInput("qa-" + family, pairs);
            List<JsonObject> rows = run("qa", model, input, List.of("qa.doc-stride=16", "qa.top-k=3"));
            for (int i = 0; i < pairs.size(); i++) {
                String context = pairs.get(i)[1];
                List<double[]> spans = new ArrayList<>(); // start char, end char, score
                double noAnswer = Double.POSITIVE_INFINITY;
                int windows = 0;
                for (Encoding w : qaWindows(model, pairs.get(i)[0], context, 16)) {
                    windows++;
                    // HuggingFace's tokenizers for RoBERTa-architecture models return no token_type_ids.
                    double[][] logits = reference.qaLogits(w.getIds(),
                            family.robertaArchitecture() ? null : w.getTypeIds());
                    long[] sequence = w.getSequenceIds();
                    long[] special = w.getSpecialTokenMask();
                    double[] start = new double[logits.length];
                    double[] end = new double[logits.length];
                    for (int t = 0; t < logits.length; t++) {
                        boolean context1 = sequence[t] == 1 && special[t] == 0;
                        start[t] = t == 0 || context1 ? logits[t][0] : -10000;
                        end[t] = t == 0 || context1 ? logits[t][1] : -10000;
                    }
                    start = ScalarReference.softmax(start);
                    end = ScalarReference.softmax(end);
                    noAnswer = Math.min(noAnswer, start[0] * end[0]);
                    var offsets = w.getCharTokenSpans();
                    for (int a = 1; a < logits.length; a++) {
                        for (int b = a; b < Math.min(logits.length, a + 15); b++) {
                            if (sequence[a] == 1 && special[a] == 0 && sequence[b] == 1 && special[b] == 0) {
                                spans.add(new double[] {offsets[a].getStart(), offsets[b].getEnd(),
                                        start[a] * end[b]});
                            }
                        }
                    }
                }
                JsonObject row = rows.get(i);
                String where = family + " row " + i;
                if (i == 0) {
                    assertTrue(windows > 30, where + ": the long context needs many windows, got " + windows);
                }
                spans.sort((x, y) -> Double.compare(y[2], x[2]));
                if (spans.isEmpty()) {
                    assertTrue(row.get("is_impossible").getAsBoolean(), where + ": an empty context has no answer");
                    assertEquals(noAnswer, row.get("score").getAsDouble(), 1e-4, where);
                    continue;
                }
                double[] best = spans.get(0);
                assertEquals(noAnswer > best[2], row.get("is_impossible").getAsBoolean(), where);
                JsonObject first = row.getAsJsonArray("answers").get(0).getAsJsonObject();
                assertEquals(best[2], first.get("score").getAsDouble(), 1e-4 * Math.max(1, best[2]), where);
                assertEquals((int) best[0], first.get("start").getAsInt(), where);
                assertEquals((int) best[1], first.get("end").getAsInt(), where);
                assertEquals(context.substring((int) best[0], (int) best[1]), first.get("answer").getAsString(), where);
                assertTrue(row.getAsJsonArray("answers").size() <= 3, where + ": qa.top-k=3");
                if (!row.get("is_impossible").getAsBoolean()) {
                    assertEquals(first.get("answer").getAsString(), row.get("answer").getAsString(), where);
                }
            }
        }
    }

    /** The question-context windows as HuggingFace's tokenizer cuts them (second text only, overflowing). */
    private List<Encoding> qaWindows(SyntheticCheckpoint model, String question, String context, int stride)
            throws IOException {
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(modelDir(model).resolve("tokenizer.json")).optMaxLength(64)
                .optTruncateSecondOnly().optStride(stride).optWithOverflowingTokens(true).optPadding(false).build()) {
            Encoding e = tokenizer.encode(question, context);
            List<Encoding> all = new ArrayList<>(List.of(e));
            all.addAll(List.of(e.getOverflowing()));
            return all;
        }
    }

    /** Names the synthetic classifier's three labels as an NLI model's (contradiction, neutral, entailment). */
    private void nliLabels(SyntheticCheckpoint model) throws IOException {
        Path config = modelDir(model).resolve("config.json");
        JsonObject json = com.google.gson.JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        JsonObject id2label = new JsonObject();
        JsonObject label2id = new JsonObject();
        List<String> names = List.of("contradiction", "neutral", "entailment");
        for (int i = 0; i < names.size(); i++) {
            id2label.addProperty(String.valueOf(i), names.get(i));
            label2id.addProperty(names.get(i), i);
        }
        json.add("id2label", id2label);
        json.add("label2id", label2id);
        Files.writeString(config, json.toString());
    }

    @Test
    void pairsPicksNextSentencePredictionForBertAndSentenceOrderForAlbert() throws IOException {
        for (Family family : List.of(Family.BERT, Family.ALBERT)) {
            SyntheticCheckpoint model = SyntheticCheckpoint.write(dir.resolve(family.name()), family,
                    family == Family.BERT ? Head.NSP : Head.PRETRAINING, 9);
            ScalarReference reference = new ScalarReference(model);
            List<JsonObject> rows = runOverPairs(model, "auto", family.name());
            for (int i = 0; i < rows.size(); i++) {
                Encoding e = tokenize(model, TEXTS.get(i), TEXTS.get((i + 1) % TEXTS.size()));
                double[] logits = family == Family.BERT ? reference.nspLogits(e.getIds(), e.getTypeIds())
                        : reference.sopLogits(e.getIds(), e.getTypeIds());
                assertEquals(ScalarReference.softmax(logits)[0], rows.get(i).get("score").getAsDouble(), 1e-4, family + " row " + i);
            }
        }
    }

    @Test
    void pairsScoresACrossEncoderWithTheProbabilityOfItsLastLabel() throws IOException {
        SyntheticCheckpoint model = SyntheticCheckpoint.write(dir.resolve("ce"), Family.ELECTRA,
                Head.SEQUENCE_CLASSIFICATION, 13);
        ScalarReference reference = new ScalarReference(model);
        List<JsonObject> rows = runOverPairs(model, "auto", "ce");
        for (int i = 0; i < rows.size(); i++) {
            Encoding e = tokenize(model, TEXTS.get(i), TEXTS.get((i + 1) % TEXTS.size()));
            double[] p = ScalarReference.softmax(reference.sequenceLogits(e.getIds(), e.getTypeIds()));
            assertEquals(p[p.length - 1], rows.get(i).get("score").getAsDouble(), 1e-4);
        }
    }

    @Test
    void replacedTokensGivesTheDiscriminatorsSigmoidPerTokenWithItsCharacterSpan() throws IOException {
        SyntheticCheckpoint model = SyntheticCheckpoint.write(dir.resolve("rtd"), Family.ELECTRA, Head.RTD, 17);
        ScalarReference reference = new ScalarReference(model);
        List<JsonObject> rows = runOverTexts("replaced-tokens", model, List.of());
        for (int i = 0; i < TEXTS.size(); i++) {
            Encoding e = tokenize(model, TEXTS.get(i), null);
            double[] logits = reference.rtdLogits(e.getIds(), e.getTypeIds());
            var tokens = rows.get(i).getAsJsonArray("tokens");
            int next = 0;
            for (int t = 0; t < logits.length; t++) {
                if (e.getSpecialTokenMask()[t] == 1) {
                    continue;
                }
                JsonObject token = tokens.get(next++).getAsJsonObject();
                var span = e.getCharTokenSpans()[t];
                assertEquals(span.getStart(), token.get("start").getAsInt(), "row " + i + " token " + t);
                assertEquals(span.getEnd(), token.get("end").getAsInt(), "row " + i + " token " + t);
                assertEquals(TEXTS.get(i).substring(span.getStart(), span.getEnd()), token.get("token").getAsString());
                assertEquals(1 / (1 + Math.exp(-logits[t])), token.get("score").getAsDouble(), 1e-4, "row " + i);
            }
            assertEquals(next, tokens.size(), "one entry per non-special token of row " + i);
        }

        Path sqlOut = dir.resolve("sql-rtd");
        JobRunner.Outcome sql = JobRunner.run("sql", "--set", "model.path=" + modelDir(model), "--set",
                "sql.query=SELECT replaced_tokens('" + TEXTS.get(2) + "') AS tokens", "--set", "output.path=" + sqlOut,
                "--set", "output.format=json", "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false");
        assertEquals(0, sql.code(), sql.stderr());
        var fromSql = JobRunner.jsonRows(sqlOut).get(0).getAsJsonArray("tokens");
        var fromJob = rows.get(2).getAsJsonArray("tokens");
        assertEquals(fromJob.size(), fromSql.size());
        for (int t = 0; t < fromJob.size(); t++) {
            JsonObject a = fromJob.get(t).getAsJsonObject();
            JsonObject b = fromSql.get(t).getAsJsonObject();
            assertEquals(a.get("token"), b.get("token"));
            assertEquals(a.get("start"), b.get("start"));
            assertEquals(a.get("score").getAsDouble(), b.get("score").getAsDouble(), 1e-5, "SQL replaced_tokens = job");
        }
    }

    private List<JsonObject> runOverTexts(String job, SyntheticCheckpoint model, List<String> extra) throws IOException {
        Path input = dir.resolve(job + "-in.json");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            lines.add("{\"id\":" + i + ",\"text\":\"" + TEXTS.get(i) + "\"}");
        }
        Files.write(input, lines);
        return run(job, model, input, extra);
    }

    private List<JsonObject> runOverPairs(SyntheticCheckpoint model, String mode, String name) throws IOException {
        Path input = dir.resolve(name + "-pairs.json");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            lines.add("{\"text_a\":\"" + TEXTS.get(i) + "\",\"text_b\":\"" + TEXTS.get((i + 1) % TEXTS.size()) + "\"}");
        }
        Files.write(input, lines);
        return run("pairs", model, input, List.of("pairs.mode=" + mode));
    }

    private List<JsonObject> run(String job, SyntheticCheckpoint model, Path input, List<String> extra) throws IOException {
        Path modelDir = modelDir(model);
        Path output = dir.resolve("out-" + System.nanoTime());
        List<String> args = new ArrayList<>(List.of(job, "--set", "model.path=" + modelDir, "--set", "input.path=" + input,
                "--set", "input.format=json", "--set", "output.path=" + output, "--set", "output.format=json",
                "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false"));
        extra.forEach(e -> args.addAll(List.of("--set", e)));
        JobRunner.Outcome outcome = JobRunner.run(args.toArray(String[]::new));
        assertEquals(0, outcome.code(), outcome.stderr());
        List<JsonObject> rows = JobRunner.jsonRows(output);
        assertEquals(TEXTS.size(), rows.size());
        rows.forEach(r -> assertTrue(!r.has("error"), "no row fails: " + r));
        return rows;
    }

    /** Where {@link SyntheticCheckpoint#write} put the checkpoint (each test writes one per directory). */
    private final Map<SyntheticCheckpoint, Path> written = new java.util.IdentityHashMap<>();

    private Path modelDir(SyntheticCheckpoint model) throws IOException {
        Path modelDir = written.get(model);
        if (modelDir == null) {
            modelDir = dir.resolve("model-" + written.size());
            model.save(modelDir);
            written.put(model, modelDir);
        }
        return modelDir;
    }

    private Encoding tokenize(SyntheticCheckpoint model, String a, String b) throws IOException {
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(modelDir(model).resolve("tokenizer.json"))
                .optMaxLength(64).optTruncation(true).optPadding(false).build()) {
            return b == null ? tokenizer.encode(a) : tokenizer.encode(a, b);
        }
    }

    private static Map<String, Double> scores(JsonObject row) {
        Map<String, Double> out = new TreeMap<>();
        row.getAsJsonObject("scores").entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsDouble()));
        return out;
    }
}
