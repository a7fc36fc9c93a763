package dev.sparkencoders.spark;

import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ErrorMode;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.text.TokenBudget;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;

/**
 * How a {@link TextTask} runs over a Dataset, whichever front end asks (the jobs from their configuration, the
 * Spark ML transformers from their Params): the model, the token budget of a batch, the rows a task reads at a
 * time, and what a bad row does.
 *
 * <pre>{@code
 * TaskSettings settings = new TaskSettings(ModelSpec.bundled(), TokenBudget.DEFAULT, 2048, ErrorMode.PERMISSIVE);
 * EncoderModel model = settings.loadOnDriver();
 * Dataset<Row> out = settings.run(df, new EmbedTask(0, VectorType.ARRAY, LongTextPolicy.DEFAULT), -1,
 *         TaskCounters.register(spark));
 * }</pre>
 */
public record TaskSettings(ModelSpec spec, TokenBudget budget, int chunkRows, ErrorMode errors)
        implements Serializable {

    /** Rows a task reads, sorts by length and batches at a time, unless told otherwise. */
    public static final int DEFAULT_CHUNK_ROWS = 2048;

    /**
     * Loads the model on the driver (or takes the JVM's copy) before any task starts, so a missing file or a bad
     * checkpoint fails at once with one sentence; in local mode the tasks reuse this copy.
     */
    public EncoderModel loadOnDriver() {
        return ModelCache.get(spec);
    }

    /** The input columns, then the task's columns and {@code error}, as {@link TaskPartitionFunction} makes them. */
    public Dataset<Row> run(Dataset<Row> input, TextTask task, int idIndex, TaskCounters counters) {
        return run(input, task, idIndex, counters, TaskPartitionFunction.outputSchema(input.schema(), task));
    }

    /**
     * Runs the task over every partition; {@code outputSchema} types the rows it makes (input columns, the task's
     * columns, then the error message), so a caller may name the appended columns as it likes.
     */
    public Dataset<Row> run(Dataset<Row> input, TextTask task, int idIndex, TaskCounters counters,
                            StructType outputSchema) {
        return input.mapPartitions(new TaskPartitionFunction(this, task, idIndex, counters),
                Encoders.row(outputSchema));
    }
}
