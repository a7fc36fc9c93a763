package dev.sparkencoders.spark;

import dev.sparkencoders.encoder.HeadKind;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.text.TextPairWindow;
import dev.sparkencoders.text.TokenizedText;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extractive question answering with a {@code qa_outputs} head, as HuggingFace's question-answering pipeline does
 * it: the question and the context go into rows of the model's length, the context cut into windows overlapping by
 * {@code docStride} tokens (null: min(128, max length / 2), the pipeline's default); in each window the start and end logits of the context tokens and of the first token
 * ([CLS], &lt;s&gt;) become probabilities, a span scores start x end probability with
 * {@code start <= end <= start + maxAnswerTokens - 1}, and the first token's own product is the window's "no answer"
 * score. The best spans over all windows, by character span, are the answers; the question has none
 * ({@code is_impossible}) when the lowest "no answer" score beats the best span by more than {@code nullThreshold}.
 *
 * <pre>{@code
 * new QuestionAnswerTask(0, 1, null, 15, 0.0, 1);  // question in column 0, context in column 1
 * }</pre>
 */
public record QuestionAnswerTask(int questionIndex, int contextIndex, Integer docStride, int maxAnswerTokens,
                                 double nullThreshold, int topK) implements TextTask {

    /** One answer: the text, its character offsets in the context, its score. */
    public static final StructType ANSWER = DataTypes.createStructType(List.of(
            DataTypes.createStructField("answer", DataTypes.StringType, false),
            DataTypes.createStructField("start", DataTypes.IntegerType, false),
            DataTypes.createStructField("end", DataTypes.IntegerType, false),
            DataTypes.createStructField("score", DataTypes.FloatType, false)));

    /**
     * {@code answer string, start int, end int, score float, is_impossible boolean, answers array<ANSWER>}: the best
     * answer (answer, start and end null when impossible; score is then the "no answer" score), and the
     * {@code topK} best spans, best first.
     */
    public static final List<StructField> FIELDS = List.of(
            DataTypes.createStructField("answer", DataTypes.StringType, true),
            DataTypes.createStructField("start", DataTypes.IntegerType, true),
            DataTypes.createStructField("end", DataTypes.IntegerType, true),
            DataTypes.createStructField("score", DataTypes.FloatType, true),
            DataTypes.createStructField("is_impossible", DataTypes.BooleanType, true),
            DataTypes.createStructField("answers", DataTypes.createArrayType(ANSWER, false), true));

    /** The overlap of windows when none is given, at most half a row (HuggingFace's pipeline's default). */
    public static final int DEFAULT_STRIDE = 128;

    /** Logit given to positions that cannot start or end an answer, as HuggingFace's pipeline does. */
    private static final double EXCLUDED = -10000.0;

    public QuestionAnswerTask {
        if ((docStride != null && docStride < 0) || maxAnswerTokens < 1 || topK < 1 || Double.isNaN(nullThreshold)) {
            throw new IllegalArgumentException("Cannot answer questions with doc stride " + docStride
                    + ", at most " + maxAnswerTokens + " answer tokens, top " + topK + " and null threshold "
                    + nullThreshold + " (the stride must be 0 or more, the others positive, the threshold a number)");
        }
    }

    @Override
    public List<StructField> resultFields() {
        return FIELDS;
    }

    @Override
    public void validate(EncoderModel model) {
        model.head(HeadKind.QUESTION_ANSWERING);
    }

    @Override
    public List<RowResult<Object[]>> process(BatchRunner runner, List<Row> rows) {
        List<List<TextPairWindow>> windows = new ArrayList<>(rows.size());
        List<String> errors = new ArrayList<>(rows.size());
        List<TokenizedText> flat = new ArrayList<>();
        int stride = docStride != null ? docStride
                : Math.min(DEFAULT_STRIDE, runner.model().tokenizer().maxLength() / 2);
        for (Row row : rows) {
            try {
                List<TextPairWindow> w = runner.model().tokenizer().pairWindows(TextTask.text(row, questionIndex),
                        TextTask.text(row, contextIndex), stride);
                windows.add(w);
                errors.add(null);
                w.forEach(x -> flat.add(x.tokens()));
            } catch (IllegalArgumentException e) {
                windows.add(List.of());
                errors.add(e.getMessage());
            }
        }
        List<RowResult<float[][]>> logits = runner.run(flat, t -> t, Tasks.answerSpanLogits());
        List<RowResult<Object[]>> out = new ArrayList<>(rows.size());
        int next = 0;
        for (int r = 0; r < rows.size(); r++) {
            if (errors.get(r) != null) {
                out.add(RowResult.failed(errors.get(r)));
                continue;
            }
            List<RowResult<float[][]>> own = logits.subList(next, next + windows.get(r).size());
            next += windows.get(r).size();
            out.add(answer(TextTask.text(rows.get(r), contextIndex), windows.get(r), own));
        }
        return out;
    }

    private record Span(int start, int end, double score) {}

    private RowResult<Object[]> answer(String context, List<TextPairWindow> windows, List<RowResult<float[][]>> logits) {
        double noAnswer = Double.POSITIVE_INFINITY;
        Map<Long, Span> best = new LinkedHashMap<>();
        int tokens = 0;
        for (int w = 0; w < windows.size(); w++) {
            RowResult<float[][]> result = logits.get(w);
            if (!result.ok()) {
                return RowResult.failed(result.error());
            }
            tokens += result.tokens();
            TextPairWindow window = windows.get(w);
            double[] start = probabilities(result.value(), 0, window);
            double[] end = probabilities(result.value(), 1, window);
            noAnswer = Math.min(noAnswer, start[0] * end[0]);
            int[] starts = window.tokens().starts();
            int[] ends = window.tokens().ends();
            for (int s = window.secondStart(); s < window.secondEnd(); s++) {
                int last = Math.min(window.secondEnd(), s + maxAnswerTokens);
                for (int e = s; e < last; e++) {
                    Span span = new Span(starts[s], ends[e], start[s] * end[e]);
                    best.merge(((long) span.start() << 32) | span.end(), span,
                            (a, b) -> a.score() >= b.score() ? a : b);
                }
            }
        }
        List<Span> ranked = best.values().stream().sorted(Comparator.comparingDouble(Span::score).reversed())
                .limit(topK).toList();
        Row[] answers = ranked.stream().map(s -> RowFactory.create(context.substring(s.start(), s.end()), s.start(),
                s.end(), (float) s.score())).toArray(Row[]::new);
        boolean impossible = ranked.isEmpty() || noAnswer > ranked.get(0).score() + nullThreshold;
        Object[] columns = impossible
                ? new Object[] {null, null, null, (float) noAnswer, true, answers}
                : new Object[] {answers[0].get(0), ranked.get(0).start(), ranked.get(0).end(),
                        (float) ranked.get(0).score(), false, answers};
        return new RowResult<>(columns, null, tokens, false);
    }

    /**
     * Softmax over the row's positions of one logit column (0 start, 1 end), every position but the first token and
     * the context's set to {@link #EXCLUDED} first.
     */
    private static double[] probabilities(float[][] logits, int column, TextPairWindow window) {
        double[] masked = new double[logits.length];
        for (int i = 0; i < masked.length; i++) {
            boolean allowed = i == 0 || (i >= window.secondStart() && i < window.secondEnd());
            masked[i] = allowed ? logits[i][column] : EXCLUDED;
        }
        return Softmax.of(masked);
    }
}
