package dev.sparkencoders.text.pretrain;

import java.io.Serializable;

/**
 * Everything that decides a corpus's pre-training instances, small enough to ship to executors: the objective, the
 * instance length (special tokens included), BERT's short-sequence probability, the copies of each document
 * (each masked differently, as RoBERTa's dynamic masking), the seed, padding, the tokenizer's special tokens, the
 * masking rules and which ids continue a word.
 *
 * <pre>{@code
 * PretrainSettings settings = new PretrainSettings(PretrainObjective.NSP, 128, 0.1, 1, 12345, false, 0,
 *         InstanceTemplate.of(tokenizer), rules, pieces.continuesWord());
 * }</pre>
 */
public record PretrainSettings(PretrainObjective objective, int maxLength, double shortSeqProb, int dupeFactor,
                               long seed, boolean pad, int padId, InstanceTemplate template, MaskingRules masking,
                               boolean[] continuesWord) implements Serializable {

    public PretrainSettings {
        int needed = objective.pairs() ? 2 : 1;
        int specials = objective.pairs() ? template.pairSpecials() : template.singleSpecials();
        if (maxLength - specials < needed) {
            throw new IllegalArgumentException("Cannot use pretrain.max-length=" + maxLength + ": it leaves "
                    + (maxLength - specials) + " tokens beside the " + specials + " special tokens (raise it to at"
                    + " least " + (specials + needed) + ")");
        }
        if (!(shortSeqProb >= 0 && shortSeqProb <= 1) || dupeFactor < 1) {
            throw new IllegalArgumentException("Cannot prepare pre-training data: short-sequence probability "
                    + shortSeqProb + " and " + dupeFactor + " copies (give a probability from 0 to 1 and at least"
                    + " one copy)");
        }
    }

    /** The content tokens an instance holds at most: the length less the special tokens. */
    public int maxContentTokens() {
        return maxLength - (objective.pairs() ? template.pairSpecials() : template.singleSpecials());
    }
}
