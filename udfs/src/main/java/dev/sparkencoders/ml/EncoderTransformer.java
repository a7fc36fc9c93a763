package dev.sparkencoders.ml;

import dev.sparkencoders.encoder.Engine;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.model.Pooling;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ErrorMode;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.spark.TaskCounters;
import dev.sparkencoders.spark.TaskSettings;
import dev.sparkencoders.spark.TextTask;
import dev.sparkencoders.text.TokenBudget;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;

/**
 * What every transformer of this package shares: the model and batch Params, the schema checks and the
 * {@code transform} that runs a {@link TextTask} over the partitions with the same code as the jobs
 * ({@link TaskSettings}, {@code TaskPartitionFunction}): one model per executor JVM, texts sorted by length and
 * batched by a token budget, every input row out once.
 *
 * <p>{@code transform} checks the columns (from {@code transformSchema}), loads the model on the driver and checks
 * that it has the head the task needs, all before any work is distributed. With {@code errorMode=permissive} a row
 * that cannot be processed gets nulls and a message in {@code errorCol}; with {@code fail} the first one fails the
 * job and no error column is added.
 *
 * @param <T> the concrete transformer, so that setters chain
 */
public abstract class EncoderTransformer<T extends EncoderTransformer<T>> extends Transformer
        implements DefaultParamsWritable {

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> engine;
    private final Param<String> precision;
    private final IntParam maxLength;
    private final IntParam maxBatchTokens;
    private final IntParam maxBatchRows;
    private final IntParam chunkRows;
    private final Param<String> errorMode;
    private final Param<String> errorCol;

    protected EncoderTransformer(String uid) {
        this.uid = uid;
        modelPath = ParamRules.text(this, "modelPath", "HuggingFace checkpoint directory (config.json, tokenizer.json,"
                + " model.safetensors) on any Hadoop file system (a local path must be readable on every executor;"
                + " hdfs://, s3a:// and other remote paths are copied once per machine); empty = the bundled"
                + " all-MiniLM-L6-v2.", "use an empty string for the bundled all-MiniLM-L6-v2");
        engine = ParamRules.oneOf(this, "engine", "What runs the encoder body: auto (ONNX Runtime when it loads,"
                + " else PyTorch), pytorch or onnxruntime.", ParamRules.names(Engine.values()));
        precision = ParamRules.oneOf(this, "precision", "The encoder body's matrix products: fp32 (exact), int8"
                + " (lossy and faster; ONNX Runtime only) or bf16 (bf16 inputs, fp32 sums; PyTorch on CPUs with"
                + " avx512_bf16 or AMX only).", ParamRules.names(Precision.values()));
        maxLength = ParamRules.atLeast(this, "maxLength", "Tokens per text, special tokens included; unset = the"
                + " checkpoint's max_seq_length, else its positions.", 1);
        maxBatchTokens = ParamRules.atLeast(this, "maxBatchTokens", "Token budget of one encoder batch, padding"
                + " included (rows x longest row); unset = the engine's own (512 on ONNX Runtime, 1024 at int8 and on"
                + " PyTorch).", 1);
        maxBatchRows = ParamRules.atLeast(this, "maxBatchRows", "Rows in one encoder batch at most.", 1);
        chunkRows = ParamRules.atLeast(this, "chunkRows", "Rows a task reads, sorts by length and batches at a time"
                + " (bounds memory).", 1);
        errorMode = ParamRules.oneOf(this, "errorMode", "permissive: a bad row gets nulls and a message in errorCol;"
                + " fail: the first bad row fails the job (no error column).", ParamRules.names(ErrorMode.values()));
        errorCol = ParamRules.column(this, "errorCol", "permissive errorMode: the column holding each row's error"
                + " message, null when the row is fine.");
        setDefault(modelPath, "");
        setDefault(engine, "auto");
        setDefault(precision, "fp32");
        setDefault(maxBatchRows, TokenBudget.DEFAULT.maxRows());
        setDefault(chunkRows, TaskSettings.DEFAULT_CHUNK_ROWS);
        setDefault(errorMode, "permissive");
        setDefault(errorCol, "error");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> engine() {
        return engine;
    }

    public Param<String> precision() {
        return precision;
    }

    public IntParam maxLength() {
        return maxLength;
    }

    public IntParam maxBatchTokens() {
        return maxBatchTokens;
    }

    public IntParam maxBatchRows() {
        return maxBatchRows;
    }

    public IntParam chunkRows() {
        return chunkRows;
    }

    public Param<String> errorMode() {
        return errorMode;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public String getModelPath() {
        return getOrDefault(modelPath);
    }

    public String getEngine() {
        return getOrDefault(engine);
    }

    public String getPrecision() {
        return getOrDefault(precision);
    }

    /** The configured maximum length, or null for the checkpoint's own. */
    public Integer getMaxLength() {
        return (Integer) valueOrNull(maxLength);
    }

    /** The token budget set, or null: the engine's own ({@code Engine.batchTokens(precision)}). */
    public Integer getMaxBatchTokens() {
        return (Integer) valueOrNull(maxBatchTokens);
    }

    public int getMaxBatchRows() {
        return (Integer) getOrDefault(maxBatchRows);
    }

    public int getChunkRows() {
        return (Integer) getOrDefault(chunkRows);
    }

    public String getErrorMode() {
        return getOrDefault(errorMode);
    }

    public String getErrorCol() {
        return getOrDefault(errorCol);
    }

    public T setModelPath(String value) {
        return with(modelPath, value);
    }

    public T setEngine(String value) {
        return with(engine, value);
    }

    public T setPrecision(String value) {
        return with(precision, value);
    }

    public T setMaxLength(int value) {
        return with(maxLength, value);
    }

    public T setMaxBatchTokens(int value) {
        return with(maxBatchTokens, value);
    }

    public T setMaxBatchRows(int value) {
        return with(maxBatchRows, value);
    }

    public T setChunkRows(int value) {
        return with(chunkRows, value);
    }

    public T setErrorMode(String value) {
        return with(errorMode, value);
    }

    public T setErrorCol(String value) {
        return with(errorCol, value);
    }

    /** The model these Params name; transformers that pool embeddings add their pooling settings. */
    public ModelSpec modelSpec() {
        return modelSpec(null, null);
    }

    protected final ModelSpec modelSpec(Pooling pooling, Boolean normalize) {
        return ModelSpec.onDriver(getModelPath(), pooling, normalize, getMaxLength(), Engine.parse(getEngine()),
                Precision.parse(getPrecision()));
    }

    /** The Params that name the string columns the task reads. */
    protected abstract List<Param<String>> inputColParams();

    /** The Params that name the task's result columns, in the order of {@link #taskFields()}. */
    protected abstract List<Param<String>> outputColParams();

    /** The types of the task's result columns (their names come from {@link #outputColParams()}). */
    protected abstract List<StructField> taskFields();

    /** The task for this input and model, built on the driver. */
    protected abstract TextTask task(StructType input, EncoderModel model);

    /**
     * The input columns, then the task's columns under the names the Params give, then {@code errorCol} in
     * permissive mode. Fails with one sentence when an input column is missing or not a string, or an output column
     * exists already.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        for (Param<String> param : inputColParams()) {
            requireString(schema, param);
        }
        StructType out = schema;
        List<StructField> fields = taskFields();
        List<Param<String>> names = outputColParams();
        for (int i = 0; i < fields.size(); i++) {
            out = add(out, names.get(i), fields.get(i).dataType());
        }
        return keepsErrors() ? add(out, errorCol, DataTypes.StringType) : out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> input = dataset.toDF();
        TaskSettings settings = new TaskSettings(modelSpec(), TokenBudget.of(getMaxBatchTokens(), getMaxBatchRows()),
                getChunkRows(), ErrorMode.parse(getErrorMode()));
        EncoderModel model = settings.loadOnDriver();
        TextTask task = task(input.schema(), model);
        task.validate(model);
        TaskCounters counters = TaskCounters.register(input.sparkSession());
        if (keepsErrors()) {
            return settings.run(input, task, -1, counters, out);
        }
        String unused = uid + "__error"; // the partition function always appends a message column
        return settings.run(input, task, -1, counters, out.add(unused, DataTypes.StringType)).drop(unused);
    }

    @Override
    public T copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    private boolean keepsErrors() {
        return ErrorMode.parse(getErrorMode()) == ErrorMode.PERMISSIVE;
    }

    private void requireString(StructType schema, Param<String> param) {
        String column = getOrDefault(param);
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("Cannot read " + param.name() + " '" + column + "': the input has no"
                    + " such column (its columns are " + Arrays.toString(schema.fieldNames()) + "; set "
                    + param.name() + " to one of them)");
        }
        DataType type = schema.apply(column).dataType();
        if (!type.equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("Cannot read " + param.name() + " '" + column + "' as text: its type is "
                    + type.simpleString() + ", not string (cast it to string or set " + param.name()
                    + " to a string column)");
        }
    }

    private StructType add(StructType schema, Param<String> param, DataType type) {
        String column = getOrDefault(param);
        if (Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("Cannot write " + param.name() + " '" + column + "': a column of that"
                    + " name exists already (set " + param.name() + " to a new name)");
        }
        return schema.add(column, type, true);
    }

    /** The value of a Param without a default, or null while it is unset. */
    protected final <V> V valueOrNull(Param<V> param) {
        return isDefined(param) ? getOrDefault(param) : null;
    }

    /** Sets a Param and returns this transformer for chaining. */
    @SuppressWarnings("unchecked")
    protected final <V> T with(Param<V> param, V value) {
        set(param, value);
        return (T) this;
    }
}
