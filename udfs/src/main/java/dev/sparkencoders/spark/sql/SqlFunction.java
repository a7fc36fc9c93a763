package dev.sparkencoders.spark.sql;

import dev.sparkencoders.spark.FillMaskTask;
import dev.sparkencoders.spark.NerTask;
import dev.sparkencoders.spark.ReplacedTokensTask;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;
import java.util.Locale;

/**
 * The project's SQL functions: name, argument types, result type and whether a query runs them in batches (the
 * ones that run the encoder) or row by row (cheap ones). Every function returns null when an argument is null.
 *
 * <pre>
 * SqlFunction.byName("embed").dataType();   // array&lt;float&gt;
 * </pre>
 */
public enum SqlFunction {
    /** {@code embed(text) array<float>}: the sentence embedding. */
    EMBED(true, "the sentence embedding of text", DataTypes.createArrayType(DataTypes.FloatType, false),
            DataTypes.StringType),
    /** {@code similarity(a array<float>, b array<float>) float}: cosine similarity. */
    SIMILARITY(false, "the cosine similarity of two embeddings", DataTypes.FloatType,
            DataTypes.createArrayType(DataTypes.FloatType), DataTypes.createArrayType(DataTypes.FloatType)),
    /** {@code tokenize(text) array<string>}: the model's tokens, special tokens included. */
    TOKENIZE(false, "the model's tokens of text, special tokens included",
            DataTypes.createArrayType(DataTypes.StringType, false), DataTypes.StringType),
    /** {@code classify(text) struct<label string, score float>}: the most probable label. */
    CLASSIFY(true, "the most probable label of text and its probability", Label.TYPE, DataTypes.StringType),
    /** {@code nsp(text_a, text_b) float}: probability that B follows A (BERT NSP / ALBERT SOP). */
    NSP(true, "the probability that text_b follows text_a", DataTypes.FloatType, DataTypes.StringType,
            DataTypes.StringType),
    /** {@code fill_mask(text) array<array<struct<token string, score float>>>}: the top 5 tokens per mask. */
    FILL_MASK(true, "the 5 most probable tokens for each mask of text",
            DataTypes.createArrayType(DataTypes.createArrayType(FillMaskTask.PREDICTION, false), false),
            DataTypes.StringType),
    /** {@code ner(text) array<struct<label, start, end, score, word>>}: entities, "first" aggregation. */
    NER(true, "the named entities of text with character offsets", DataTypes.createArrayType(NerTask.ENTITY, false),
            DataTypes.StringType),
    /** {@code replaced_tokens(text) array<struct<token, start, end, score>>}: ELECTRA replaced-token scores. */
    REPLACED_TOKENS(true, "the probability that each token of text was replaced (ELECTRA)",
            DataTypes.createArrayType(ReplacedTokensTask.TOKEN, false), DataTypes.StringType),
    /**
     * {@code answer(question, context) struct<answer, start, end, score, is_impossible>}: extractive QA as the qa
     * job's defaults answer (windows overlapping by min(128, max length / 2) tokens, answers of at most 15 tokens).
     */
    ANSWER(true, "the answer to question cut out of context, with its character offsets", Answer.TYPE,
            DataTypes.StringType, DataTypes.StringType);

    /** The result of {@link #ANSWER}: answer, start and end are null when the context holds no answer. */
    static final class Answer {
        static final StructType TYPE = DataTypes.createStructType(List.of(
                DataTypes.createStructField("answer", DataTypes.StringType, true),
                DataTypes.createStructField("start", DataTypes.IntegerType, true),
                DataTypes.createStructField("end", DataTypes.IntegerType, true),
                DataTypes.createStructField("score", DataTypes.FloatType, false),
                DataTypes.createStructField("is_impossible", DataTypes.BooleanType, false)));

        private Answer() {}
    }

    /** The result of {@link #CLASSIFY}. */
    static final class Label {
        static final StructType TYPE = DataTypes.createStructType(List.of(
                DataTypes.createStructField("label", DataTypes.StringType, false),
                DataTypes.createStructField("score", DataTypes.FloatType, false)));

        private Label() {}
    }

    private final boolean batched;
    private final String description;
    private final DataType dataType;
    private final List<DataType> inputTypes;

    SqlFunction(boolean batched, String description, DataType dataType, DataType... inputTypes) {
        this.batched = batched;
        this.description = description;
        this.dataType = dataType;
        this.inputTypes = List.of(inputTypes);
    }

    /** The name queries call it by, e.g. {@code fill_mask}. */
    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether it runs the encoder, so that a query runs it over batches of rows. */
    public boolean batched() {
        return batched;
    }

    public DataType dataType() {
        return dataType;
    }

    /** The argument types, in order; arguments of other types are cast to them. */
    public List<DataType> inputTypes() {
        return inputTypes;
    }

    /** One line for {@code DESCRIBE FUNCTION}. */
    public String usage() {
        String args = this == ANSWER ? "question, context" : inputTypes.size() == 2 && batched ? "text_a, text_b"
                : inputTypes.size() == 2 ? "a, b" : "text";
        return "_FUNC_(" + args + ") - Returns " + description + " (spark-encoders).";
    }

    /** The function called {@code name}, ignoring case. */
    public static SqlFunction byName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
