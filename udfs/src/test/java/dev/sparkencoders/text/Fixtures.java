package dev.sparkencoders.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.sparkencoders.importer.BundledModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** The bundled model's real tokenizer (BERT uncased WordPiece) and long test documents. */
final class Fixtures {

    static final long CLS = 101;
    static final long SEP = 102;

    private static final String[] SENTENCES = {
        "The committee met in Kaiserslautern on Tuesday to discuss the 2024 budget.",
        "Wolfgang Amadeus Mozart composed more than 600 works, including symphonies and operas.",
        "A naïve café owner in Zürich served crème brûlée to 37 tourists.",
        "Unbelievably, the antidisestablishmentarianism debate resumed after lunch!",
        "Researchers measured 3.14159 meters of cable; nobody knew why.",
        "She said: \"Tschaikowsky wrote it, not Rachmaninoff.\"",
        "In Berlin, the U-Bahn runs every five minutes during rush hour.",
        "Large language models tokenize text into sub-word pieces such as ##ing.",
    };

    private Fixtures() {}

    static Path tokenizerJson() {
        return BundledModel.path().resolve("tokenizer.json");
    }

    /** An independent reference: DJL's HuggingFace tokenizer on the same file, with truncation and padding off. */
    static HuggingFaceTokenizer plainTokenizer() {
        try {
            return HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson()).optTruncation(false)
                    .optPadding(false).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The content token ids of {@code text}: the plain tokenizer's ids without [CLS] and [SEP]. */
    static long[] contentIds(HuggingFaceTokenizer plain, String text) {
        return Arrays.stream(plain.encode(text).getIds()).filter(id -> id != CLS && id != SEP).toArray();
    }

    /** A document of at least {@code chars} characters made of shuffled sentences, numbered so they differ. */
    static String document(int chars, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(chars + 200);
        int n = 0;
        while (text.length() < chars) {
            text.append(SENTENCES[random.nextInt(SENTENCES.length)]).append(" (").append(n++).append(") ");
        }
        return text.toString();
    }

    static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }
}
