package dev.sparkencoders.ml;

import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.spark.LongTextPolicy;
import dev.sparkencoders.text.TruncationStrategy;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;

import java.util.List;

/**
 * A transformer over one text column ({@code inputCol}) with the project's long-text settings: texts longer than
 * the model's maximum length are truncated ({@code truncation}: head, tail, or head-tail keeping
 * {@code truncationHeadTokens} from the start), or, with {@code windowStride} set, run as sliding windows that
 * overlap by that many tokens and are pooled by the task.
 *
 * @param <T> the concrete transformer, so that setters chain
 */
public abstract class TextTransformer<T extends TextTransformer<T>> extends EncoderTransformer<T> {

    private final Param<String> inputCol;
    private final Param<String> truncation;
    private final IntParam truncationHeadTokens;
    private final IntParam windowStride;

    protected TextTransformer(String uid) {
        super(uid);
        inputCol = ParamRules.column(this, "inputCol", "The string column holding the texts.");
        truncation = ParamRules.oneOf(this, "truncation", "Texts longer than the model's maximum length: keep the"
                + " head, the tail, or truncationHeadTokens from the start and the rest from the end.",
                ParamRules.names(TruncationStrategy.values()));
        truncationHeadTokens = ParamRules.atLeast(this, "truncationHeadTokens", "head-tail truncation: tokens kept"
                + " from the start (128 + 382 for a 512-token model).", 0);
        windowStride = ParamRules.atLeast(this, "windowStride", "Instead of truncating, run sliding windows"
                + " overlapping by this many tokens and pool them; unset = truncate.", 0);
        setDefault(inputCol, "text");
        setDefault(truncation, "head");
        setDefault(truncationHeadTokens, TruncationStrategy.DEFAULT_HEAD_TOKENS);
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> truncation() {
        return truncation;
    }

    public IntParam truncationHeadTokens() {
        return truncationHeadTokens;
    }

    public IntParam windowStride() {
        return windowStride;
    }

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    public String getTruncation() {
        return getOrDefault(truncation);
    }

    public int getTruncationHeadTokens() {
        return (Integer) getOrDefault(truncationHeadTokens);
    }

    /** The window stride, or null when long texts are truncated. */
    public Integer getWindowStride() {
        return (Integer) valueOrNull(windowStride);
    }

    public T setInputCol(String value) {
        return with(inputCol, value);
    }

    public T setTruncation(String value) {
        return with(truncation, value);
    }

    public T setTruncationHeadTokens(int value) {
        return with(truncationHeadTokens, value);
    }

    /** Sliding windows overlapping by {@code value} tokens; {@code clear(windowStride())} goes back to truncation. */
    public T setWindowStride(int value) {
        return with(windowStride, value);
    }

    /** The long-text policy these Params ask for, checked against the model (a stride must fit its windows). */
    public LongTextPolicy longTextPolicy(EncoderModel model) {
        return LongTextPolicy.forModel(TruncationStrategy.parse(getTruncation()), getTruncationHeadTokens(),
                getWindowStride(), model);
    }

    @Override
    protected List<Param<String>> inputColParams() {
        return List.of(inputCol);
    }
}
