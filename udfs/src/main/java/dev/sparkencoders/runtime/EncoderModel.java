package dev.sparkencoders.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.sparkencoders.encoder.Encoder;
import dev.sparkencoders.encoder.Encoders;
import dev.sparkencoders.encoder.Engine;
import dev.sparkencoders.encoder.FamilyLayout;
import dev.sparkencoders.encoder.Head;
import dev.sparkencoders.encoder.HeadKind;
import dev.sparkencoders.encoder.HeadLoader;
import dev.sparkencoders.model.Pooling;
import dev.sparkencoders.importer.BundledModel;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.text.TextTokenizer;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loaded model: checkpoint, tokenizer, encoder and, loaded on first use, its task heads, with the pooling
 * settings resolved (spec first, then the checkpoint's sentence-transformers files, then defaults). Thread-safe;
 * one per JVM through {@link ModelCache}.
 */
public final class EncoderModel implements AutoCloseable {

    private final Checkpoint checkpoint;
    private final TextTokenizer tokenizer;
    private final Encoder encoder;
    private final NDManager headWeights = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    private final Map<HeadKind, Head> heads = new ConcurrentHashMap<>();
    private final Pooling pooling;
    private final boolean normalize;

    private EncoderModel(Checkpoint checkpoint, TextTokenizer tokenizer, Encoder encoder, Pooling pooling,
                         boolean normalize) {
        this.checkpoint = checkpoint;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.pooling = pooling;
        this.normalize = normalize;
    }

    /** Loads {@code spec} with ONNX Runtime's per-call threads from {@link ThreadSettings#intraOpThreads()}. */
    public static EncoderModel load(ModelSpec spec) {
        return load(spec, ThreadSettings.intraOpThreads());
    }

    /** Loads {@code spec}; {@code intraOpThreads} is what one ONNX Runtime call may use (PyTorch sets its own per task). */
    public static EncoderModel load(ModelSpec spec, int intraOpThreads) {
        Path dir = spec.localDirectory();
        Checkpoint checkpoint = Checkpoint.open(dir);
        // RoBERTa numbers positions from padding_idx + 1, so it has that many fewer usable positions.
        int positions = FamilyLayout.usablePositions(checkpoint.config());
        int maxLength = spec.maxLength() != null ? spec.maxLength()
                : checkpoint.pooling().maxSeqLength() != null ? checkpoint.pooling().maxSeqLength() : positions;
        if (maxLength > positions) {
            throw new CheckpointException("Cannot load model " + dir + ": max length " + maxLength + " exceeds the "
                    + positions + " positions of the model (set model.max-length to at most " + positions + ")");
        }
        Pooling pooling = spec.pooling() != null ? spec.pooling() : checkpoint.pooling().pooling();
        boolean normalize = spec.normalize() != null ? spec.normalize() : checkpoint.pooling().normalize();
        Encoder encoder = Encoders.load(checkpoint, spec.engineOrAuto(), spec.precisionOrFp32(), intraOpThreads);
        TextTokenizer tokenizer = null;
        try {
            tokenizer = TextTokenizer.load(checkpoint.tokenizerFile(), maxLength);
            requireVocabularyFits(dir, tokenizer, checkpoint.config().vocabSize());
            return new EncoderModel(checkpoint, tokenizer, encoder, pooling, normalize);
        } catch (RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            encoder.close();
            throw e;
        }
    }

    /**
     * A token id past the word embeddings would fail every row that contains it, so a tokenizer that does not
     * belong to the weights is refused at load. {@code rows} is config.json's vocab_size, which the encoder has
     * checked against the word embedding matrix. Fewer token ids than rows is normal (vocabularies padded for speed).
     */
    private static void requireVocabularyFits(Path dir, TextTokenizer tokenizer, int rows) {
        if (tokenizer.vocabularySize() > rows) {
            throw new CheckpointException("Cannot load model " + dir + ": its tokenizer.json has "
                    + tokenizer.vocabularySize() + " token ids but the word embeddings have " + rows + " rows"
                    + " (the tokenizer does not belong to these weights; use the tokenizer saved with the model)");
        }
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public Encoder encoder() {
        return encoder;
    }

    /** The checkpoint's head of this kind, loaded on first use; fails naming its missing parameters. */
    public Head head(HeadKind kind) {
        return heads.computeIfAbsent(kind, k -> HeadLoader.load(k, checkpoint, headWeights));
    }

    public Pooling pooling() {
        return pooling;
    }

    public boolean normalize() {
        return normalize;
    }

    @Override
    public void close() {
        try (encoder; headWeights) {
            tokenizer.close();
        }
    }
}
