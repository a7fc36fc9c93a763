package dev.sparkencoders.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.sparkencoders.ml.EncoderTransformer;
import dev.sparkencoders.ml.EntityTagger;
import dev.sparkencoders.ml.PairScorer;
import dev.sparkencoders.ml.QuestionAnswerer;
import dev.sparkencoders.ml.TextClassifier;
import dev.sparkencoders.ml.TextEmbedder;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.Head;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark ML transformers give what the jobs give, on the same input: {@link TextEmbedder} and embed (bundled
 * MiniLM), {@link TextClassifier} and classify (single- and multi-label synthetic checkpoints), {@link PairScorer}
 * and pairs (NSP, cross-encoder and cosine), {@link EntityTagger} and ner. The jobs run first (each stops its own
 * SparkSession), then the transformers in one session of the test's.
 */
class SparkMlMatchesJobsTest {

    private static final List<String> TEXTS = List.of("the cat sat on the mat", "a dog is running in the park",
            "the cat is on the mat and the dog is in the park", "The Dog is running in the Park today", "");

    @TempDir
    static Path dir;

    static Path texts;
    static Path pairs;
    static Path questions;
    static Map<String, Path> models = new java.util.HashMap<>();
    static Map<String, List<JsonObject>> jobs = new java.util.HashMap<>();
    static SparkSession spark;

    @BeforeAll
    static void runTheJobs() throws IOException {
        texts = dir.resolve("texts.json");
        pairs = dir.resolve("pairs.json");
        questions = dir.resolve("questions.json");
        List<String> textLines = new ArrayList<>();
        List<String> pairLines = new ArrayList<>();
        List<String> questionLines = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            textLines.add("{\"id\":" + i + ",\"text\":\"" + TEXTS.get(i) + "\"}");
            pairLines.add("{\"id\":" + i + ",\"text_a\":\"" + TEXTS.get(i) + "\",\"text_b\":\""
                    + TEXTS.get((i + 1) % TEXTS.size()) + "\"}");
            questionLines.add("{\"id\":" + i + ",\"question\":\"" + TEXTS.get(i) + "\",\"context\":\""
                    + TEXTS.get((i + 1) % TEXTS.size()) + "\"}");
        }
        Files.write(texts, textLines);
        Files.write(pairs, pairLines);
        Files.write(questions, questionLines);
        model("single", Family.BERT, Head.SEQUENCE_CLASSIFICATION, 3);
        model("multi", Family.ROBERTA, Head.MULTI_LABEL_CLASSIFICATION, 5);
        model("nsp", Family.BERT, Head.NSP, 9);
        model("cross", Family.ELECTRA, Head.SEQUENCE_CLASSIFICATION, 13);
        model("ner", Family.BERT, Head.TOKEN_CLASSIFICATION, 21);
        model("qa", Family.ROBERTA, Head.QUESTION_ANSWERING, 31);

        job("embed", "embed", texts, "output.vector-type=array");
        job("classify-single", "classify", texts, "model.path=" + models.get("single"));
        job("classify-multi", "classify", texts, "model.path=" + models.get("multi"));
        job("pairs-nsp", "pairs", pairs, "model.path=" + models.get("nsp"));
        job("pairs-cross", "pairs", pairs, "model.path=" + models.get("cross"));
        job("pairs-cosine", "pairs", pairs, "model.path=" + models.get("nsp"), "pairs.mode=cosine");
        job("ner", "ner", texts, "model.path=" + models.get("ner"), "ner.aggregation=simple");
        job("qa", "qa", questions, "model.path=" + models.get("qa"), "qa.top-k=2");
        spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void textEmbedderVectorsEqualTheEmbedJobs() {
        List<Row> rows = run(new TextEmbedder().setOutputType("array"), texts);
        double worst = 0;
        for (int i = 0; i < rows.size(); i++) {
            JsonArray expected = jobs.get("embed").get(i).getAsJsonArray("embedding");
            List<Float> actual = rows.get(i).getList(rows.get(i).fieldIndex("embedding"));
            assertEquals(expected.size(), actual.size());
            for (int d = 0; d < actual.size(); d++) {
                worst = Math.max(worst, Math.abs(expected.get(d).getAsFloat() - actual.get(d)));
            }
        }
        System.err.println("TextEmbedder vs the embed job: largest difference " + worst);
        assertTrue(worst <= 1e-6, "largest difference: " + worst);
    }

    @Test
    void textClassifierGivesTheClassifyJobsLabelsAndScores() {
        for (String name : List.of("single", "multi")) {
            List<Row> rows = run(new TextClassifier().setModelPath(models.get(name).toString()), texts);
            for (int i = 0; i < rows.size(); i++) {
                JsonObject expected = jobs.get("classify-" + name).get(i);
                Row actual = rows.get(i);
                assertEquals(expected.get("label").getAsString(), actual.getAs("label"), name + " row " + i);
                List<String> labels = new ArrayList<>();
                expected.getAsJsonArray("labels").forEach(l -> labels.add(l.getAsString()));
                assertEquals(labels, actual.getList(actual.fieldIndex("labels")), name + " row " + i);
                Map<String, Float> scores = actual.getJavaMap(actual.fieldIndex("scores"));
                assertEquals(expected.getAsJsonObject("scores").size(), scores.size());
                expected.getAsJsonObject("scores").entrySet().forEach(e ->
                        assertEquals(e.getValue().getAsFloat(), scores.get(e.getKey()), 1e-6, name + " " + e.getKey()));
            }
        }
    }

