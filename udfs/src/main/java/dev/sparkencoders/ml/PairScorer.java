package dev.sparkencoders.ml;

import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.spark.PairMode;
import dev.sparkencoders.spark.PairsTask;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * A score for each pair of texts ({@code textACol}, {@code textBCol}), as the {@code pairs} job computes it, per
 * {@code mode}: {@code nsp} (BERT next-sentence / ALBERT sentence-order: probability that B follows A),
 * {@code cross-encoder} (a sequence-classification head over the pair), {@code cosine} (of the two sentence
 * embeddings, pooled per {@code pooling} and {@code normalize}) or {@code auto} (default: the first of these the
 * checkpoint supports, in that order).
 *
 * <pre>{@code
 * Dataset<Row> scored = new PairScorer().setTextACol("question").setTextBCol("answer").setMode("cosine")
 *         .transform(pairs);
 * }</pre>
 */
public final class PairScorer extends EncoderTransformer<PairScorer> {

    private final Param<String> textACol;
    private final Param<String> textBCol;
    private final Param<String> outputCol;
    private final Param<String> mode;
    private final Param<String> pooling;
    private final BooleanParam normalize;

    public PairScorer() {
        this(Identifiable.randomUID("pairScorer"));
    }

    public PairScorer(String uid) {
        super(uid);
        textACol = ParamRules.column(this, "textACol", "The string column holding the first text of each pair.");
        textBCol = ParamRules.column(this, "textBCol", "The string column holding the second text of each pair.");
        outputCol = ParamRules.column(this, "outputCol", "The score column to add.");
        List<String> modes = new ArrayList<>(ParamRules.names(PairMode.values()));
        modes.add(PairMode.AUTO);
        mode = ParamRules.oneOf(this, "mode", "How a pair is scored; auto = nsp, else cross-encoder, else cosine,"
                + " whichever the checkpoint supports first.", modes);
        pooling = ParamRules.pooling(this);
        normalize = ParamRules.normalize(this);
        setDefault(textACol, "text_a");
        setDefault(textBCol, "text_b");
        setDefault(outputCol, PairsTask.SCORE_COL);
        setDefault(mode, PairMode.AUTO);
    }

    public static MLReader<PairScorer> read() {
        return new DefaultParamsReader<>();
    }

    public static PairScorer load(String path) {
        return read().load(path);
    }

    public Param<String> textACol() {
        return textACol;
    }

    public Param<String> textBCol() {
        return textBCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> mode() {
        return mode;
    }

    public Param<String> pooling() {
        return pooling;
    }

    public BooleanParam normalize() {
        return normalize;
    }

    public String getTextACol() {
        return getOrDefault(textACol);
    }

    public String getTextBCol() {
        return getOrDefault(textBCol);
    }

    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    public String getMode() {
        return getOrDefault(mode);
    }

    /** The pooling mode for cosine scores, or null for the checkpoint's own. */
    public String getPooling() {
        return valueOrNull(pooling);
    }

    /** Whether cosine scores use L2-normalised embeddings, or null for the checkpoint's own setting. */
    public Boolean getNormalize() {
        return (Boolean) valueOrNull(normalize);
    }

    public PairScorer setTextACol(String value) {
        return with(textACol, value);
    }

    public PairScorer setTextBCol(String value) {
        return with(textBCol, value);
    }

    public PairScorer setOutputCol(String value) {
        return with(outputCol, value);
    }

    public PairScorer setMode(String value) {
        return with(mode, value);
    }

    public PairScorer setPooling(String value) {
        return with(pooling, value);
    }

    public PairScorer setNormalize(boolean value) {
        return with(normalize, value);
    }

    @Override
    public ModelSpec modelSpec() {
        return modelSpec(ParamRules.pooling(getPooling()), getNormalize());
    }

    @Override
    protected PairsTask task(StructType input, EncoderModel model) {
        return new PairsTask(input.fieldIndex(getTextACol()), input.fieldIndex(getTextBCol()),
                PairMode.resolve(getMode(), model));
    }

    @Override
    protected List<Param<String>> inputColParams() {
        return List.of(textACol, textBCol);
    }

    @Override
    protected List<Param<String>> outputColParams() {
        return List.of(outputCol);
    }

    @Override
    protected List<StructField> taskFields() {
        return PairsTask.FIELDS;
    }
}
