package dev.sparkencoders.encoder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.TemporaryCacheDirectory;
import dev.sparkencoders.reference.Family;
import dev.sparkencoders.reference.ScalarReference;
import dev.sparkencoders.reference.SyntheticCheckpoint;
import dev.sparkencoders.text.TokenizedText;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every family and every head it supports, on small synthetic checkpoints with HuggingFace names: the encoder on
 * each engine and the heads, run on one length-mixed padded batch, against the independent scalar reference run on
 * each sequence alone (within 1e-4). The ONNX Runtime graphs are cached in a temporary directory. ModernBERT's rows
 * of 11 and 17 tokens are longer than its synthetic sliding window (|i - j| &lt;= 4), and its mean-pooling
 * classifier reads the padded batch's mask.
 */
class FamilyParityTest {

    private static final double TOLERANCE = 1e-4;
    private static final int[] LENGTHS = {5, 17, 11, 2};

    @TempDir
    Path dir;

    @RegisterExtension
    static final TemporaryCacheDirectory CACHE = TemporaryCacheDirectory.perClass();

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Engine engine : List.of(Engine.PYTORCH, Engine.ONNXRUNTIME)) {
            for (Family family : Family.values()) {
                for (dev.sparkencoders.reference.Head head : dev.sparkencoders.reference.Head.values()) {
                    if (head.supportedBy(family)) {
                        cases.add(Arguments.of(engine, family, head, SyntheticCheckpoint.Options.defaults()));
                    }
                }
            }
            var shared = SyntheticCheckpoint.Options.defaults().withLayers(4).withHiddenGroups(2);
            cases.add(Arguments.of(engine, Family.ALBERT, dev.sparkencoders.reference.Head.PRETRAINING, shared));
            // ModernBERT with 3 layers (global, local, global) and 4 (global, local, global, local).
            var three = SyntheticCheckpoint.Options.defaults().withLayers(3);
            cases.add(Arguments.of(engine, Family.MODERNBERT, dev.sparkencoders.reference.Head.SEQUENCE_CLASSIFICATION,
                    three));
            cases.add(Arguments.of(engine, Family.MODERNBERT, dev.sparkencoders.reference.Head.QUESTION_ANSWERING,
                    SyntheticCheckpoint.Options.defaults().withLayers(4)));
            // ModernBERT with every optional bias (attention, MLP, LayerNorms, prediction head).
            var biased = SyntheticCheckpoint.Options.defaults().withLayers(3).withBiases(true);
            cases.add(Arguments.of(engine, Family.MODERNBERT, dev.sparkencoders.reference.Head.SEQUENCE_CLASSIFICATION,
                    biased));
            cases.add(Arguments.of(engine, Family.MODERNBERT, dev.sparkencoders.reference.Head.MASKED_LM, biased));
            var written = SyntheticCheckpoint.Options.defaults().withTiedDecoderWritten(true);
            for (Family family : Family.values()) {
                cases.add(Arguments.of(engine, family, dev.sparkencoders.reference.Head.MASKED_LM, written));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("cases")
    void matchesTheScalarReference(Engine engine, Family family, dev.sparkencoders.reference.Head head,
                                   SyntheticCheckpoint.Options options) throws IOException {
        System.out.println(engine + " " + family + " " + head + " " + options);
        Path checkpointDir = dir.resolve(family + "-" + head);
        SyntheticCheckpoint synthetic = SyntheticCheckpoint.write(checkpointDir, family, head, 7, options);
        ScalarReference reference = new ScalarReference(synthetic);
        Checkpoint checkpoint = Checkpoint.open(checkpointDir);
        List<TokenizedText> rows = sequences(synthetic);

        try (Encoder encoder = Encoders.load(checkpoint, engine, 1);
             NDManager heads = NDManager.newBaseManager(Device.cpu(), "PyTorch");
             NDManager scope = encoder.newBatchManager()) {
            Loaded model = new Loaded(checkpoint, heads);
            PaddedBatch batch = PaddedBatch.of(scope, rows, encoder.padTokenId());
            NDArray hidden = encoder.lastHiddenState(batch);
            int width = batch.width();
            assertClose("last hidden state", perToken(hidden.toFloatArray(), rows, width, synthetic.hiddenSize()),
                    rows, reference::lastHiddenState);

            switch (head) {
                case BASE -> { }
                case SEQUENCE_CLASSIFICATION, MULTI_LABEL_CLASSIFICATION -> assertSequence(
                        HeadKind.SEQUENCE_CLASSIFICATION, model, hidden, batch, rows, reference::sequenceLogits);
                case NSP -> assertSequence(HeadKind.NEXT_SENTENCE, model, hidden, batch, rows,
                        reference::nspLogits);
                case TOKEN_CLASSIFICATION -> assertTokens(HeadKind.TOKEN_CLASSIFICATION, model, hidden,
                        rows, width, reference::tokenLogits);
                case MASKED_LM -> assertTokens(HeadKind.MASKED_LM, model, hidden, rows, width,
                        reference::mlmLogits);
                case PRETRAINING -> {
                    assertTokens(HeadKind.MASKED_LM, model, hidden, rows, width, reference::mlmLogits);
                    assertSequence(HeadKind.NEXT_SENTENCE, model, hidden, batch, rows,
                            family == Family.ALBERT ? reference::sopLogits : reference::nspLogits);
                }
                case QUESTION_ANSWERING -> assertTokens(HeadKind.QUESTION_ANSWERING, model, hidden, rows, width,
                        reference::qaLogits);
                case RTD -> {
                    NDArray logits = HeadLoader.load(HeadKind.REPLACED_TOKEN, checkpoint, heads).apply(hidden);
                    assertClose("replaced-token logits", perToken(logits.toFloatArray(), rows, width, 1), rows,
                            (ids, types) -> Arrays.stream(reference.rtdLogits(ids, types))
                                    .mapToObj(v -> new double[] {v}).toArray(double[][]::new));
                }
            }
        }
    }

    /** Random ids between the special tokens, segment 1 for the second half where the family has segments. */
    static List<TokenizedText> sequences(SyntheticCheckpoint synthetic) {
        var spec = synthetic.tokenizer();
        Random random = new Random(11);
        List<TokenizedText> rows = new ArrayList<>();
        for (int length : LENGTHS) {
            long[] ids = new long[length];
            long[] types = new long[length];
            ids[0] = spec.clsId();
            ids[length - 1] = spec.sepId();
            for (int t = 1; t < length - 1; t++) {
                ids[t] = 5 + random.nextInt(synthetic.vocabSize() - 5);
            }
            for (int t = length / 2; t < length && synthetic.typeVocabSize() > 1; t++) {
                types[t] = 1;
            }
            rows.add(new TokenizedText(ids, types, false));
        }
        return rows;
    }

    /** The checkpoint and the PyTorch manager its heads' weights go to. */
    private record Loaded(Checkpoint checkpoint, NDManager heads) {}

    private interface SequenceReference {
        double[] apply(long[] ids, long[] types);
    }

    private interface TokenReference {
        double[][] apply(long[] ids, long[] types);
    }

    private static void assertSequence(HeadKind kind, Loaded model, NDArray hidden, PaddedBatch batch,
                                       List<TokenizedText> rows, SequenceReference reference) {
        NDArray logits = HeadLoader.load(kind, model.checkpoint(), model.heads()).apply(hidden, batch.mask());
        int outputs = (int) logits.getShape().get(1);
        float[] flat = logits.toFloatArray();
        double worst = 0;
        for (int r = 0; r < rows.size(); r++) {
            double[] expected = reference.apply(rows.get(r).ids(), rows.get(r).typeIds());
            for (int i = 0; i < Math.min(outputs, expected.length); i++) {
                worst = Math.max(worst, Math.abs(expected[i] - flat[r * outputs + i]));
            }
        }
        System.out.println(kind + ": largest difference from the scalar reference " + worst);
        for (int r = 0; r < rows.size(); r++) {
            double[] expected = reference.apply(rows.get(r).ids(), rows.get(r).typeIds());
            assertEquals(expected.length, outputs);
            for (int i = 0; i < outputs; i++) {
                assertTrue(Math.abs(expected[i] - flat[r * outputs + i]) <= TOLERANCE,
                        kind + " row " + r + " output " + i + ": " + flat[r * outputs + i] + " vs " + expected[i]);
            }
        }
    }

    private static void assertTokens(HeadKind kind, Loaded model, NDArray hidden,
                                     List<TokenizedText> rows, int width, TokenReference reference) {
        NDArray logits = HeadLoader.load(kind, model.checkpoint(), model.heads()).apply(hidden);
        int outputs = (int) logits.getShape().get(2);
        assertClose(kind.name(), perToken(logits.toFloatArray(), rows, width, outputs), rows, reference);
    }

    private static void assertClose(String what, float[][][] actual, List<TokenizedText> rows, TokenReference reference) {
        double worst = 0;
        for (int r = 0; r < rows.size(); r++) {
            double[][] expected = reference.apply(rows.get(r).ids(), rows.get(r).typeIds());
            assertEquals(expected.length, actual[r].length, what + " tokens of row " + r);
            for (int t = 0; t < expected.length; t++) {
                assertEquals(expected[t].length, actual[r][t].length, what + " width");
                for (int i = 0; i < expected[t].length; i++) {
                    worst = Math.max(worst, Math.abs(expected[t][i] - actual[r][t][i]));
                }
            }
        }
        System.out.println(what + ": largest difference from the scalar reference " + worst);
        assertTrue(worst <= TOLERANCE, what + ": largest difference from the scalar reference " + worst);
    }

    private static float[][][] perToken(float[] flat, List<TokenizedText> rows, int width, int size) {
        float[][][] out = new float[rows.size()][][];
        for (int r = 0; r < rows.size(); r++) {
            out[r] = new float[rows.get(r).length()][];
            for (int t = 0; t < out[r].length; t++) {
                int at = (r * width + t) * size;
                out[r][t] = Arrays.copyOfRange(flat, at, at + size);
            }
        }
        return out;
    }
}
