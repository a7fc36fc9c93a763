package dev.sparkencoders.spark.sql;

import dev.sparkencoders.runtime.BatchFunction;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.runtime.TokenScore;
import dev.sparkencoders.spark.LongTextPolicy;
import dev.sparkencoders.spark.NerTask;
import dev.sparkencoders.spark.PairsTask;
import dev.sparkencoders.spark.QuestionAnswerTask;
import dev.sparkencoders.spark.ReplacedTokensTask;
import dev.sparkencoders.spark.TextTask;
import dev.sparkencoders.text.AggregationStrategy;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TokenizedText;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Evaluates one {@link SqlFunction} over many argument tuples at once, through the same length-sorted token-budget
 * batches as the jobs. Arguments and results are plain Java values (String, float[], Float, {@link Row} and arrays of
 * them); a tuple with a null argument gives null; a row the model cannot encode fails the call with its error.
 *
 * <pre>
 * List&lt;Object&gt; vectors = new FunctionEvaluator(SqlFunction.EMBED, ModelSpec.bundled())
 *         .evaluate(List.of(new Object[] {"A man plays a flute."}, new Object[] {null}));   // [float[384], null]
 * </pre>
 */
public final class FunctionEvaluator {

    private final SqlFunction function;
    private final ModelSpec spec;

    public FunctionEvaluator(SqlFunction function, ModelSpec spec) {
        this.function = function;
        this.spec = spec;
    }

    /** One result per tuple of {@code args}, in order. */
    public List<Object> evaluate(List<Object[]> args) {
        List<Object> out = new ArrayList<>(args.size());
        List<Object[]> present = new ArrayList<>(args.size());
        for (Object[] tuple : args) {
            boolean anyNull = Arrays.stream(tuple).anyMatch(a -> a == null);
            out.add(null);
            if (!anyNull) {
                present.add(tuple);
            }
        }
        if (present.isEmpty()) {
            return out;
        }
        List<Object> values = evaluatePresent(present);
        int next = 0;
        for (int i = 0; i < args.size(); i++) {
            if (Arrays.stream(args.get(i)).noneMatch(a -> a == null)) {
                out.set(i, values.get(next++));
            }
        }
        return out;
    }

    private List<Object> evaluatePresent(List<Object[]> args) {
        return switch (function) {
            case EMBED -> encoded(args, Tasks.embeddings(), v -> v);
            case SIMILARITY -> args.stream().map(a -> (Object) similarity((float[]) a[0], (float[]) a[1])).toList();
            case TOKENIZE -> args.stream().map(a -> (Object) tokenize((String) a[0])).toList();
            case CLASSIFY -> encoded(args, Tasks.classProbabilities(), this::bestLabel);
            case NSP -> {
                BatchRunner runner = runner();
                yield values(runner.run(args, a -> runner.model().tokenizer().encodePair((String) a[0], (String) a[1]),
                        Tasks.nextSentenceProbability()), v -> v);
            }
            case FILL_MASK -> {
                long mask = model().tokenizer().maskTokenId().orElseThrow(() -> new IllegalArgumentException(
                        "Cannot fill masks: the model's tokenizer has no [MASK] or <mask> token (use a model with a"
                                + " masked-language-model head)"));
                yield encoded(args, Tasks.maskedPredictions(mask, 5), FunctionEvaluator::predictionRows);
            }
            case NER -> firstColumns(NerTask.forModel(0, model(), AggregationStrategy.FIRST, LongTextPolicy.DEFAULT),
                    args);
            case REPLACED_TOKENS -> firstColumns(new ReplacedTokensTask(0, LongTextPolicy.DEFAULT), args);
            case ANSWER -> answers(args);
        };
    }

    private EncoderModel model() {
        return ModelCache.get(spec);
    }

    private BatchRunner runner() {
        return new BatchRunner(model(), TokenBudget.DEFAULT);
    }

    /** Runs {@code task} over the first argument of each tuple and maps each value with {@code map}. */
    private <R> List<Object> encoded(List<Object[]> args, BatchFunction<R> task, Function<R, Object> map) {
        BatchRunner runner = runner();
        return values(runner.run(args, a -> runner.model().tokenizer().encode((String) a[0]), task), map);
    }

    private static <R> List<Object> values(List<RowResult<R>> results, Function<R, Object> map) {
        List<Object> out = new ArrayList<>(results.size());
        for (RowResult<R> r : results) {
            out.add(map.apply(value(r)));
        }
        return out;
    }

    /** The first result column of a job's task run on the texts, as the job computes it. */
    private List<Object> firstColumns(TextTask task, List<Object[]> args) {
        List<Row> rows = args.stream().map(a -> RowFactory.create(a[0])).toList();
        return values(task.process(runner(), rows), columns -> columns[0]);
    }

    /** The best answer of the qa job's task with its defaults, as one struct per (question, context). */
    private List<Object> answers(List<Object[]> args) {
        List<Row> rows = args.stream().map(a -> RowFactory.create(a[0], a[1])).toList();
        return values(new QuestionAnswerTask(0, 1, null, 15, 0.0, 1).process(runner(), rows),
                c -> RowFactory.create(c[0], c[1], c[2], c[3], c[4]));
    }

    /** The value of a row's result, or the row's error as an exception that names it. */
    private static <R> R value(RowResult<R> result) {
        if (!result.ok()) {
            throw new IllegalArgumentException(result.error());
        }
        return result.value();
    }

    private Row bestLabel(float[] probabilities) {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            best = probabilities[i] > probabilities[best] ? i : best;
        }
        List<String> labels = model().checkpoint().config().labels();
        return RowFactory.create(best < labels.size() ? labels.get(best) : "LABEL_" + best, probabilities[best]);
    }

    private static Row[][] predictionRows(List<List<TokenScore>> masks) {
        return masks.stream()
                .map(best -> best.stream().map(t -> RowFactory.create(t.token(), t.score())).toArray(Row[]::new))
                .toArray(Row[][]::new);
    }

    private String[] tokenize(String text) {
        EncoderModel model = model();
        TokenizedText tokens = model.tokenizer().encode(text);
        return Arrays.stream(tokens.ids()).mapToObj(model.tokenizer()::decode).toArray(String[]::new);
    }

    private static Float similarity(float[] u, float[] v) {
        if (u.length != v.length) {
            throw new IllegalArgumentException("Cannot compute similarity: the vectors have " + u.length + " and "
                    + v.length + " dimensions (compare embeddings of the same model)");
        }
        return (float) PairsTask.cosine(u, v);
    }
}
