package dev.sparkencoders.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

/**
 * The set-up shared by the long-text tests: the bundled model's tokenizer at 512 tokens, DJL's plain tokenizer on
 * the same file as an independent reference, a long document and its content token ids (no [CLS], no [SEP]).
 *
 * <pre>{@code
 * LongDocument doc = LongDocument.open(15_000, 3); // at least 15,000 characters, sentences shuffled with seed 3
 * List<TokenWindow> windows = doc.tokenizer().windows(doc.text(), 128);
 * doc.close();
 * }</pre>
 */
record LongDocument(TextTokenizer tokenizer, HuggingFaceTokenizer plain, String text, long[] content)
        implements AutoCloseable {

    static LongDocument open(int chars, long seed) {
        HuggingFaceTokenizer plain = Fixtures.plainTokenizer();
        String text = Fixtures.document(chars, seed);
        return new LongDocument(TextTokenizer.load(Fixtures.tokenizerJson(), 512), plain, text,
                Fixtures.contentIds(plain, text));
    }

    @Override
    public void close() {
        tokenizer.close();
        plain.close();
    }
}
