package dev.sparkencoders.spark.sql;

import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

import java.util.Objects;

/**
 * Logical plan node: its child's rows, each followed by the results of {@code calls} (one column per call, named by
 * {@code results}), computed over batches of rows. Planned by {@link BatchCallsStrategy} into {@link BatchedCallsExec}.
 */
public final class BatchedCalls extends LogicalPlan {

    private final Seq<EncoderCall> calls;
    private final Seq<Attribute> results;
    private final LogicalPlan child;

    public BatchedCalls(Seq<EncoderCall> calls, Seq<Attribute> results, LogicalPlan child) {
        this.calls = calls;
        this.results = results;
        this.child = child;
    }

    public Seq<EncoderCall> calls() {
        return calls;
    }

    public Seq<Attribute> results() {
        return results;
    }

    public LogicalPlan child() {
        return child;
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
    public Seq<LogicalPlan> children() {
        return Plans.seq(child);
    }

    @Override
    public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> children) {
        return new BatchedCalls(calls, results, children.head());
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
        return that instanceof BatchedCalls;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchedCalls b && b.calls.equals(calls) && b.results.equals(results)
                && b.child.equals(child);
    }

    @Override
    public int hashCode() {
        return Objects.hash(calls, results, child);
    }
}
