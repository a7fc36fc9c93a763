package dev.sparkencoders.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sparkencoders.encoder.PaddedBatch;
import dev.sparkencoders.encoder.SentencePooler;
import dev.sparkencoders.text.LengthBatcher;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TokenizedText;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Embeds a chunk of texts: tokenize each, sort by length, run token-budget batches, and return one result per
 * input in input order. A row that cannot be tokenized or encoded gets an error result; it never fails the rest.
 * A batch that fails is retried row by row so only the rows at fault carry the error. Native memory is released
 * after every batch.
 *
 * <pre>{@code
 * List<EmbeddingResult> results = new EmbeddingRunner(model, TokenBudget.DEFAULT).embed(texts);
 * }</pre>
 */
public final class EmbeddingRunner {

    private final EncoderModel model;
    private final TokenBudget budget;

    public EmbeddingRunner(EncoderModel model, TokenBudget budget) {
        this.model = model;
        this.budget = budget;
    }

    public List<EmbeddingResult> embed(List<String> texts) {
        EmbeddingResult[] results = new EmbeddingResult[texts.size()];
        List<Integer> rows = new ArrayList<>();
        List<TokenizedText> tokens = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null) {
                results[i] = EmbeddingResult.failed("Cannot embed row: the text is null");
                continue;
            }
            try {
                tokens.add(model.tokenizer().encode(text));
                rows.add(i);
            } catch (RuntimeException e) {
                results[i] = EmbeddingResult.failed("Cannot tokenize row: " + e);
            }
        }
        int[] lengths = tokens.stream().mapToInt(TokenizedText::length).toArray();
        for (int[] batch : LengthBatcher.batches(lengths, budget)) {
            List<EmbeddingResult> batchResults = encodeOrSplit(Arrays.stream(batch).mapToObj(tokens::get).toList());
            for (int j = 0; j < batch.length; j++) {
                results[rows.get(batch[j])] = batchResults.get(j);
            }
        }
        return Arrays.asList(results);
    }

    /** Encodes a batch; if it fails, encodes its rows one by one so that only the rows at fault get an error. */
    private List<EmbeddingResult> encodeOrSplit(List<TokenizedText> batch) {
        try {
            float[][] vectors = encode(batch);
            List<EmbeddingResult> out = new ArrayList<>(batch.size());
            for (int j = 0; j < batch.size(); j++) {
                TokenizedText t = batch.get(j);
                out.add(new EmbeddingResult(vectors[j], null, t.length(), t.truncated()));
            }
            return out;
        } catch (RuntimeException | OutOfMemoryError e) {
            if (batch.size() == 1) {
                TokenizedText t = batch.get(0);
                return List.of(new EmbeddingResult(null, "Cannot encode row of " + t.length() + " tokens: " + e,
                        t.length(), t.truncated()));
            }
            List<EmbeddingResult> out = new ArrayList<>(batch.size());
            for (TokenizedText row : batch) {
                out.addAll(encodeOrSplit(List.of(row)));
            }
            return out;
        }
    }

    /** Embeddings of one padded batch; all native memory of the batch is freed before returning. */
    public float[][] encode(List<TokenizedText> batch) {
        try (NDManager scope = model.encoder().newBatchManager()) {
            PaddedBatch padded = PaddedBatch.of(scope, batch, model.encoder().padTokenId());
            NDArray hidden = model.encoder().lastHiddenState(padded);
            return SentencePooler.pool(hidden, padded.mask(), model.pooling(), model.normalize());
        }
    }
}
