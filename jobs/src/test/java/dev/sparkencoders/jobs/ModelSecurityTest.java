package dev.sparkencoders.jobs;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.Head;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing in a model directory is executed. A checkpoint that ships transformers "remote code" (a
 * {@code modeling_x.py}, {@code auto_map} and {@code trust_remote_code} in config.json) is treated as transformers
 * treats it by default ({@code trust_remote_code=False}): with a supported {@code model_type} it loads with the
 * project's own encoder and gives exactly the embeddings of the same checkpoint without those files; with any other
 * {@code model_type} it is refused. The Python files, which would create a marker file if run, never run. (A
 * pickle-only checkpoint is refused unread: {@link BadModelJobTest} case {@code PICKLE_ONLY}.)
 */
class ModelSecurityTest {

    @TempDir
    Path dir;

    @Test
    void remoteCodeInAModelDirectoryIsNeverRun() throws IOException {
        Path clean = dir.resolve("clean");
        SyntheticCheckpoint.write(clean, Family.BERT, Head.BASE, 11);
        Path marker = dir.resolve("REMOTE_CODE_RAN");
        Path withCode = withRemoteCode(clean, dir.resolve("with-code"), "bert", marker);
        Path input = dir.resolve("input.txt");
        Files.write(input, List.of("the cat sat on the mat", "a dog ran in the park", ""));

        List<JsonObject> expected = embed(clean, input, dir.resolve("clean-out"));
        List<JsonObject> actual = embed(withCode, input, dir.resolve("with-code-out"));
        assertEquals(3, actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).get("embedding"), actual.get(i).get("embedding"), "row " + i);
        }

        Path custom = withRemoteCode(clean, dir.resolve("custom-type"), "x-bert", marker);
        Path refusedOutput = dir.resolve("custom-out");
        JobRunner.Outcome refused = JobRunner.run("embed", "--set", "model.path=" + custom,
                "--set", "input.path=" + input, "--set", "output.path=" + refusedOutput);
        assertEquals(2, refused.code(), refused.stderr());
        assertTrue(JobRunner.refusal(refused.stderr(), "embed").contains("unsupported model_type 'x-bert'"));
        assertFalse(Files.exists(refusedOutput));

        assertFalse(Files.exists(marker), "no Python file of a model directory ran");
    }

    /** A copy of {@code source} with transformers remote code that would create {@code marker} when imported. */
    private static Path withRemoteCode(Path source, Path target, String modelType, Path marker) throws IOException {
        Files.createDirectories(target);
        try (var files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        Files.writeString(target.resolve("modeling_x.py"), ModelFixtures.modelingCodeTouching(marker));
        Files.writeString(target.resolve("configuration_x.py"), ModelFixtures.modelingCodeTouching(marker));
        JsonObject config = JsonParser.parseString(Files.readString(target.resolve("config.json"))).getAsJsonObject();
        config.addProperty("model_type", modelType);
        JsonObject autoMap = new JsonObject();
        autoMap.addProperty("AutoConfig", "configuration_x.XConfig");
        autoMap.addProperty("AutoModel", "modeling_x.XModel");
        config.add("auto_map", autoMap);
        config.addProperty("trust_remote_code", true);
        Files.writeString(target.resolve("config.json"), config.toString());
        return target;
    }

    private static List<JsonObject> embed(Path model, Path input, Path output) throws IOException {
        JobRunner.Outcome outcome = JobRunner.run("embed", "--set", "model.path=" + model, "--set", "input.path=" + input,
                "--set", "output.path=" + output, "--set", "output.format=json", "--set", "spark.master=local[1]",
                "--set", "spark.ui.enabled=false");
        assertEquals(0, outcome.code(), outcome.stderr());
        return JobRunner.jsonRows(output);
    }
}
