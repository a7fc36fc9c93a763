package dev.sparkencoders.ml;

import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.spark.EmbedTask;
import dev.sparkencoders.spark.EmbedTask.VectorType;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * Sentence embeddings of a text column, as the {@code embed} job computes them: a Spark ML vector by default, so
 * MLlib estimators such as {@code LogisticRegression} read it directly, or {@code array<float>}.
 *
 * <pre>{@code
 * TextEmbedder embedder = new TextEmbedder().setInputCol("text").setOutputCol("features");  // bundled MiniLM
 * LogisticRegression lr = new LogisticRegression().setFeaturesCol("features").setLabelCol("label");
 * PipelineModel model = new Pipeline().setStages(new PipelineStage[] {embedder, lr}).fit(train);
 * model.write().overwrite().save("models/intent");
 * PipelineModel.load("models/intent").transform(test);
 * }</pre>
 *
 * <p>Params besides those of {@link TextTransformer} and {@link EncoderTransformer}: {@code outputCol}
 * ({@code embedding}), {@code outputType} ({@code vector} or {@code array}), {@code pooling} ({@code cls},
 * {@code mean} or {@code max}; unset = the checkpoint's sentence-transformers setting, else mean) and
 * {@code normalize} (L2; unset = the checkpoint's setting, else false), {@code prompt} (the name of the model's
 * instruction prefix to prepend, e.g. {@code query}, or {@code none}; unset = the checkpoint's default). Windows of a long text are averaged (then
 * re-normalised when the model normalises).
 */
public final class TextEmbedder extends TextTransformer<TextEmbedder> {

    private final Param<String> outputCol;
    private final Param<String> outputType;
    private final Param<String> pooling;
    private final BooleanParam normalize;
    private final Param<String> prompt;

    public TextEmbedder() {
        this(Identifiable.randomUID("textEmbedder"));
    }

    public TextEmbedder(String uid) {
        super(uid);
        outputCol = ParamRules.column(this, "outputCol", "The embedding column to add.");
        outputType = ParamRules.oneOf(this, "outputType", "vector (Spark ML vector, for MLlib) or array"
                + " (array<float>).", ParamRules.names(VectorType.values()));
        pooling = ParamRules.pooling(this);
        normalize = ParamRules.normalize(this);
        prompt = ParamRules.text(this, "prompt", "Name of the model's instruction prefix to prepend (e.g. query),"
                + " or none; unset = the checkpoint's default prompt, if any.", "a prompt name or none");
        setDefault(outputCol, EmbedTask.EMBEDDING_COL);
        setDefault(outputType, "vector");
    }

    public static MLReader<TextEmbedder> read() {
        return new DefaultParamsReader<>();
    }

    public static TextEmbedder load(String path) {
        return read().load(path);
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> outputType() {
        return outputType;
    }

    public Param<String> pooling() {
        return pooling;
    }

    public BooleanParam normalize() {
        return normalize;
    }

    public Param<String> prompt() {
        return prompt;
    }

    /** The prompt name, or null for the checkpoint's default. */
    public String getPrompt() {
        return valueOrNull(prompt);
    }

    public TextEmbedder setPrompt(String value) {
        return with(prompt, value);
    }

    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    public String getOutputType() {
        return getOrDefault(outputType);
    }

    /** The pooling mode, or null for the checkpoint's own. */
    public String getPooling() {
        return valueOrNull(pooling);
    }

    /** Whether embeddings are L2-normalised, or null for the checkpoint's own setting. */
    public Boolean getNormalize() {
        return (Boolean) valueOrNull(normalize);
    }

    public TextEmbedder setOutputCol(String value) {
        return with(outputCol, value);
    }

    public TextEmbedder setOutputType(String value) {
        return with(outputType, value);
    }

    public TextEmbedder setPooling(String value) {
        return with(pooling, value);
    }

    public TextEmbedder setNormalize(boolean value) {
        return with(normalize, value);
    }

    @Override
    public ModelSpec modelSpec() {
        return modelSpec(ParamRules.pooling(getPooling()), getNormalize());
    }

    /** The embed task over the text at {@code textIndex}, as these Params configure it. */
    public EmbedTask task(int textIndex, EncoderModel model) {
        return new EmbedTask(textIndex, VectorType.parse(getOutputType()), longTextPolicy(model), getPrompt());
    }

    @Override
    protected EmbedTask task(StructType input, EncoderModel model) {
        return task(input.fieldIndex(getInputCol()), model);
    }

    @Override
    protected List<Param<String>> outputColParams() {
        return List.of(outputCol);
    }

    @Override
    protected List<StructField> taskFields() {
        return List.of(EmbedTask.field(VectorType.parse(getOutputType())));
    }
}
