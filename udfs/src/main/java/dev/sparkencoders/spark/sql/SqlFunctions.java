package dev.sparkencoders.spark.sql;

import dev.sparkencoders.runtime.ModelSpec;
import org.apache.spark.sql.ExperimentalMethods;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;

/**
 * SQL functions over one model, registered on an existing session. Calls in a query's projection, filter or sort run
 * over length-sorted batches of rows, as the jobs do; the model is loaded once per executor JVM. Functions return
 * null when an argument is null. Sessions started with
 * {@code spark.sql.extensions=dev.sparkencoders.spark.sql.SparkEncodersExtensions} have them without this call.
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
 *   <li>{@code replaced_tokens(text) array<struct<token, start, end, score>>}: ELECTRA replaced-token scores;</li>
 *   <li>{@code answer(question, context) struct<answer, start, end, score, is_impossible>}: extractive QA.</li>
 * </ul>
 */
public final class SqlFunctions {

    private SqlFunctions() {}

    /**
     * Registers every function on {@code spark} (an existing session, without the extension), their model
     * {@code spec}, and the batching rule and strategy unless the session already has them.
     */
    public static void register(SparkSession spark, ModelSpec spec) {
        FunctionRegistry registry = spark.sessionState().functionRegistry();
        for (SqlFunction function : SqlFunction.values()) {
            var definition = SparkEncodersExtensions.definition(function, () -> spec);
            registry.registerFunction(definition._1(), definition._2(), definition._3());
        }
        ExperimentalMethods experimental = spark.experimental();
        boolean fromExtension = spark.conf().get("spark.sql.extensions", "")
                .contains(SparkEncodersExtensions.class.getName());
        if (!fromExtension && Plans.list(experimental.extraOptimizations()).stream()
                .noneMatch(rule -> rule instanceof BatchCallsRule)) {
            experimental.extraOptimizations_$eq(Plans.concat(experimental.extraOptimizations(),
                    Plans.seq(new BatchCallsRule())));
            experimental.extraStrategies_$eq(Plans.concat(experimental.extraStrategies(),
                    Plans.seq(new BatchCallsStrategy())));
        }
    }
}
