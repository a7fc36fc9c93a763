package dev.sparkencoders.runtime;

import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.TemporaryCacheDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Copies of a checkpoint read through Hadoop's file system API ({@code file:} URIs stand in for HDFS here). */
class RemoteModelCacheTest {

    @TempDir
    Path tmp;
    @RegisterExtension
    final TemporaryCacheDirectory cache = TemporaryCacheDirectory.perTest();

    private Path checkpoint(String poolingFolder, String weights) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model-" + weights));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"bert\"}");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Files.writeString(dir.resolve("model.safetensors"), weights);
        Files.writeString(dir.resolve("modules.json"), "[{\"idx\":0,\"name\":\"0\",\"path\":\"\",\"type\":"
                + "\"sentence_transformers.models.Transformer\"},{\"idx\":1,\"name\":\"1\",\"path\":\"" + poolingFolder
                + "\",\"type\":\"sentence_transformers.models.Pooling\"}]");
        Path pooling = dir.resolve(poolingFolder).normalize();
        if (pooling.startsWith(dir)) {
            Files.createDirectories(pooling);
            Files.writeString(pooling.resolve("config.json"), "{\"pooling_mode_cls_token\":true}");
        }
        return dir;
    }

    @Test
    void copiesThePoolingModuleFromTheFolderModulesJsonNames() throws IOException {
        Path dir = checkpoint("pooler_of_mine", "w1");
        RemoteModelCache.Copy copy = RemoteModelCache.fetch(dir.toUri().toString());
        assertEquals("{\"pooling_mode_cls_token\":true}",
                Files.readString(copy.dir().resolve("pooler_of_mine/config.json")));
        assertEquals("w1", Files.readString(copy.dir().resolve("model.safetensors")));
        assertFalse(Files.exists(copy.dir().resolve("1_Pooling")));
    }

    @Test
    void theContentHashFollowsTheWeightsAndAStaleHashIsRefused() throws IOException {
        String first = RemoteModelCache.fetch(checkpoint("1_Pooling", "w1").toUri().toString()).sha256();
        Path changed = checkpoint("1_Pooling", "w2");
        String second = RemoteModelCache.fetch(changed.toUri().toString()).sha256();
        assertNotEquals(first, second);
        assertEquals(RemoteModelCache.fetch(changed.toUri().toString()).dir(),
                RemoteModelCache.localCopy(changed.toUri().toString(), second), "the same content is reused");
        Files.writeString(tmp.resolve("model-w1/model.safetensors"), "replaced");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> RemoteModelCache.localCopy(tmp.resolve("model-w1").toUri().toString(), first.replace('0', '1')
                        .replace('a', 'b')));
        assertTrue(e.getMessage().contains("changed since the driver checked them"), e.getMessage());
    }

    @Test
    void aModuleOutsideTheCheckpointIsRefused() throws IOException {
        Path dir = checkpoint("../elsewhere", "w3");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> RemoteModelCache.fetch(dir.toUri().toString()));
        assertTrue(e.getMessage().contains("outside the checkpoint"), e.getMessage());
    }

    @Test
    void aMissingWeightsFileIsNamed() throws IOException {
        Path dir = checkpoint("1_Pooling", "w4");
        Files.delete(dir.resolve("model.safetensors"));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> RemoteModelCache.fetch(dir.toUri().toString()));
        assertTrue(e.getMessage().contains("model.safetensors is missing"), e.getMessage());
    }
}