    @Test
    void pairScorerGivesThePairsJobsScoresInEveryMode() {
        Map<String, PairScorer> scorers = Map.of(
                "pairs-nsp", new PairScorer().setModelPath(models.get("nsp").toString()),
                "pairs-cross", new PairScorer().setModelPath(models.get("cross").toString()),
                "pairs-cosine", new PairScorer().setModelPath(models.get("nsp").toString()).setMode("cosine"));
        scorers.forEach((job, scorer) -> {
            List<Row> rows = run(scorer, pairs);
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(jobs.get(job).get(i).get("score").getAsFloat(), (Float) rows.get(i).getAs("score"), 1e-6,
                        job + " row " + i);
            }
        });
    }

    @Test
    void entityTaggerFindsTheNerJobsEntities() {
        List<Row> rows = run(new EntityTagger().setModelPath(models.get("ner").toString()).setAggregation("simple"),
                texts);
        int entities = 0;
        for (int i = 0; i < rows.size(); i++) {
            JsonArray expected = jobs.get("ner").get(i).getAsJsonArray("entities");
            List<Row> actual = rows.get(i).getList(rows.get(i).fieldIndex("entities"));
            assertEquals(expected.size(), actual.size(), "row " + i);
            for (int e = 0; e < actual.size(); e++) {
                JsonObject span = expected.get(e).getAsJsonObject();
                Row entity = actual.get(e);
                assertEquals(span.get("label").getAsString(), entity.getAs("label"));
                assertEquals(span.get("start").getAsInt(), (Integer) entity.getAs("start"));
                assertEquals(span.get("end").getAsInt(), (Integer) entity.getAs("end"));
                assertEquals(span.get("word").getAsString(), entity.getAs("word"));
                assertEquals(span.get("score").getAsFloat(), (Float) entity.getAs("score"), 1e-6);
                entities++;
            }
        }
        assertTrue(entities > 0, "the random head tags some tokens as entities");
    }

    @Test
    void questionAnswererGivesTheQaJobsAnswers() {
        List<Row> rows = run(new QuestionAnswerer().setModelPath(models.get("qa").toString()).setTopK(2), questions);
        for (int i = 0; i < rows.size(); i++) {
            JsonObject expected = jobs.get("qa").get(i);
            Row actual = rows.get(i);
            assertEquals(expected.get("is_impossible").getAsBoolean(), actual.getAs("is_impossible"), "row " + i);
            assertEquals(expected.get("score").getAsFloat(), (Float) actual.getAs("score"), 1e-6, "row " + i);
            if (expected.has("answer")) {
                assertEquals(expected.get("answer").getAsString(), actual.getAs("answer"), "row " + i);
                assertEquals(expected.get("start").getAsInt(), (Integer) actual.getAs("start"), "row " + i);
            }
            JsonArray spans = expected.getAsJsonArray("answers");
            List<Row> answers = actual.getList(actual.fieldIndex("answers"));
            assertEquals(spans.size(), answers.size(), "row " + i);
            for (int a = 0; a < answers.size(); a++) {
                JsonObject span = spans.get(a).getAsJsonObject();
                assertEquals(span.get("answer").getAsString(), answers.get(a).getAs("answer"));
                assertEquals(span.get("end").getAsInt(), (Integer) answers.get(a).getAs("end"));
                assertEquals(span.get("score").getAsFloat(), (Float) answers.get(a).getAs("score"), 1e-6);
            }
        }
    }

    /** The transformer over the JSON file the job read, ordered by id; no row fails. */
    private static List<Row> run(EncoderTransformer<?> transformer, Path input) {
        Dataset<Row> df = spark.read().json(input.toString());
        List<Row> rows = transformer.transform(df).orderBy("id").collectAsList();
        assertEquals(TEXTS.size(), rows.size());
        rows.forEach(r -> assertNull(r.getAs("error"), r.toString()));
        return rows;
    }

    private static void model(String name, Family family, Head head, long seed) {
        Path path = dir.resolve("model-" + name);
        SyntheticCheckpoint.write(path, family, head, seed);
        models.put(name, path);
    }

    /** Runs a job over {@code input} with JSON output; its rows, ordered by id. */
    private static void job(String name, String job, Path input, String... sets) throws IOException {
        Path output = dir.resolve("out-" + name);
        List<String> args = new ArrayList<>(List.of(job, "--set", "input.path=" + input, "--set", "input.format=json",
                "--set", "output.path=" + output, "--set", "output.format=json", "--set", "spark.master=local[2]",
                "--set", "spark.ui.enabled=false"));
        for (String set : sets) {
            args.addAll(List.of("--set", set));
        }
        JobRunner.Outcome outcome = JobRunner.run(args.toArray(String[]::new));
        assertEquals(0, outcome.code(), outcome.stderr());
        List<JsonObject> rows = new ArrayList<>(JobRunner.jsonRows(output));
        rows.sort(java.util.Comparator.comparingInt(r -> r.get("id").getAsInt()));
        rows.forEach(r -> assertTrue(!r.has("error"), name + ": " + r));
        assertEquals(TEXTS.size(), rows.size());
        jobs.put(name, rows);
    }
}
