package dev.sparkencoders.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sparkencoders.encoder.PaddedBatch;
import dev.sparkencoders.encoder.TorchMatmulPrecision;
import dev.sparkencoders.text.LengthBatcher;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TokenizedText;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a task over a chunk of inputs: tokenize each, sort by length, run token-budget batches through the encoder
 * and the task's {@link BatchFunction}, and return one result per input in input order. An input that cannot be
 * tokenized or encoded gets an error result and never fails the rest: a batch that fails is retried row by row so
 * only the rows at fault carry the error. Native memory is released after every batch. A budget that leaves the token
 * count to the engine ({@link TokenBudget#DEFAULT}) gets the loaded encoder's {@code Engine.batchTokens(precision)}.
 *
 * <pre>{@code
 * BatchRunner runner = new BatchRunner(model, TokenBudget.DEFAULT);
 * List<RowResult<float[]>> vectors = runner.run(texts, model.tokenizer()::encode, Tasks.embeddings());
 * }</pre>
 */
public final class BatchRunner {

    private final EncoderModel model;
    private final TokenBudget budget;

    public BatchRunner(EncoderModel model, TokenBudget budget) {
        this.model = model;
        this.budget = budget.resolve(model.encoder().engine().batchTokens(model.encoder().precision()));
    }

    public EncoderModel model() {
        return model;
    }

    /** The budget batches are cut by, its token count resolved for the loaded encoder. */
    public TokenBudget budget() {
        return budget;
    }

    /** Tokenizes each input with {@code tokenize} (a null input is an error row) and runs {@code task}. */
    public <I, R> List<RowResult<R>> run(List<I> inputs, Function<I, TokenizedText> tokenize, BatchFunction<R> task) {
        List<TokenizedText> tokens = new ArrayList<>(inputs.size());
        List<String> errors = new ArrayList<>(inputs.size());
        for (I input : inputs) {
            TokenizedText t = null;
            String error = null;
            if (input == null) {
                error = "Cannot encode row: the text is null";
            } else {
                try {
                    t = tokenize.apply(input);
                } catch (RuntimeException e) {
                    error = "Cannot tokenize row: " + e;
                }
            }
            tokens.add(t);
            errors.add(error);
        }
        return runTokenized(tokens, errors, task);
    }

    /** Runs {@code task} over already tokenized rows; rows whose {@code errors} entry is set are passed through. */
    public <R> List<RowResult<R>> runTokenized(List<TokenizedText> tokens, List<String> errors, BatchFunction<R> task) {
        @SuppressWarnings("unchecked")
        RowResult<R>[] results = new RowResult[tokens.size()];
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (errors.get(i) != null) {
                results[i] = RowResult.failed(errors.get(i));
            } else {
                rows.add(i);
            }
        }
        int[] lengths = rows.stream().mapToInt(i -> tokens.get(i).length()).toArray();
        for (int[] batch : LengthBatcher.batches(lengths, budget)) {
            List<TokenizedText> batchTokens = Arrays.stream(batch).mapToObj(j -> tokens.get(rows.get(j))).toList();
            List<RowResult<R>> batchResults = runOrSplit(batchTokens, task);
            for (int j = 0; j < batch.length; j++) {
                results[rows.get(batch[j])] = batchResults.get(j);
            }
        }
        return Arrays.asList(results);
    }

    private <R> List<RowResult<R>> runOrSplit(List<TokenizedText> batch, BatchFunction<R> task) {
        try {
            List<R> values = runBatch(batch, task);
            List<RowResult<R>> out = new ArrayList<>(batch.size());
            for (int j = 0; j < batch.size(); j++) {
                TokenizedText t = batch.get(j);
                out.add(new RowResult<>(values.get(j), null, t.length(), t.truncated()));
            }
            return out;
        } catch (RuntimeException | OutOfMemoryError e) {
            if (batch.size() == 1) {
                TokenizedText t = batch.get(0);
                return List.of(new RowResult<>(null, "Cannot encode row of " + t.length() + " tokens: " + e,
                        t.length(), t.truncated()));
            }
            List<RowResult<R>> out = new ArrayList<>(batch.size());
            for (TokenizedText row : batch) {
                out.addAll(runOrSplit(List.of(row), task));
            }
            return out;
        }
    }

    /**
     * One padded batch through the encoder and the task; all native memory of the batch is freed on return. Both run
     * at PyTorch's matmul precision for the encoder's precision (heads on the hidden states included).
     */
    public <R> List<R> runBatch(List<TokenizedText> batch, BatchFunction<R> task) {
        try (TorchMatmulPrecision.Scope precision = TorchMatmulPrecision.enter(model.encoder().precision());
             NDManager scope = model.encoder().newBatchManager()) {
            PaddedBatch padded = PaddedBatch.of(scope, batch, model.encoder().padTokenId());
            NDArray hidden = model.encoder().lastHiddenState(padded);
            return task.apply(model, padded, hidden, batch);
        }
    }
}
