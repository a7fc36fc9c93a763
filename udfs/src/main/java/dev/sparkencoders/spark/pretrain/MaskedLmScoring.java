package dev.sparkencoders.spark.pretrain;

import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TokenizedText;
import dev.sparkencoders.text.pretrain.PretrainInstance;
import org.apache.spark.api.java.JavaRDD;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A masked-LM head read on pre-training instances: for each instance, at every chosen position, the
 * log-probability the head gives the original token and the original's rank among all tokens, with what the
 * position became ([MASK], random, unchanged). What masked-LM evaluation sums up.
 *
 * <pre>{@code
 * JavaRDD<MaskedLmScoring.Score> scores = MaskedLmScoring.score(instances, spec, budget);
 * }</pre>
 */
public final class MaskedLmScoring {

    /**
     * One instance's scores: its length (special tokens included) and, per chosen position, what it became
     * ({@code MaskingRules.MASK}, {@code RANDOM}, {@code KEPT}), the original's log-probability and its rank.
     */
    public record Score(int length, byte[] kinds, double[] logProbs, int[] ranks) implements Serializable {}

    private MaskedLmScoring() {}

    public static JavaRDD<Score> score(JavaRDD<PretrainInstance> instances, ModelSpec spec, TokenBudget budget) {
        return instances.filter(instance -> !instance.skipped()).mapPartitions(it -> {
            BatchRunner runner = new BatchRunner(ModelCache.get(spec), budget);
            return Chunks.map(it, PretrainGenerator.CHUNK, chunk -> scoreChunk(chunk, runner));
        });
    }

    static List<Score> scoreChunk(List<PretrainInstance> chunk, BatchRunner runner) {
        Map<TokenizedText, int[][]> targets = new IdentityHashMap<>();
        List<TokenizedText> tokens = new ArrayList<>(chunk.size());
        for (PretrainInstance instance : chunk) {
            TokenizedText row = new TokenizedText(Arrays.stream(instance.inputIds()).asLongStream().toArray(),
                    Arrays.stream(instance.segmentIds()).asLongStream().toArray(), false);
            targets.put(row, new int[][] {instance.maskedPositions(), instance.maskedIds()});
            tokens.add(row);
        }
        List<RowResult<double[][]>> results = runner.runTokenized(tokens,
                new ArrayList<>(Collections.nCopies(chunk.size(), (String) null)),
                Tasks.maskedTargetScores(targets::get));
        List<Score> out = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            PretrainInstance instance = chunk.get(i);
            RowResult<double[][]> result = results.get(i);
            if (!result.ok()) {
                throw new IllegalStateException("Cannot score instance " + instance.number() + " of document "
                        + instance.document() + ": " + result.error() + " (check that the model's positions cover"
                        + " pretrain.max-length)");
            }
            double[][] perPosition = result.value();
            double[] logProbs = new double[perPosition.length];
            int[] ranks = new int[perPosition.length];
            for (int k = 0; k < perPosition.length; k++) {
                logProbs[k] = perPosition[k][0];
                ranks[k] = (int) perPosition[k][1];
            }
            out.add(new Score(instance.length(), instance.maskKinds(), logProbs, ranks));
        }
        return out;
    }
}
