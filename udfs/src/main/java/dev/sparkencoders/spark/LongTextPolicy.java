package dev.sparkencoders.spark;

import dev.sparkencoders.runtime.BatchFunction;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.text.TextTokenizer;
import dev.sparkencoders.text.TokenWindow;
import dev.sparkencoders.text.TokenizedText;
import dev.sparkencoders.text.TruncationStrategy;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What a task does with a text longer than the model's maximum length: truncate it ({@link TruncationStrategy}:
 * head, tail, or head+tail keeping {@code headTokens} from the start), or, when {@code stride >= 0}, run sliding
 * windows that overlap by {@code stride} tokens and let the task pool the windows' results.
 *
 * <pre>{@code
 * LongTextPolicy policy = LongTextPolicy.truncate(TruncationStrategy.HEAD_TAIL, 128);
 * LongTextPolicy windows = LongTextPolicy.slidingWindows(128);
 * }</pre>
 */
public record LongTextPolicy(TruncationStrategy strategy, int headTokens, int stride) implements Serializable {

    public static final LongTextPolicy DEFAULT = truncate(TruncationStrategy.HEAD, TruncationStrategy.DEFAULT_HEAD_TOKENS);

    public static LongTextPolicy truncate(TruncationStrategy strategy, int headTokens) {
        return new LongTextPolicy(strategy, headTokens, -1);
    }

    public static LongTextPolicy slidingWindows(int stride) {
        return new LongTextPolicy(TruncationStrategy.HEAD, TruncationStrategy.DEFAULT_HEAD_TOKENS, stride);
    }

    /**
     * The policy the settings ask for, checked against the model: sliding windows when {@code stride} is given
     * (it must leave room for new tokens in each window), else truncation with {@code strategy}.
     */
    public static LongTextPolicy forModel(TruncationStrategy strategy, int headTokens, Integer stride,
                                          EncoderModel model) {
        if (stride == null) {
            return truncate(strategy, headTokens);
        }
        int room = model.tokenizer().maxContentTokens();
        if (stride < 0 || stride >= room) {
            throw new IllegalArgumentException("Cannot use a window stride of " + stride + ": windows of this model"
                    + " hold " + room + " tokens besides the special ones (use a stride from 0 to " + (room - 1) + ")");
        }
        return slidingWindows(stride);
    }

    public boolean windowed() {
        return stride >= 0;
    }

    /** A text cut into the units the encoder runs: one truncated sequence, or its windows. */
    public record Document(String text, List<TokenizedText> units, List<TokenWindow> windows, String error) {}

    public Document prepare(TextTokenizer tokenizer, String text) {
        if (text == null) {
            return new Document(null, List.of(), List.of(), "Cannot encode row: the text is null");
        }
        try {
            if (windowed()) {
                List<TokenWindow> windows = tokenizer.windows(text, stride);
                return new Document(text, windows.stream().map(TokenWindow::tokens).toList(), windows, null);
            }
            return new Document(text, List.of(tokenizer.encode(text, strategy, headTokens)), List.of(), null);
        } catch (RuntimeException e) {
            return new Document(text, List.of(), List.of(), "Cannot tokenize row: " + e);
        }
    }

    /**
     * Runs {@code task} over every unit of every document and groups the results back per document: a document
     * fails when one of its units fails. Tokens add up over windows; a windowed document is never truncated.
     */
    public static <R> List<RowResult<List<R>>> run(BatchRunner runner, List<Document> documents, BatchFunction<R> task) {
        List<TokenizedText> units = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Document d : documents) {
            for (TokenizedText unit : d.units()) {
                units.add(unit);
                errors.add(null);
            }
        }
        List<RowResult<R>> results = runner.runTokenized(units, errors, task);
        List<RowResult<List<R>>> out = new ArrayList<>(documents.size());
        int next = 0;
        for (Document d : documents) {
            if (d.error() != null) {
                out.add(RowResult.failed(d.error()));
                continue;
            }
            List<R> values = new ArrayList<>(d.units().size());
            String error = null;
            int tokens = 0;
            boolean truncated = false;
            for (int i = 0; i < d.units().size(); i++) {
                RowResult<R> r = results.get(next++);
                error = error != null ? error : r.error();
                values.add(r.value());
                tokens += r.tokens();
                truncated |= r.truncated();
            }
            out.add(new RowResult<>(error == null ? values : null, error, tokens, truncated));
        }
        return out;
    }

    /** The element-wise mean of equally long vectors (window embeddings, window class probabilities). */
    public static float[] mean(List<float[]> vectors) {
        float[] sum = new float[vectors.get(0).length];
        for (float[] v : vectors) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= vectors.size();
        }
        return sum;
    }
}
