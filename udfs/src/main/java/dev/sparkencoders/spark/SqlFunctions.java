package dev.sparkencoders.spark;

import dev.sparkencoders.runtime.BatchFunction;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.runtime.TokenScore;
import dev.sparkencoders.text.AggregationStrategy;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TokenizedText;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.util.Arrays;
import java.util.List;

/**
 * SQL functions over one model, for ad-hoc queries. Each call runs one row (batch jobs are the fast path); the
 * model is loaded once per executor JVM. Functions return null for a null text.
 *
 * <pre>{@code
 * SqlFunctions.register(spark, ModelSpec.bundled());
 * spark.sql("SELECT similarity(embed('A man is playing a guitar.'), embed('Someone plays the guitar.'))");
 * }</pre>
 *
 * <ul>
 *   <li>{@code embed(text) array<float>}: the sentence embedding;</li>
 *   <li>{@code similarity(a array<float>, b array<float>) float}: cosine similarity;</li>
 *   <li>{@code tokenize(text) array<string>}: the model's tokens, special tokens included;</li>
 *   <li>{@code classify(text) struct<label string, score float>}: the most probable label;</li>
 *   <li>{@code nsp(text_a, text_b) float}: probability that B follows A (BERT NSP / ALBERT SOP);</li>
 *   <li>{@code fill_mask(text) array<array<struct<token string, score float>>>}: top 5 per mask;</li>
 *   <li>{@code ner(text) array<struct<label, start, end, score, word>>}: entities, "first" aggregation;</li>
 *   <li>{@code replaced_tokens(text) array<struct<token, start, end, score>>}: ELECTRA replaced-token scores.</li>
 * </ul>
 */
public final class SqlFunctions {

    private static final StructType LABEL = DataTypes.createStructType(List.of(
            DataTypes.createStructField("label", DataTypes.StringType, false),
            DataTypes.createStructField("score", DataTypes.FloatType, false)));

    private SqlFunctions() {}

    /** Registers every function on the session; their model is {@code spec}. */
    public static void register(SparkSession spark, ModelSpec spec) {
        var udf = spark.udf();
        udf.register("embed", (UDF1<String, float[]>) text -> one(spec, text, Tasks.embeddings()),
                DataTypes.createArrayType(DataTypes.FloatType, false));
        udf.register("similarity", (UDF2<Seq<Float>, Seq<Float>, Float>) SqlFunctions::similarity, DataTypes.FloatType);
        udf.register("tokenize", (UDF1<String, String[]>) text -> tokenize(spec, text),
                DataTypes.createArrayType(DataTypes.StringType, false));
        udf.register("classify", (UDF1<String, Row>) text -> classify(spec, text), LABEL);
        udf.register("nsp", (UDF2<String, String, Float>) (a, b) -> nsp(spec, a, b), DataTypes.FloatType);
        udf.register("fill_mask", (UDF1<String, Row[][]>) text -> fillMask(spec, text),
                DataTypes.createArrayType(DataTypes.createArrayType(FillMaskTask.PREDICTION, false), false));
        udf.register("ner", (UDF1<String, Row[]>) text -> ner(spec, text),
                DataTypes.createArrayType(NerTask.ENTITY, false));
        udf.register("replaced_tokens", (UDF1<String, Row[]>) text -> replacedTokens(spec, text),
                DataTypes.createArrayType(ReplacedTokensTask.TOKEN, false));
    }

    private static BatchRunner runner(ModelSpec spec) {
        return new BatchRunner(ModelCache.get(spec), TokenBudget.DEFAULT);
    }

    private static <R> R one(ModelSpec spec, String text, BatchFunction<R> task) {
        if (text == null) {
            return null;
        }
        BatchRunner runner = runner(spec);
        return value(runner.run(List.of(text), runner.model().tokenizer()::encode, task).get(0));
    }

    /** The value of a single-row result, or the row's error as an exception that names it. */
    private static <R> R value(RowResult<R> result) {
        if (!result.ok()) {
            throw new IllegalArgumentException(result.error());
        }
        return result.value();
    }

    static Float similarity(Seq<Float> a, Seq<Float> b) {
        if (a == null || b == null) {
            return null;
        }
        List<Float> x = CollectionConverters.asJava(a);
        List<Float> y = CollectionConverters.asJava(b);
        if (x.size() != y.size()) {
            throw new IllegalArgumentException("Cannot compute similarity: the vectors have " + x.size() + " and "
                    + y.size() + " dimensions (compare embeddings of the same model)");
        }
        float[] u = new float[x.size()];
        float[] v = new float[y.size()];
        for (int i = 0; i < u.length; i++) {
            u[i] = x.get(i);
            v[i] = y.get(i);
        }
        return (float) PairsTask.cosine(u, v);
    }

    private static String[] tokenize(ModelSpec spec, String text) {
        if (text == null) {
            return null;
        }
        EncoderModel model = ModelCache.get(spec);
        TokenizedText tokens = model.tokenizer().encode(text);
        return Arrays.stream(tokens.ids()).mapToObj(model.tokenizer()::decode).toArray(String[]::new);
    }

    private static Float nsp(ModelSpec spec, String first, String second) {
        if (first == null || second == null) {
            return null;
        }
        BatchRunner runner = runner(spec);
        List<String[]> pair = List.<String[]>of(new String[] {first, second});
        return value(runner.run(pair, p -> runner.model().tokenizer().encodePair(p[0], p[1]),
                Tasks.nextSentenceProbability()).get(0));
    }

    private static Row classify(ModelSpec spec, String text) {
        float[] probabilities = one(spec, text, Tasks.classProbabilities());
        if (probabilities == null) {
            return null;
        }
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            best = probabilities[i] > probabilities[best] ? i : best;
        }
        List<String> labels = ModelCache.get(spec).checkpoint().config().labels();
        return RowFactory.create(best < labels.size() ? labels.get(best) : "LABEL_" + best, probabilities[best]);
    }

    private static Row[] ner(ModelSpec spec, String text) {
        if (text == null) {
            return null;
        }
        EncoderModel model = ModelCache.get(spec);
        return (Row[]) firstColumn(NerTask.forModel(0, model, AggregationStrategy.FIRST, LongTextPolicy.DEFAULT),
                runner(spec), text);
    }

    private static Row[] replacedTokens(ModelSpec spec, String text) {
        if (text == null) {
            return null;
        }
        return (Row[]) firstColumn(new ReplacedTokensTask(0, LongTextPolicy.DEFAULT), runner(spec), text);
    }

    /** The first result column of a job's task run on one text, as the job computes it. */
    private static Object firstColumn(TextTask task, BatchRunner runner, String text) {
        return value(task.process(runner, List.of(RowFactory.create(text))).get(0))[0];
    }

    private static Row[][] fillMask(ModelSpec spec, String text) {
        EncoderModel model = ModelCache.get(spec);
        long mask = model.tokenizer().maskTokenId().orElseThrow(() -> new IllegalArgumentException(
                "Cannot fill masks: the model's tokenizer has no [MASK] or <mask> token"));
        List<List<TokenScore>> masks = one(spec, text, Tasks.maskedPredictions(mask, 5));
        return masks == null ? null : masks.stream()
                .map(best -> best.stream().map(t -> RowFactory.create(t.token(), t.score())).toArray(Row[]::new))
                .toArray(Row[][]::new);
    }
}
