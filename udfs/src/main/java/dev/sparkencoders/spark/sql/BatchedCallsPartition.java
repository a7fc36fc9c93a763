package dev.sparkencoders.spark.sql;

import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ThreadSettings;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The work of one task of {@link BatchedCallsExec}: reads {@code chunkRows} rows, evaluates each call's arguments on
 * them, runs each call over the whole chunk through {@link FunctionEvaluator} and returns the chunk's rows in order
 * with the results appended, then the next chunk. Serializable: it travels to the executors with the plan.
 */
final class BatchedCallsPartition implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {

    private final List<EncoderCall> calls;
    private final List<Attribute> input;
    private final List<Attribute> output;
    private final int chunkRows;

    BatchedCallsPartition(List<EncoderCall> calls, List<Attribute> input, List<Attribute> output, int chunkRows) {
        this.calls = List.copyOf(calls);
        this.input = List.copyOf(input);
        this.output = List.copyOf(output);
        this.chunkRows = chunkRows;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
        calls.stream().map(EncoderCall::spec).distinct().forEach(ModelCache::get); // loads the engines first
        TaskContext context = TaskContext.get();
        if (context != null) {
            ThreadSettings.forTask(context.cpus());
        }
        List<Expression> argumentExprs = new ArrayList<>();
        for (EncoderCall call : calls) {
            argumentExprs.addAll(call.argumentList());
        }
        UnsafeProjection arguments = UnsafeProjection.create(Plans.seq(argumentExprs), Plans.seq(input));
        arguments.initialize(context == null ? 0 : context.partitionId()); // e.g. embed(concat(value, rand()))
        UnsafeProjection result = UnsafeProjection.create(Plans.seq(new ArrayList<Expression>(output)),
                Plans.seq(output));
        return new Iterator<>() {
            private Iterator<InternalRow> chunk = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                if (!chunk.hasNext() && rows.hasNext()) {
                    chunk = nextChunk(rows, arguments, result);
                }
                return chunk.hasNext();
            }

            @Override
            public InternalRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return chunk.next();
            }
        };
    }

    private Iterator<InternalRow> nextChunk(Iterator<InternalRow> rows, UnsafeProjection arguments,
                                            UnsafeProjection result) {
        List<InternalRow> inputs = new ArrayList<>(chunkRows);
        List<InternalRow> argumentRows = new ArrayList<>(chunkRows);
        while (rows.hasNext() && inputs.size() < chunkRows) {
            InternalRow row = rows.next().copy();
            inputs.add(row);
            argumentRows.add(arguments.apply(row).copy());
        }
        Object[][] values = new Object[inputs.size()][calls.size()];
        int ordinal = 0;
        for (int c = 0; c < calls.size(); c++) {
            EncoderCall call = calls.get(c);
            int arity = call.argumentList().size();
            List<Object[]> tuples = new ArrayList<>(inputs.size());
            for (InternalRow args : argumentRows) {
                Object[] tuple = new Object[arity];
                for (int a = 0; a < arity; a++) {
                    tuple[a] = EncoderCall.external(args.get(ordinal + a, call.argumentList().get(a).dataType()));
                }
                tuples.add(tuple);
            }
            List<Object> out = new FunctionEvaluator(call.function(), call.spec()).evaluate(tuples);
            for (int r = 0; r < out.size(); r++) {
                values[r][c] = call.internal(out.get(r));
            }
            ordinal += arity;
        }
        List<InternalRow> joined = new ArrayList<>(inputs.size());
        for (int r = 0; r < inputs.size(); r++) {
            joined.add(result.apply(new JoinedRow(inputs.get(r), new GenericInternalRow(values[r]))).copy());
        }
        return joined.iterator();
    }
}
