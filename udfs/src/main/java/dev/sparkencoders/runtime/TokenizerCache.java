package dev.sparkencoders.runtime;

import dev.sparkencoders.text.TextTokenizer;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One tokenizer per JVM and {@code tokenizer.json} file, for jobs that tokenize without running a model
 * (pre-training data). Tokenizers stay loaded for the life of the JVM, as models do in {@link ModelCache}.
 *
 * <pre>{@code
 * TextTokenizer tokenizer = TokenizerCache.get(spec.localDirectory().resolve("tokenizer.json"), 512);
 * }</pre>
 */
public final class TokenizerCache {

    private record Key(Path file, int maxLength) {}

    private static final Map<Key, TextTokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    private TokenizerCache() {}

    /** The JVM's tokenizer of {@code tokenizerJson} with this maximum length, loaded the first time. */
    public static TextTokenizer get(Path tokenizerJson, int maxLength) {
        return TOKENIZERS.computeIfAbsent(new Key(tokenizerJson.toAbsolutePath().normalize(), maxLength),
                key -> TextTokenizer.load(key.file(), key.maxLength()));
    }
}
