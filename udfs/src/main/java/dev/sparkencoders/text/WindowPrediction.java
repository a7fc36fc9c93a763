package dev.sparkencoders.text;

/**
 * A token-classification result for one window of a long text: the window from {@link TextTokenizer#windows} and
 * the label probabilities of each of its tokens ({@code probabilities[position][label]}, softmax applied).
 *
 * <pre>{@code
 * List<WindowPrediction> predictions = windows.stream()
 *         .map(w -> new WindowPrediction(w, model.probabilities(w.tokens()))).toList();
 * List<EntitySpan> spans = EntityAggregator.aggregateWindows(text, predictions, id2label, AggregationStrategy.FIRST);
 * }</pre>
 */
public record WindowPrediction(TokenWindow window, float[][] probabilities) {

    public WindowPrediction {
        if (probabilities.length != window.tokens().length()) {
            throw new IllegalArgumentException("Cannot use window prediction: " + probabilities.length
                    + " probability rows for " + window.tokens().length() + " tokens (give one row per token)");
        }
    }
}
