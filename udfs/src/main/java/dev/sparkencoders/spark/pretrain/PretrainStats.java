package dev.sparkencoders.spark.pretrain;

import dev.sparkencoders.text.pretrain.MaskingRules;
import dev.sparkencoders.text.pretrain.PretrainInstance;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts over the instances a run wrote: instances and chunks skipped, tokens (special tokens included) and content
 * tokens, masked tokens and what they became, tokens a generator replaced, labels, truncation, and the number of
 * instances of every length.
 * Mutable, for {@link PretrainStatsAccumulator}.
 *
 * <pre>{@code
 * PretrainStats stats = new PretrainStats();
 * stats.add(instance);
 * double maskRate = stats.maskRate();
 * }</pre>
 */
public final class PretrainStats implements Serializable {

    long instances;
    long skipped;
    long tokens;
    long contentTokens;
    long masked;
    long asMask;
    long asRandom;
    long kept;
    long labelled;
    long positive;
    long truncatedInstances;
    long truncatedTokens;
    long replaced;
    long[] lengths = new long[0];

    public void add(PretrainInstance instance) {
        if (instance.skipped()) {
            skipped++;
            return;
        }
        instances++;
        tokens += instance.length();
        contentTokens += instance.contentTokens();
        for (byte kind : instance.maskKinds()) {
            masked++;
            switch (kind) {
                case MaskingRules.MASK -> asMask++;
                case MaskingRules.RANDOM -> asRandom++;
                default -> kept++;
            }
        }
        if (instance.label() >= 0) {
            labelled++;
            positive += instance.label();
        }
        if (instance.replacedLabels() != null) {
            for (int label : instance.replacedLabels()) {
                replaced += label;
            }
        }
        if (instance.truncatedTokens() > 0) {
            truncatedInstances++;
            truncatedTokens += instance.truncatedTokens();
        }
        if (instance.length() >= lengths.length) {
            lengths = Arrays.copyOf(lengths, instance.length() + 1);
        }
        lengths[instance.length()]++;
    }

    public void merge(PretrainStats o) {
        instances += o.instances;
        skipped += o.skipped;
        tokens += o.tokens;
        contentTokens += o.contentTokens;
        masked += o.masked;
        asMask += o.asMask;
        asRandom += o.asRandom;
        kept += o.kept;
        labelled += o.labelled;
        positive += o.positive;
        truncatedInstances += o.truncatedInstances;
        truncatedTokens += o.truncatedTokens;
        replaced += o.replaced;
        if (o.lengths.length > lengths.length) {
            lengths = Arrays.copyOf(lengths, o.lengths.length);
        }
        for (int i = 0; i < o.lengths.length; i++) {
            lengths[i] += o.lengths[i];
        }
    }

    public PretrainStats copy() {
        PretrainStats c = new PretrainStats();
        c.merge(this);
        return c;
    }

    public boolean isZero() {
        return instances == 0 && skipped == 0;
    }

    public long instances() {
        return instances;
    }

    public long skipped() {
        return skipped;
    }

    public long tokens() {
        return tokens;
    }

    public long truncatedInstances() {
        return truncatedInstances;
    }

    /** Masked tokens per content token. */
    public double maskRate() {
        return contentTokens == 0 ? 0 : (double) masked / contentTokens;
    }

    /** The number of instances of each length (index = tokens, special tokens included). */
    public long[] lengths() {
        return lengths.clone();
    }

    /** The figures as the run report lists them. */
    public Map<String, Object> toMap(String labelColumn) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instances", instances);
        m.put("chunks_skipped", skipped);
        m.put("tokens", tokens);
        m.put("content_tokens", contentTokens);
        m.put("mean_length", instances == 0 ? 0 : round((double) tokens / instances));
        m.put("masked_tokens", masked);
        m.put("mask_rate", round(maskRate()));
        m.put("masked_as_mask", masked == 0 ? 0 : round((double) asMask / masked));
        m.put("masked_as_random", masked == 0 ? 0 : round((double) asRandom / masked));
        m.put("masked_kept", masked == 0 ? 0 : round((double) kept / masked));
        if (labelColumn != null) {
            m.put("label_column", labelColumn);
            m.put("label_1_share", labelled == 0 ? 0 : round((double) positive / labelled));
            m.put("label_1_instances", positive);
        }
        if (replaced > 0) {
            m.put("replaced_tokens", replaced);
            m.put("replaced_share_of_masked", masked == 0 ? 0 : round((double) replaced / masked));
        }
        m.put("instances_truncated", truncatedInstances);
        m.put("tokens_truncated", truncatedTokens);
        Map<String, Long> histogram = new LinkedHashMap<>();
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] > 0) {
                histogram.put(Integer.toString(i), lengths[i]);
            }
        }
        m.put("lengths", histogram);
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1e5) / 1e5;
    }
}
