package dev.sparkencoders.ml;

import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.spark.QuestionAnswerTask;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * Extractive question answering with a checkpoint's question-answering head, as the {@code qa} job answers:
 * {@code answer}, {@code start}, {@code end} (character offsets into the context), {@code score},
 * {@code is_impossible} and {@code answers} (the {@code topK} best spans) for each ({@code questionCol},
 * {@code contextCol}); a context longer than the model is read in windows overlapping by {@code docStride} tokens.
 *
 * <pre>{@code
 * Dataset<Row> answered = new QuestionAnswerer().setModelPath("/models/squad").setTopK(3).transform(questions);
 * }</pre>
 */
public final class QuestionAnswerer extends EncoderTransformer<QuestionAnswerer> {

    private final Param<String> questionCol;
    private final Param<String> contextCol;
    private final IntParam docStride;
    private final IntParam maxAnswerTokens;
    private final DoubleParam nullThreshold;
    private final IntParam topK;
    private final Param<String> answerCol;
    private final Param<String> startCol;
    private final Param<String> endCol;
    private final Param<String> scoreCol;
    private final Param<String> isImpossibleCol;
    private final Param<String> answersCol;

    public QuestionAnswerer() {
        this(Identifiable.randomUID("questionAnswerer"));
    }

    public QuestionAnswerer(String uid) {
        super(uid);
        questionCol = ParamRules.column(this, "questionCol", "The string column holding each question.");
        contextCol = ParamRules.column(this, "contextCol", "The string column each question is answered from.");
        docStride = ParamRules.atLeast(this, "docStride", "Tokens by which the windows of a long context overlap;"
                + " unset = min(128, max length / 2).", 0);
        maxAnswerTokens = ParamRules.atLeast(this, "maxAnswerTokens", "The longest answer, in tokens.", 1);
        nullThreshold = new DoubleParam(this, "nullThreshold", "No answer when the [CLS] 'no answer' score beats the"
                + " best span's by more than this.");
        topK = ParamRules.atLeast(this, "topK", "How many spans the answers column lists, best first.", 1);
        answerCol = ParamRules.column(this, "answerCol", "The column for the best answer (null when there is none).");
        startCol = ParamRules.column(this, "startCol", "The column for the answer's first character offset in the context.");
        endCol = ParamRules.column(this, "endCol", "The column for the answer's end character offset (exclusive) in the context.");
        scoreCol = ParamRules.column(this, "scoreCol", "The column for the answer's score (start x end probability), or the no-answer score.");
        isImpossibleCol = ParamRules.column(this, "isImpossibleCol", "The column telling whether the context holds no answer.");
        answersCol = ParamRules.column(this, "answersCol", "The column for the topK best spans, best first.");
        List<StructField> fields = QuestionAnswerTask.FIELDS;
        setDefault(answerCol, fields.get(0).name());
        setDefault(startCol, fields.get(1).name());
        setDefault(endCol, fields.get(2).name());
        setDefault(scoreCol, fields.get(3).name());
        setDefault(isImpossibleCol, fields.get(4).name());
        setDefault(answersCol, fields.get(5).name());
        setDefault(questionCol, "question");
        setDefault(contextCol, "context");
        setDefault(maxAnswerTokens, 15);
        setDefault(nullThreshold, 0.0);
        setDefault(topK, 1);
    }

    public static MLReader<QuestionAnswerer> read() {
        return new DefaultParamsReader<>();
    }

    public static QuestionAnswerer load(String path) {
        return read().load(path);
    }

    public Param<String> questionCol() {
        return questionCol;
    }

    public Param<String> contextCol() {
        return contextCol;
    }

    public IntParam docStride() {
        return docStride;
    }

    public IntParam maxAnswerTokens() {
        return maxAnswerTokens;
    }

    public DoubleParam nullThreshold() {
        return nullThreshold;
    }

    public IntParam topK() {
        return topK;
    }

    public Param<String> answerCol() {
        return answerCol;
    }

    public Param<String> startCol() {
        return startCol;
    }

    public Param<String> endCol() {
        return endCol;
    }

    public Param<String> scoreCol() {
        return scoreCol;
    }

    public Param<String> isImpossibleCol() {
        return isImpossibleCol;
    }

    public Param<String> answersCol() {
        return answersCol;
    }

    public String getQuestionCol() {
        return getOrDefault(questionCol);
    }

    public String getContextCol() {
        return getOrDefault(contextCol);
    }

    /** The windows' overlap in tokens, or null for min(128, max length / 2). */
    public Integer getDocStride() {
        return (Integer) valueOrNull(docStride);
    }

    public int getMaxAnswerTokens() {
        return (Integer) getOrDefault(maxAnswerTokens);
    }

    public double getNullThreshold() {
        return (Double) getOrDefault(nullThreshold);
    }

    public int getTopK() {
        return (Integer) getOrDefault(topK);
    }

    public QuestionAnswerer setQuestionCol(String value) {
        return with(questionCol, value);
    }

    public QuestionAnswerer setContextCol(String value) {
        return with(contextCol, value);
    }

    public QuestionAnswerer setDocStride(int value) {
        return with(docStride, value);
    }

    public QuestionAnswerer setMaxAnswerTokens(int value) {
        return with(maxAnswerTokens, value);
    }

    public QuestionAnswerer setNullThreshold(double value) {
        return with(nullThreshold, value);
    }

    public QuestionAnswerer setTopK(int value) {
        return with(topK, value);
    }

    public QuestionAnswerer setAnswerCol(String value) {
        return with(answerCol, value);
    }

    public QuestionAnswerer setStartCol(String value) {
        return with(startCol, value);
    }

    public QuestionAnswerer setEndCol(String value) {
        return with(endCol, value);
    }

    public QuestionAnswerer setScoreCol(String value) {
        return with(scoreCol, value);
    }

    public QuestionAnswerer setIsImpossibleCol(String value) {
        return with(isImpossibleCol, value);
    }

    public QuestionAnswerer setAnswersCol(String value) {
        return with(answersCol, value);
    }

    @Override
    protected QuestionAnswerTask task(StructType input, EncoderModel model) {
        return new QuestionAnswerTask(input.fieldIndex(getQuestionCol()), input.fieldIndex(getContextCol()),
                getDocStride(), getMaxAnswerTokens(), getNullThreshold(), getTopK());
    }

    @Override
    protected List<Param<String>> inputColParams() {
        return List.of(questionCol, contextCol);
    }

    @Override
    protected List<Param<String>> outputColParams() {
        return List.of(answerCol, startCol, endCol, scoreCol, isImpossibleCol, answersCol);
    }

    @Override
    protected List<StructField> taskFields() {
        return QuestionAnswerTask.FIELDS;
    }
}
