package dev.sparkencoders.spark.sql;

import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.collection.immutable.Seq;

/** Planner strategy: plans a {@link BatchedCalls} node as a {@link BatchedCallsExec}. */
public final class BatchCallsStrategy extends SparkStrategy {

    @Override
    public Seq<SparkPlan> apply(LogicalPlan plan) {
        if (plan instanceof BatchedCalls batched) {
            return Plans.seq(new BatchedCallsExec(batched.calls(), batched.results(), planLater(batched.child())));
        }
        return Plans.seq();
    }
}
