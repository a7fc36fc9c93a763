package dev.sparkencoders.encoder.onnx;

import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.sparkencoders.encoder.Encoder;
import dev.sparkencoders.encoder.Engine;
import dev.sparkencoders.encoder.PaddedBatch;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.TemporaryCacheDirectory;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.Head;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import dev.sparkencoders.text.TokenizedText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The written graph is cached under the cache root by the weights' SHA-256, reused without a second write, replaced
 * when damaged, and fused by ONNX Runtime into its transformer kernels.
 */
class EncoderGraphCacheTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final TemporaryCacheDirectory cache = TemporaryCacheDirectory.perTest();

    @Test
    void graphIsKeyedByTheWeightsHashAndReused() throws Exception {
        Checkpoint checkpoint = synthetic(Family.BERT);
        Path graph = EncoderGraphCache.location(checkpoint, Precision.FP32);
        assertTrue(graph.getFileName().toString().startsWith(checkpoint.weightsSha256() + "-"), graph.toString());
        assertEquals(cache.path().resolve("onnx"), graph.getParent());
        run(checkpoint);
        BasicFileAttributes first = Files.readAttributes(graph, BasicFileAttributes.class);
        run(checkpoint);
        BasicFileAttributes second = Files.readAttributes(graph, BasicFileAttributes.class);
        assertEquals(first.fileKey(), second.fileKey(), "the graph was written again");
        assertEquals(first.lastModifiedTime(), second.lastModifiedTime(), "the graph was written again");
        try (Stream<Path> files = Files.list(graph.getParent())) {
            assertEquals(List.of(graph), files.toList(), "only the graph, no staging file, is left");
        }
    }

    @Test
    void damagedGraphIsReplaced() throws Exception {
        Checkpoint checkpoint = synthetic(Family.ROBERTA);
        Path graph = EncoderGraphCache.location(checkpoint, Precision.FP32);
        Files.createDirectories(graph.getParent());
        Files.writeString(graph, "not an ONNX model", StandardCharsets.UTF_8);
        run(checkpoint);
        assertNotEquals("not an ONNX model", new String(Files.readAllBytes(graph), 0, 17, StandardCharsets.UTF_8));
        assertTrue(Files.size(graph) > 1000, "a whole graph was written");
    }

    @Test
    void ortFusesAttentionLayerNormAndGelu() throws Exception {
        Map<String, Long> bert = fusedOps(synthetic(Family.BERT));
        assertTrue(bert.containsKey("com.microsoft.Attention"), bert.toString());
        assertTrue(bert.containsKey("com.microsoft.SkipLayerNormalization"), bert.toString());
        assertTrue(bert.containsKey("com.microsoft.BiasGelu"), bert.toString());
        assertFalse(bert.containsKey("Softmax") || bert.containsKey("Erf") || bert.containsKey("ReduceMean"),
                bert.toString());
        Map<String, Long> electra = fusedOps(synthetic(Family.ELECTRA));
        assertTrue(electra.containsKey("com.microsoft.FastGelu") || electra.containsKey("com.microsoft.BiasGelu")
                        && !electra.containsKey("Tanh"), electra.toString());
        assertTrue(electra.containsKey("com.microsoft.Attention"), electra.toString());
    }

    @Test
    void graphsOverProtobufsLimitAreRefused() {
        OnnxModelFile model = new OnnxModelFile(EncoderGraphWriter.OPSET);
        model.floats("huge", new long[] {600_000_000L}, () -> {
            throw new AssertionError("no data may be produced for a graph that cannot be written");
        });
        assertTrue(model.size() >= OnnxModelFile.MAX_BYTES);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> model.writeTo(java.io.OutputStream.nullOutputStream()));
        assertTrue(e.getMessage().contains("2 GB"), e.getMessage());
    }

    @Test
    void unknownEngineIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Engine.parse("tensorrt"));
        assertEquals("Cannot use engine 'tensorrt': unknown engine (use auto, pytorch or onnxruntime)", e.getMessage());
        assertEquals(Engine.ONNXRUNTIME, Engine.parse(" OnnxRuntime "));
    }

    private Checkpoint synthetic(Family family) {
        Path checkpointDir = dir.resolve(family.name());
        SyntheticCheckpoint.write(checkpointDir, family, Head.BASE, 7);
        return Checkpoint.open(checkpointDir);
    }

    private static void run(Checkpoint checkpoint) {
        try (Encoder encoder = OnnxRuntimeEncoder.load(checkpoint, 1);
             NDManager scope = encoder.newBatchManager()) {
            TokenizedText row = new TokenizedText(new long[] {1, 7, 8, 2}, new long[4], false);
            long[] shape = encoder.lastHiddenState(PaddedBatch.of(scope, List.of(row), encoder.padTokenId()))
                    .getShape().getShape();
            assertEquals(List.of(1L, 4L, (long) checkpoint.config().hiddenSize()),
                    List.of(shape[0], shape[1], shape[2]));
        }
    }

    /** Op types (domain-qualified) of the graph ONNX Runtime makes of ours, with their counts. */
    private Map<String, Long> fusedOps(Checkpoint checkpoint) throws Exception {
        Path graph = EncoderGraphCache.graph(checkpoint, Precision.FP32);
        Path optimized = dir.resolve(checkpoint.config().family() + "-optimized.onnx");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
            options.setOptimizedModelFilePath(optimized.toString());
            OrtEnvironment.getEnvironment().createSession(graph.toString(), options).close();
        }
        return OnnxOps.count(Files.readAllBytes(optimized));
    }
}
