package dev.sparkencoders.runtime;

import ai.djl.ndarray.NDArray;
import dev.sparkencoders.encoder.PaddedBatch;
import dev.sparkencoders.text.TokenizedText;

import java.util.List;

/**
 * What a task computes from one encoded batch: one value per row, copied out of native memory (the batch's arrays
 * are freed right after).
 *
 * <pre>{@code
 * BatchFunction<float[]> embeddings = (model, batch, hidden, rows) ->
 *         List.of(SentencePooler.pool(hidden, batch.mask(), model.pooling(), model.normalize()));
 * }</pre>
 */
@FunctionalInterface
public interface BatchFunction<R> {

    List<R> apply(EncoderModel model, PaddedBatch batch, NDArray hidden, List<TokenizedText> rows);
}
