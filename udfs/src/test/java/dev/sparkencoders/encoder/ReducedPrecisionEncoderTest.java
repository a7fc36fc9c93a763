package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDManager;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.TemporaryCacheDirectory;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.Head;
import dev.sparkencoders.reference.ScalarReference;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import dev.sparkencoders.text.TokenizedText;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Precision#INT8} (ONNX Runtime) and {@link Precision#BF16} (PyTorch) on every family's body (synthetic
 * checkpoints, ALBERT with shared layers, ModernBERT with local and global layers): each token's last hidden state
 * stays close to the independent scalar reference's (cosine at least 0.99 at int8, 0.999 at bf16), while differing
 * from the same engine's fp32 one (the reduced precision did run). bf16 cases are skipped on CPUs without bf16 dot
 * products. Accuracy on real weights and data (STS-B) is checked by the evaluate job's test.
 */
class ReducedPrecisionEncoderTest {

    @TempDir
    Path dir;

    @RegisterExtension
    static final TemporaryCacheDirectory CACHE = TemporaryCacheDirectory.perClass();

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Precision precision : List.of(Precision.INT8, Precision.BF16)) {
            for (Family family : Family.values()) {
                cases.add(Arguments.of(precision, family, SyntheticCheckpoint.Options.defaults()));
            }
            cases.add(Arguments.of(precision, Family.ALBERT,
                    SyntheticCheckpoint.Options.defaults().withLayers(4).withHiddenGroups(2)));
            cases.add(Arguments.of(precision, Family.MODERNBERT,
                    SyntheticCheckpoint.Options.defaults().withLayers(3).withBiases(true)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void staysCloseToTheScalarReference(Precision precision, Family family, SyntheticCheckpoint.Options options)
            throws IOException {
        Engine engine = precision == Precision.BF16 ? Engine.PYTORCH : Engine.ONNXRUNTIME;
        double minCosine = precision == Precision.BF16 ? 0.999 : 0.99;
        if (precision == Precision.BF16) {
            assumeBf16();
        }
        Path checkpointDir = dir.resolve(family.name());
        SyntheticCheckpoint synthetic = SyntheticCheckpoint.write(checkpointDir, family, Head.BASE, 7, options);
        ScalarReference reference = new ScalarReference(synthetic);
        Checkpoint checkpoint = Checkpoint.open(checkpointDir);
        List<TokenizedText> rows = FamilyParityTest.sequences(synthetic);
        int size = synthetic.hiddenSize();

        float[] reduced;
        float[] fp32;
        int width;
        try (Encoder encoder = Encoders.load(checkpoint, engine, precision, 1);
             NDManager scope = encoder.newBatchManager()) {
            assertEquals(precision, encoder.precision());
            PaddedBatch batch = PaddedBatch.of(scope, rows, encoder.padTokenId());
            width = batch.width();
            reduced = encoder.lastHiddenState(batch).toFloatArray();
        }
        try (Encoder encoder = Encoders.load(checkpoint, engine, Precision.FP32, 1);
             NDManager scope = encoder.newBatchManager()) {
            fp32 = encoder.lastHiddenState(PaddedBatch.of(scope, rows, encoder.padTokenId())).toFloatArray();
        }

        double worstCosine = 1;
        double largestChange = 0;
        for (int r = 0; r < rows.size(); r++) {
            double[][] expected = reference.lastHiddenState(rows.get(r).ids(), rows.get(r).typeIds());
            for (int t = 0; t < expected.length; t++) {
                int at = (r * width + t) * size;
                double dot = 0;
                double actualNorm = 0;
                double expectedNorm = 0;
                for (int i = 0; i < size; i++) {
                    dot += expected[t][i] * reduced[at + i];
                    actualNorm += (double) reduced[at + i] * reduced[at + i];
                    expectedNorm += expected[t][i] * expected[t][i];
                    largestChange = Math.max(largestChange, Math.abs(reduced[at + i] - fp32[at + i]));
                }
                worstCosine = Math.min(worstCosine, dot / Math.sqrt(actualNorm * expectedNorm));
            }
        }
        System.out.printf("%s %s %s: least cosine to the scalar reference %.6f, largest change from fp32 %.3g%n",
                precision.id(), family, options, worstCosine, largestChange);
        assertTrue(worstCosine >= minCosine, family + ": a token's " + precision.id() + " hidden state has cosine "
                + worstCosine + " to the scalar reference's");
        assertTrue(largestChange > 1e-4, family + ": the " + precision.id() + " hidden states equal the fp32 ones"
                + " (largest change " + largestChange + "): the reduced precision did not run");
    }

    @Test
    void int8IsRefusedOnPyTorch() throws IOException {
        SyntheticCheckpoint.write(dir.resolve("bert"), Family.BERT, Head.BASE, 7, SyntheticCheckpoint.Options.defaults());
        Checkpoint checkpoint = Checkpoint.open(dir.resolve("bert"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Encoders.load(checkpoint, Engine.PYTORCH, Precision.INT8, 1));
        assertTrue(e.getMessage().startsWith("Cannot run model ") && e.getMessage().contains("int8 runs on ONNX"
                + " Runtime only"), e.getMessage());
    }

    @Test
    void bf16IsRefusedOnOnnxRuntime() throws IOException {
        SyntheticCheckpoint.write(dir.resolve("bert"), Family.BERT, Head.BASE, 7, SyntheticCheckpoint.Options.defaults());
        Checkpoint checkpoint = Checkpoint.open(dir.resolve("bert"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Encoders.load(checkpoint, Engine.ONNXRUNTIME, Precision.BF16, 1));
        assertTrue(e.getMessage().startsWith("Cannot run model ") && e.getMessage().contains("no bf16 matrix"
                + " products"), e.getMessage());
    }

    /**
     * An fp32 and a bf16 PyTorch body open in one JVM (as in a notebook) each keep their own precision: the fp32
     * body's hidden states equal those of an fp32 body alone, whichever ran last, while a bf16 batch runs on
     * another thread; the mode switches only between batches.
     */
    @Test
    void fp32AndBf16BodiesInOneJvmEachKeepTheirPrecision() throws Exception {
        assumeBf16();
        SyntheticCheckpoint synthetic = SyntheticCheckpoint.write(dir.resolve("bert"), Family.BERT, Head.BASE, 7,
                SyntheticCheckpoint.Options.defaults());
        Checkpoint checkpoint = Checkpoint.open(dir.resolve("bert"));
        List<TokenizedText> rows = FamilyParityTest.sequences(synthetic);
        float[] alone;
        try (Encoder fp32 = Encoders.load(checkpoint, Engine.PYTORCH, Precision.FP32, 1)) {
            alone = hidden(fp32, rows);
        }
        try (Encoder fp32 = Encoders.load(checkpoint, Engine.PYTORCH, Precision.FP32, 1);
             Encoder bf16 = Encoders.load(checkpoint, Engine.AUTO, Precision.BF16, 1)) {
            assertEquals(Engine.PYTORCH, bf16.engine(), "auto runs bf16 on PyTorch");
            float[] reduced = hidden(bf16, rows);
            java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                for (int round = 0; round < 20; round++) {
                    java.util.concurrent.Future<float[]> concurrent = other.submit(() -> hidden(bf16, rows));
                    assertArrayEquals(alone, hidden(fp32, rows), "fp32 body beside a bf16 one, round " + round);
                    assertArrayEquals(reduced, concurrent.get(), "bf16 body beside an fp32 one, round " + round);
                }
            } finally {
                other.shutdownNow();
            }
            assertFalse(java.util.Arrays.equals(alone, reduced), "the bf16 body ran at bf16");
        }
    }

    private static float[] hidden(Encoder encoder, List<TokenizedText> rows) {
        try (NDManager scope = encoder.newBatchManager()) {
            return encoder.lastHiddenState(PaddedBatch.of(scope, rows, encoder.padTokenId())).toFloatArray();
        }
    }

    private static void assumeBf16() {
        Assumptions.assumeTrue(CpuFlags.ofThisMachine().bf16(),
                "Skipped: this CPU has no avx512_bf16 or amx_bf16, so precision bf16 is refused here");
    }
}
