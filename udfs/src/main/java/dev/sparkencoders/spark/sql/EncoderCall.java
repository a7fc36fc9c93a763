package dev.sparkencoders.spark.sql;

import dev.sparkencoders.runtime.ModelSpec;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ImplicitCastInputTypes;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenFallback;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A call of one of the project's SQL functions in a query plan, bound to the model it runs. Evaluated on its own it
 * runs one row (as a scalar function); {@link BatchCallsRule} moves the calls of a projection, filter or sort into a
 * {@link BatchedCalls} node that runs them over batches of rows instead.
 *
 * <pre>
 * Expression call = new EncoderCall(SqlFunction.EMBED, ModelSpec.bundled(), seq(List.of(textColumn)));
 * </pre>
 */
public final class EncoderCall extends Expression implements ImplicitCastInputTypes, CodegenFallback, Serializable {

    private final SqlFunction function;
    private final ModelSpec spec;
    private final Seq<Expression> arguments;
    private transient scala.Function1<Object, Object> toInternal;

    public EncoderCall(SqlFunction function, ModelSpec spec, Seq<Expression> arguments) {
        this.function = function;
        this.spec = spec;
        this.arguments = arguments;
    }

    public SqlFunction function() {
        return function;
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The arguments as a Java list. */
    public List<Expression> argumentList() {
        return CollectionConverters.asJava(arguments);
    }

    /** Converts one evaluated argument from Spark's internal form to what {@link FunctionEvaluator} takes. */
    static Object external(Object value) {
        if (value instanceof UTF8String s) {
            return s.toString();
        }
        if (value instanceof ArrayData a) {
            return a.toFloatArray();
        }
        return value;
    }

    /** Converts a result of {@link FunctionEvaluator} to Spark's internal form for this call's type. */
    Object internal(Object value) {
        if (value == null) {
            return null;
        }
        if (toInternal == null) {
            toInternal = CatalystTypeConverters.createToCatalystConverter(dataType());
        }
        return toInternal.apply(value);
    }

    @Override
    public Object eval(InternalRow row) {
        List<Expression> args = argumentList();
        Object[] values = new Object[args.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = external(args.get(i).eval(row));
        }
        return internal(new FunctionEvaluator(function, spec).evaluate(List.<Object[]>of(values)).get(0));
    }

    @Override
    public boolean nullable() {
        return true;
    }

    @Override
    public DataType dataType() {
        return function.dataType();
    }

    @Override
    public boolean foldable() {
        return argumentList().stream().allMatch(Expression::foldable);
    }

    @Override
    public Seq<AbstractDataType> inputTypes() {
        return CollectionConverters.asScala(function.inputTypes().stream().map(t -> (AbstractDataType) t).toList())
                .toList();
    }

    @Override
    public TypeCheckResult checkInputDataTypes() {
        if (argumentList().size() != function.inputTypes().size()) {
            return new TypeCheckResult.TypeCheckFailure("Cannot call " + function.sqlName() + ": it takes "
                    + function.inputTypes().size() + " arguments, got " + argumentList().size());
        }
        for (int i = 0; i < argumentList().size(); i++) {
            DataType expected = function.inputTypes().get(i);
            DataType actual = argumentList().get(i).dataType();
            if (!(actual instanceof NullType) && !expected.acceptsType(actual)) {
                return new TypeCheckResult.TypeCheckFailure("Cannot call " + function.sqlName() + ": argument "
                        + (i + 1) + " is " + actual.simpleString() + " where " + expected.simpleString()
                        + " is expected");
            }
        }
        return TypeCheckResult.TypeCheckSuccess$.MODULE$;
    }

    @Override
    public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
        return CodegenFallback.super.doGenCode(ctx, ev);
    }

    @Override
    public Seq<Expression> children() {
        return arguments;
    }

    @Override
    public Expression withNewChildrenInternal(IndexedSeq<Expression> children) {
        return new EncoderCall(function, spec, children.toSeq());
    }

    @Override
    public String prettyName() {
        return function.sqlName();
    }

    @Override
    public String toString() {
        return function.sqlName() + argumentList().stream().map(Object::toString)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    @Override
    public int productArity() {
        return 3;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> function;
            case 1 -> spec;
            case 2 -> arguments;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public boolean canEqual(Object that) {
        return that instanceof EncoderCall;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncoderCall c && c.function == function && c.spec.equals(spec)
                && c.arguments.equals(arguments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(function, spec, arguments);
    }
}
