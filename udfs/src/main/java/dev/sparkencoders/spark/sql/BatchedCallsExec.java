package dev.sparkencoders.spark.sql;

import dev.sparkencoders.spark.TaskSettings;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.execution.SparkPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

import java.util.Objects;

/**
 * Physical plan node of {@link BatchedCalls}: each task reads its child's rows in chunks, evaluates every call over
 * the chunk at once ({@link BatchedCallsPartition}) and returns the rows in their order, each with the calls' results
 * appended.
 */
public final class BatchedCallsExec extends SparkPlan {

    /** Rows read, sorted by length and batched at a time per task: the jobs' {@code batch.chunk-rows} default. */
    static final int CHUNK_ROWS = TaskSettings.DEFAULT_CHUNK_ROWS;

    private final Seq<EncoderCall> calls;
    private final Seq<Attribute> results;
    private final SparkPlan child;

    public BatchedCallsExec(Seq<EncoderCall> calls, Seq<Attribute> results, SparkPlan child) {
        this.calls = calls;
        this.results = results;
        this.child = child;
    }

    @Override
    public RDD<InternalRow> doExecute() {
        BatchedCallsPartition partition = new BatchedCallsPartition(Plans.list(calls), Plans.list(child.output()),
                Plans.list(output()), CHUNK_ROWS);
        return child.execute().toJavaRDD().mapPartitions(partition).rdd();
    }

    @Override
    public Seq<Attribute> output() {
        return Plans.concat(child.output(), results);
    }

    @Override
    public AttributeSet producedAttributes() {
        return AttributeSet.apply(Plans.expressions(results));
    }

    @Override
    public Seq<SparkPlan> children() {
        return Plans.seq(child);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> children) {
        return new BatchedCallsExec(calls, results, children.head());
    }

    @Override
    public int productArity() {
        return 3;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> calls;
            case 1 -> results;
            case 2 -> child;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public boolean canEqual(Object that) {
        return that instanceof BatchedCallsExec;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchedCallsExec b && b.calls.equals(calls) && b.results.equals(results)
                && b.child.equals(child);
    }

    @Override
    public int hashCode() {
        return Objects.hash(calls, results, child);
    }
}
