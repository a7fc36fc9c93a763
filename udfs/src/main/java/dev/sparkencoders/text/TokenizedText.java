package dev.sparkencoders.text;

/**
 * One tokenized input row: token ids and segment (token type) ids with special tokens added, unpadded.
 * {@code truncated} tells whether tokens were cut to fit the maximum length, so runs can count it.
 */
public record TokenizedText(long[] ids, long[] typeIds, boolean truncated) {

    public int length() {
        return ids.length;
    }
}
