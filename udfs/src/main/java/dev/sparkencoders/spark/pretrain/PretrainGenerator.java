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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ELECTRA's replaced tokens: a generator (a checkpoint with a masked-LM head) reads each instance with its chosen
 * tokens masked and samples a token for each at temperature 1 ({@link Tasks#maskedSamples}); the samples take their
 * places in {@code input_ids}, and {@code replaced_labels} marks the tokens that now differ from the original (a
 * sample equal to the original is not a replacement). Instances keep their order; batches are cut by the token
 * budget, as in every job.
 *
 * <pre>{@code
 * JavaRDD<PretrainInstance> replaced = PretrainGenerator.replace(instances, generatorSpec, budget, maskId, seed);
 * }</pre>
 */
public final class PretrainGenerator {

    /** Instances a task sorts and batches at a time. */
    static final int CHUNK = 2048;

    private PretrainGenerator() {}

    public static JavaRDD<PretrainInstance> replace(JavaRDD<PretrainInstance> instances, ModelSpec generator,
                                                    TokenBudget budget, int maskId, long seed) {
        return instances.mapPartitions(it -> {
            BatchRunner runner = new BatchRunner(ModelCache.get(generator), budget);
            return Chunks.map(it, CHUNK, chunk -> replaceChunk(chunk, runner, maskId, seed));
        });
    }

    static List<PretrainInstance> replaceChunk(List<PretrainInstance> chunk, BatchRunner runner, int maskId,
                                               long seed) {
        List<TokenizedText> tokens = new ArrayList<>(chunk.size());
        List<String> errors = new ArrayList<>(chunk.size());
        for (PretrainInstance instance : chunk) {
            if (instance.skipped()) {
                tokens.add(null);
                errors.add("skipped");
            } else {
                tokens.add(new TokenizedText(Arrays.stream(instance.inputIds()).asLongStream().toArray(),
                        Arrays.stream(instance.segmentIds()).asLongStream().toArray(), false));
                errors.add(null);
            }
        }
        List<RowResult<long[]>> samples = runner.runTokenized(tokens, errors, Tasks.maskedSamples(maskId, seed));
        List<PretrainInstance> out = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            PretrainInstance instance = chunk.get(i);
            if (instance.skipped()) {
                out.add(instance);
                continue;
            }
            RowResult<long[]> result = samples.get(i);
            if (!result.ok()) {
                throw new IllegalStateException("Cannot sample replacements for instance " + instance.number()
                        + " of document " + instance.document() + ": " + result.error()
                        + " (check that the generator's positions cover pretrain.max-length)");
            }
            out.add(replaced(instance, result.value(), maskId));
        }
        return out;
    }

    /** The samples (one per mask token of the ids, in order) put at the instance's chosen positions. */
    static PretrainInstance replaced(PretrainInstance instance, long[] samples, int maskId) {
        int[] ids = instance.inputIds().clone();
        int[] labels = new int[ids.length];
        int[] positions = instance.maskedPositions();
        int next = 0;
        int p = 0;
        for (int t = 0; t < ids.length; t++) {
            boolean chosen = p < positions.length && positions[p] == t;
            if (instance.inputIds()[t] == maskId) {
                long sample = samples[next++];
                if (chosen) {
                    ids[t] = Math.toIntExact(sample);
                }
            }
            if (chosen) {
                labels[t] = ids[t] != instance.maskedIds()[p] ? 1 : 0;
                p++;
            }
        }
        return instance.withReplacements(ids, labels);
    }
}
