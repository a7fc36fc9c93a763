package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import dev.sparkencoders.model.ModelConfig;

/**
 * A transformer encoder body: token ids in, last hidden state out. Implementations are thread-safe for
 * inference; each call allocates its intermediates in the manager of the batch it is given.
 *
 * <pre>{@code
 * try (Encoder encoder = Encoders.load(checkpoint);
 *      NDManager batchScope = encoder.newBatchManager()) {
 *     NDArray hidden = encoder.lastHiddenState(PaddedBatch.of(batchScope, rows, encoder.padTokenId()));
 * }
 * }</pre>
 */
public interface Encoder extends AutoCloseable {

    ModelConfig config();

    /** The engine that runs this encoder (never {@link Engine#AUTO}). */
    Engine engine();

    /** The number format of the body's matrix products. */
    default Precision precision() {
        return Precision.FP32;
    }

    /** The id used to pad rows of a batch. */
    long padTokenId();

    /** A manager for one batch's arrays, to be closed when the batch is done. */
    ai.djl.ndarray.NDManager newBatchManager();

    /** The last hidden state [B, L, H] of a padded batch. */
    NDArray lastHiddenState(PaddedBatch batch);

    @Override
    void close();
}
