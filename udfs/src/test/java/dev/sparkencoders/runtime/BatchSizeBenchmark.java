package dev.sparkencoders.runtime;

import ai.djl.pytorch.jni.JniUtils;
import dev.sparkencoders.encoder.Engine;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TokenizedText;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Tokens/s of the bundled all-MiniLM-L6-v2 on one thread for each engine, batches of 1 to 64 rows of 16 to 512
 * tokens (random word-piece ids), through {@link BatchRunner#runBatch} with mean pooling: the measurement behind
 * {@code Engine.batchTokens} at fp32 and the attention width of {@code LengthBatcher}. Each cell runs about
 * 20 x 512 tokens after one warm-up batch; two rounds, about 7 minutes on 2 cores. Not part of the default suite
 * (no *Test suffix) and asserts nothing about speed:
 * <pre>
 * mvn -B -o -q test -pl udfs -Dtest=BatchSizeBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class BatchSizeBenchmark {

    private static final int[] WIDTHS = {16, 32, 64, 128, 256, 512};
    private static final int[] ROWS = {1, 2, 4, 8, 16, 32, 64};
    private static final long TOKENS_PER_CELL = 20 * 512;

    @Test
    void sweepRowsAndWidths() {
        for (Engine engine : List.of(Engine.ONNXRUNTIME, Engine.PYTORCH)) {
            EncoderModel model = EncoderModel.load(new ModelSpec(null, null, null, 512, engine, null, null), 1);
            JniUtils.setNumThreads(1);
            BatchRunner runner = new BatchRunner(model, TokenBudget.DEFAULT);
            Random random = new Random(7);
            for (int round = 1; round <= 2; round++) {
                for (int width : WIDTHS) {
                    StringBuilder line = new StringBuilder(String.format("%-11s round %d, %3d tokens:", engine.id(),
                            round, width));
                    for (int rows : ROWS) {
                        if (rows * width > 8_192) {
                            continue;
                        }
                        List<TokenizedText> batch = rows(random, rows, width);
                        runner.runBatch(batch, Tasks.embeddings());
                        long calls = Math.max(2, TOKENS_PER_CELL / ((long) rows * width));
                        long start = System.nanoTime();
                        for (long c = 0; c < calls; c++) {
                            runner.runBatch(batch, Tasks.embeddings());
                        }
                        double seconds = (System.nanoTime() - start) / 1e9;
                        line.append(String.format("  %dx%,.0f", rows, calls * rows * width / seconds));
                    }
                    System.out.println(line);
                }
            }
        }
    }

    private static List<TokenizedText> rows(Random random, int rows, int width) {
        List<TokenizedText> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            long[] ids = new long[width];
            for (int j = 0; j < width; j++) {
                ids[j] = 1_000 + random.nextInt(20_000);
            }
            ids[0] = 101;
            ids[width - 1] = 102;
            out.add(new TokenizedText(ids, new long[width], false));
        }
        return out;
    }
}
