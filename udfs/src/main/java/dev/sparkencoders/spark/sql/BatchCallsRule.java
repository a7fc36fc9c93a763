package dev.sparkencoders.spark.sql;

import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.ConditionalExpression;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.Metadata;
import scala.Function1;
import scala.runtime.AbstractPartialFunction;

import java.util.ArrayList;
import java.util.List;

/**
 * Optimizer rule that runs the encoder functions of a query over batches of rows, the way Spark plans Python UDFs:
 * the calls of a projection, filter or sort whose arguments hold no other encoder call are moved into a
 * {@link BatchedCalls} node under it, and the node reads their results as columns. Nested calls move one level per
 * pass of the optimizer. Calls inside a conditional expression (CASE, IF, COALESCE) stay where they are and run row
 * by row, so that they run only for the rows the condition picks.
 *
 * <pre>
 * SELECT similarity(embed(a), embed(b)) FROM t
 *   -> Project [similarity(_embed_0, _embed_1)] over BatchedCalls [embed(a), embed(b)] over t
 * </pre>
 */
public final class BatchCallsRule extends Rule<LogicalPlan> {

    @Override
    public LogicalPlan apply(LogicalPlan plan) {
        return plan.transformUp(new AbstractPartialFunction<>() {
            @Override
            public boolean isDefinedAt(LogicalPlan node) {
                return rewritable(node) && !innermostCalls(node).isEmpty();
            }

            @Override
            public <A1 extends LogicalPlan, B1> B1 applyOrElse(A1 node, Function1<A1, B1> fallback) {
                @SuppressWarnings("unchecked")
                B1 rewritten = (B1) (isDefinedAt(node) ? rewrite(node) : fallback.apply(node));
                return rewritten;
            }
        });
    }

    private static boolean rewritable(LogicalPlan node) {
        return node instanceof Project || node instanceof Filter || node instanceof Sort;
    }

    private static LogicalPlan rewrite(LogicalPlan node) {
        List<EncoderCall> calls = innermostCalls(node);
        List<Attribute> results = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            EncoderCall call = calls.get(i);
            results.add(new AttributeReference("_" + call.function().sqlName() + "_" + i, call.dataType(), true,
                    Metadata.empty(), NamedExpression.newExprId(), Plans.seq()));
        }
        LogicalPlan child = node.children().head();
        BatchedCalls batched = new BatchedCalls(Plans.seq(calls), Plans.seq(results), child);
        LogicalPlan rewritten = node.withNewChildren(Plans.seq(batched))
                .transformExpressions(new AbstractPartialFunction<>() {
                    @Override
                    public boolean isDefinedAt(Expression e) {
                        return indexOf(calls, e) >= 0;
                    }

                    @Override
                    public <A1 extends Expression, B1> B1 applyOrElse(A1 e, Function1<A1, B1> fallback) {
                        int i = indexOf(calls, e);
                        @SuppressWarnings("unchecked")
                        B1 replaced = (B1) (i >= 0 ? results.get(i) : fallback.apply(e));
                        return replaced;
                    }
                });
        if (node instanceof Project) {
            return rewritten;
        }
        return new Project(Plans.widen(child.output()), rewritten);
    }

    private static int indexOf(List<EncoderCall> calls, Expression e) {
        if (!(e instanceof EncoderCall)) {
            return -1;
        }
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).semanticEquals(e)) {
                return i;
            }
        }
        return -1;
    }

    /** The node's batched calls with no batched call in their arguments, outside conditionals, each once. */
    static List<EncoderCall> innermostCalls(LogicalPlan node) {
        List<EncoderCall> out = new ArrayList<>();
        for (Expression e : Plans.list(node.expressions())) {
            collect(e, out);
        }
        return out;
    }

    /** Adds the innermost batched calls under {@code e} to {@code out}; true when {@code e} holds a batched call. */
    private static boolean collect(Expression e, List<EncoderCall> out) {
        if (e instanceof ConditionalExpression) {
            return false;
        }
        boolean below = false;
        for (Expression child : Plans.list(e.children())) {
            below |= collect(child, out);
        }
        if (e instanceof EncoderCall call && call.function().batched()) {
            if (!below && indexOf(out, call) < 0) {
                out.add(call);
            }
            return true;
        }
        return below;
    }
}
