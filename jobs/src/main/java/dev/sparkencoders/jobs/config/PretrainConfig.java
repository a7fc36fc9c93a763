package dev.sparkencoders.jobs.config;

import dev.sparkencoders.text.TextTokenizer;
import dev.sparkencoders.text.VocabularyPieces;
import dev.sparkencoders.text.pretrain.InstanceTemplate;
import dev.sparkencoders.text.pretrain.MaskingRules;
import dev.sparkencoders.text.pretrain.PretrainObjective;
import dev.sparkencoders.text.pretrain.PretrainSettings;

import java.util.List;

/**
 * The pretrain-data job's {@code pretrain.*} settings with the tokenizer they apply to, as one
 * {@link PretrainSettings}; a bad value or a tokenizer without a mask token is refused with one sentence.
 *
 * <pre>{@code
 * PretrainSettings settings = PretrainConfig.settings(config, tokenizer, VocabularyPieces.read(tokenizerJson));
 * }</pre>
 */
public final class PretrainConfig {

    private static final List<String> PAD_TOKENS = List.of("[PAD]", "<pad>");

    private PretrainConfig() {}

    public static PretrainObjective objective(JobConfig config) {
        try {
            return PretrainObjective.parse(config.require(ConfigKey.PRETRAIN_OBJECTIVE));
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
    }

    public static PretrainSettings settings(JobConfig config, TextTokenizer tokenizer, VocabularyPieces pieces) {
        return settings(config, objective(config), tokenizer, pieces);
    }

    /** The settings with {@code objective} in place of {@code pretrain.objective}. */
    public static PretrainSettings settings(JobConfig config, PretrainObjective objective, TextTokenizer tokenizer,
                                            VocabularyPieces pieces) {
        int maskId = Math.toIntExact(tokenizer.maskTokenId().orElseThrow(() -> new JobConfigException("Cannot mask"
                + " tokens with this tokenizer: it has no [MASK] or <mask> token (point model.path at the checkpoint"
                + " of a masked-language model)")));
        try {
            // ELECTRA's generator reads every chosen token as [MASK].
            MaskingRules masking = new MaskingRules(config.unitInterval(ConfigKey.PRETRAIN_MASK_PROB),
                    config.positiveInt(ConfigKey.PRETRAIN_MAX_PREDICTIONS), config.bool(ConfigKey.PRETRAIN_WHOLE_WORD),
                    maskId, pieces.ordinaryIds(), objective.replacesTokens() ? 1.0 : MaskingRules.BERT_MASK_SHARE);
            return new PretrainSettings(objective, config.positiveInt(ConfigKey.PRETRAIN_MAX_LENGTH),
                    config.unitInterval(ConfigKey.PRETRAIN_SHORT_SEQ_PROB),
                    config.positiveInt(ConfigKey.PRETRAIN_DUPE_FACTOR), seed(config),
                    config.bool(ConfigKey.PRETRAIN_PAD), padId(pieces), InstanceTemplate.of(tokenizer), masking,
                    pieces.continuesWord());
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
    }

    /**
     * Refuses a corpus that cannot make instances: one with no token at all, or with fewer than two documents for
     * NSP, which draws random next segments from other documents.
     */
    public static void requireDocuments(PretrainObjective objective, long documents) {
        if (documents == 0) {
            throw new JobConfigException("Cannot prepare pre-training data: the input holds no sentence with a token"
                    + " (check input.path, input.format and input.text-col)");
        }
        if (objective == PretrainObjective.NSP && documents < 2) {
            throw new JobConfigException("Cannot draw random next segments: the input holds one document and NSP"
                    + " draws them from other documents (add documents, separated by blank lines in a text file, or"
                    + " set pretrain.objective=sop or none)");
        }
    }

    private static long seed(JobConfig config) {
        String value = config.require(ConfigKey.PRETRAIN_SEED);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new JobConfigException("Cannot use " + ConfigKey.PRETRAIN_SEED.key() + "=" + value
                    + ": expected an integer (any 64-bit value)", e);
        }
    }

    /** The id of [PAD] or &lt;pad&gt;, else 0. */
    private static int padId(VocabularyPieces pieces) {
        for (int id = 0; id < pieces.size(); id++) {
            if (PAD_TOKENS.contains(pieces.pieces()[id])) {
                return id;
            }
        }
        return 0;
    }
}
