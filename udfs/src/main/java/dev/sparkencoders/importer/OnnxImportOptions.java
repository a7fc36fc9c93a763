package dev.sparkencoders.importer;

import dev.sparkencoders.model.Pooling;
import dev.sparkencoders.model.SentencePrompts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of {@link OnnxImporter}.
 *
 * <pre>{@code
 * // all-MiniLM-L6-v2 as sentence-transformers describes it
 * OnnxImportOptions st = new OnnxImportOptions(12, Pooling.MEAN, true, 256);
 * // encoder only, heads read from the graph
 * OnnxImportOptions plain = OnnxImportOptions.defaults();
 * }</pre>
 *
 * @param numAttentionHeads number of attention heads, or null to infer it from the graph (the import fails if
 *                          neither gives it; if both do they must agree)
 * @param pooling           sentence-transformers pooling to describe, or null to write no sentence-transformers
 *                          files
 * @param normalize         whether a {@code Normalize} (L2) module follows the pooling; needs a pooling
 * @param maxSeqLength      {@code max_seq_length} of {@code sentence_bert_config.json}, or null for
 *                          {@code max_position_embeddings}; only used with a pooling
 * @param prompts           instruction prefixes by prompt name, recorded as {@link SentencePrompts}; nothing is
 *                          written when empty
 */
public record OnnxImportOptions(Integer numAttentionHeads, Pooling pooling, boolean normalize, Integer maxSeqLength,
                                Map<String, String> prompts) {

    /** Options without prompts. */
    public OnnxImportOptions(Integer numAttentionHeads, Pooling pooling, boolean normalize, Integer maxSeqLength) {
        this(numAttentionHeads, pooling, normalize, maxSeqLength, Map.of());
    }

    public OnnxImportOptions {
        prompts = prompts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(prompts));
        if (numAttentionHeads != null && numAttentionHeads <= 0) {
            throw new IllegalArgumentException("Cannot use numAttentionHeads " + numAttentionHeads
                    + ": it must be positive (or null to infer it from the graph)");
        }
        if (normalize && pooling == null) {
            throw new IllegalArgumentException("Cannot normalize without pooling: normalisation applies to the"
                    + " pooled sentence embedding (set a pooling mode)");
        }
        if (maxSeqLength != null && maxSeqLength <= 0) {
            throw new IllegalArgumentException("Cannot use maxSeqLength " + maxSeqLength
                    + ": it must be positive (or null for max_position_embeddings)");
        }
    }

    /** Heads from the graph, no sentence-transformers files. */
    public static OnnxImportOptions defaults() {
        return new OnnxImportOptions(null, null, false, null);
    }
}
