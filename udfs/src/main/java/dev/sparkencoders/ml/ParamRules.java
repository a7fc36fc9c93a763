package dev.sparkencoders.ml;

import dev.sparkencoders.model.Pooling;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;
import scala.Function1;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Params whose values are checked where they are declared: a bad value fails at {@code set...} with one sentence
 * naming the Param and the values it takes, e.g. "Cannot set pooling to 'median': unknown value (use cls, mean or
 * max)". The checks throw instead of returning false, so the message is this project's, not Spark's generic one.
 */
final class ParamRules {

    private ParamRules() {}

    /** One of {@code allowed} (ignoring case, with {@code _} read as {@code -}). */
    static Param<String> oneOf(Identifiable owner, String name, String doc, List<String> allowed) {
        List<String> values = List.copyOf(allowed);
        return new Param<>(owner, name, doc + " One of " + values + ".", check(v -> v != null && values.contains(canonical(v)),
                v -> "Cannot set " + name + " to '" + v + "': unknown value (use " + spoken(values) + ")"));
    }

    /** The lower-case names of an enum's constants, {@code HEAD_TAIL} as {@code head-tail}. */
    static List<String> names(Enum<?>[] constants) {
        return Arrays.stream(constants).map(c -> canonical(c.name())).toList();
    }

    /** How {@link #oneOf} compares a value with the allowed ones. */
    static String canonical(String value) {
        return value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static IntParam atLeast(Identifiable owner, String name, String doc, int min) {
        return new IntParam(owner, name, doc, ParamRules.<Object>check(v -> (Integer) v >= min,
                v -> "Cannot set " + name + " to " + v + ": it is below " + min + " (use an integer of at least " + min + ")"));
    }

    static DoubleParam probability(Identifiable owner, String name, String doc) {
        return new DoubleParam(owner, name, doc, ParamRules.<Object>check(v -> (Double) v >= 0 && (Double) v <= 1,
                v -> "Cannot set " + name + " to " + v + ": it is not a probability (use a number from 0 to 1)"));
    }

    /** {@code pooling}, for the transformers that pool sentence embeddings; unset = the checkpoint's own. */
    static Param<String> pooling(Identifiable owner) {
        return oneOf(owner, "pooling", "How token vectors become the sentence vector; unset = the checkpoint's"
                + " sentence-transformers setting, else mean.", names(Pooling.values()));
    }

    /** The pooling a {@link #pooling(Identifiable)} value names, or null (the checkpoint's own) when unset. */
    static Pooling pooling(String value) {
        return value == null ? null : Pooling.parse(value);
    }

    /** {@code normalize}, for the transformers that pool sentence embeddings; unset = the checkpoint's own. */
    static BooleanParam normalize(Identifiable owner) {
        return new BooleanParam(owner, "normalize", "L2-normalise the embeddings; unset = the checkpoint's"
                + " setting, else false.");
    }

    /** A column name: not empty. */
    static Param<String> column(Identifiable owner, String name, String doc) {
        return new Param<>(owner, name, doc, check(v -> v != null && !v.isBlank(),
                v -> "Cannot set " + name + " to '" + v + "': a column name cannot be empty (use a non-empty name)"));
    }

    /** Any string but null. */
    static Param<String> text(Identifiable owner, String name, String doc, String hint) {
        return new Param<>(owner, name, doc, check(v -> v != null,
                v -> "Cannot set " + name + " to null: it needs a value (" + hint + ")"));
    }

    /** "a, b or c". */
    private static String spoken(List<String> values) {
        return values.size() == 1 ? values.get(0)
                : String.join(", ", values.subList(0, values.size() - 1)) + " or " + values.get(values.size() - 1);
    }

    private interface Rule<T> extends Serializable {
        boolean test(T value);
    }

    private interface Message<T> extends Serializable {
        String of(T value);
    }

    /** Spark's validator shape (a Scala function to Boolean), serializable like the Param that holds it. */
    private static <T> Function1<T, Object> check(Rule<T> rule, Message<T> message) {
        return (Function1<T, Object> & Serializable) value -> {
            if (!rule.test(value)) {
                throw new IllegalArgumentException(message.of(value));
            }
            return Boolean.TRUE;
        };
    }
}
