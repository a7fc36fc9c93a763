package dev.sparkencoders.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns per-token label probabilities of a token-classification (NER) model into entity spans of the original text,
 * following HuggingFace's {@code TokenClassificationPipeline} (see {@link AggregationStrategy}):
 * <ol>
 *   <li>special tokens are ignored;
 *   <li>{@link AggregationStrategy#SIMPLE} labels each token with its argmax; the other strategies first merge the
 *   tokens of each word (tokens sharing a tokenizer word id) into one labelled, scored word;
 *   <li>consecutive tokens or words are grouped: one with label {@code B-X} always starts a new group, one with
 *   {@code I-X} (or a bare label {@code X}) continues the previous group if that has type {@code X}, else starts a
 *   new one (so an {@code I-X} after {@code O} or after another type starts an entity, as in HuggingFace);
 *   <li>each group becomes an {@link EntitySpan} from its first start to its last end, labelled with the first
 *   member's label after its first "-", scored with the mean member score; groups labelled {@code O} are dropped.
 * </ol>
 * Unlike HuggingFace, {@code word} is the substring of the original text (not the decoded tokens) and words come
 * from the tokenizer's word ids (not a sub-word heuristic).
 *
 * <pre>{@code
 * TokenizedText tokens = tokenizer.encode(text);
 * float[][] probabilities = ...;   // [tokens.length()][labels], softmax applied
 * List<EntitySpan> spans = EntityAggregator.aggregate(text, tokens, probabilities,
 *         new String[] {"O", "B-PER", "I-PER", "B-LOC", "I-LOC"}, AggregationStrategy.FIRST);
 * }</pre>
 */
public final class EntityAggregator {

    /** A labelled, scored token or word with its character span. */
    private record Prediction(String label, double score, int start, int end) {}

    private EntityAggregator() {}

    /** Entity spans from the probabilities ({@code [token][label]}, softmax applied) of every token of {@code tokens}. */
    public static List<EntitySpan> aggregate(String text, TokenizedText tokens, float[][] probabilities,
                                             String[] id2label, AggregationStrategy strategy) {
        List<Integer> positions = checkedPositions(text, tokens, probabilities, id2label);
        List<Prediction> predictions = strategy == AggregationStrategy.SIMPLE
                ? tokenPredictions(tokens, probabilities, id2label, positions)
                : wordPredictions(tokens, probabilities, id2label, positions, strategy);
        return group(text, predictions);
    }

    /**
     * Entity spans of a long text classified window by window: each document token's probabilities are averaged
     * over all windows holding it, then the whole document is aggregated once, so entities that cross window
     * borders come out whole. {@code windows} must hold every window of the text, in any order.
     */
    public static List<EntitySpan> aggregateWindows(String text, List<WindowPrediction> windows, String[] id2label,
                                                    AggregationStrategy strategy) {
        WindowMerger.Merged merged = WindowMerger.merge(windows, id2label.length);
        return aggregate(text, merged.tokens(), merged.probabilities(), id2label, strategy);
    }

    private static List<Integer> checkedPositions(String text, TokenizedText tokens, float[][] probabilities,
                                                  String[] id2label) {
        if (probabilities.length != tokens.length()) {
            throw new IllegalArgumentException("Cannot aggregate entities: " + probabilities.length
                    + " probability rows for " + tokens.length() + " tokens (give one row per token)");
        }
        List<Integer> positions = new ArrayList<>();
        long segment = -1;
        for (int i = 0; i < tokens.length(); i++) {
            if (tokens.isSpecial(i)) {
                continue;
            }
            if (probabilities[i].length != id2label.length) {
                throw new IllegalArgumentException("Cannot aggregate entities: token " + i + " has "
                        + probabilities[i].length + " probabilities for " + id2label.length
                        + " labels (give one per label of id2label)");
            }
            int start = tokens.starts()[i];
            int end = tokens.ends()[i];
            if (start < 0 || end < start || end > text.length()) {
                throw new IllegalArgumentException("Cannot aggregate entities: token " + i + " has span " + start
                        + ".." + end + " outside a text of " + text.length()
                        + " chars (encode this text with TextTokenizer and pass the same text)");
            }
            if (segment >= 0 && tokens.typeIds()[i] != segment) {
                throw new IllegalArgumentException("Cannot aggregate entities: the tokens hold a text pair"
                        + " (encode a single text)");
            }
            segment = tokens.typeIds()[i];
            positions.add(i);
        }
        return positions;
    }

    private static List<Prediction> tokenPredictions(TokenizedText tokens, float[][] probabilities,
                                                     String[] id2label, List<Integer> positions) {
        List<Prediction> out = new ArrayList<>(positions.size());
        for (int i : positions) {
            int best = argmax(probabilities[i]);
            out.add(new Prediction(id2label[best], probabilities[i][best], tokens.starts()[i], tokens.ends()[i]));
        }
        return out;
    }

    private static List<Prediction> wordPredictions(TokenizedText tokens, float[][] probabilities,
                                                    String[] id2label, List<Integer> positions,
                                                    AggregationStrategy strategy) {
        List<Prediction> out = new ArrayList<>();
        int from = 0;
        while (from < positions.size()) {
            int to = from + 1;
            int word = tokens.wordIds()[positions.get(from)];
            while (to < positions.size() && word >= 0 && tokens.wordIds()[positions.get(to)] == word) {
                to++;
            }
            out.add(word(tokens, probabilities, id2label, positions.subList(from, to), strategy));
            from = to;
        }
        return out;
    }

    /** HuggingFace's {@code aggregate_word}: one label and score for the tokens of one word. */
    private static Prediction word(TokenizedText tokens, float[][] probabilities, String[] id2label,
                                   List<Integer> members, AggregationStrategy strategy) {
        int start = tokens.starts()[members.get(0)];
        int end = tokens.ends()[members.get(members.size() - 1)];
        float[] scores = switch (strategy) {
            case FIRST -> probabilities[members.get(0)];
            case MAX -> {
                int most = members.get(0);
                for (int i : members) {
                    if (probabilities[i][argmax(probabilities[i])] > probabilities[most][argmax(probabilities[most])]) {
                        most = i;
                    }
                }
                yield probabilities[most];
            }
            case AVERAGE -> {
                float[] mean = new float[id2label.length];
                for (int c = 0; c < mean.length; c++) {
                    double sum = 0;
                    for (int i : members) {
                        sum += probabilities[i][c];
                    }
                    mean[c] = (float) (sum / members.size());
                }
                yield mean;
            }
            case SIMPLE -> throw new IllegalStateException("SIMPLE does not aggregate words");
        };
        int best = argmax(scores);
        return new Prediction(id2label[best], scores[best], start, end);
    }

    /** HuggingFace's {@code group_entities}, then the "O" groups are dropped. */
    private static List<EntitySpan> group(String text, List<Prediction> predictions) {
        List<EntitySpan> spans = new ArrayList<>();
        List<Prediction> current = new ArrayList<>();
        for (Prediction p : predictions) {
            if (!current.isEmpty() && !continues(current.get(current.size() - 1).label(), p.label())) {
                addGroup(text, current, spans);
                current.clear();
            }
            current.add(p);
        }
        addGroup(text, current, spans);
        return spans;
    }

    /** True when {@code label} continues a group whose last member has label {@code previous}. */
    private static boolean continues(String previous, String label) {
        return !label.startsWith("B-") && tag(label).equals(tag(previous));
    }

    private static String tag(String label) {
        return label.startsWith("B-") || label.startsWith("I-") ? label.substring(2) : label;
    }

    private static void addGroup(String text, List<Prediction> group, List<EntitySpan> spans) {
        if (group.isEmpty()) {
            return;
        }
        String first = group.get(0).label();
        String label = first.substring(first.indexOf('-') + 1);
        if (label.equals("O")) {
            return;
        }
        double sum = 0;
        for (Prediction p : group) {
            sum += p.score();
        }
        int start = group.get(0).start();
        int end = Math.max(start, group.get(group.size() - 1).end());
        spans.add(new EntitySpan(label, start, end, (float) (sum / group.size()), text.substring(start, end)));
    }

    private static int argmax(float[] scores) {
        int best = 0;
        for (int c = 1; c < scores.length; c++) {
            if (scores[c] > scores[best]) {
                best = c;
            }
        }
        return best;
    }
}
