package dev.sparkencoders.spark.sql;

import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.util.List;

/** Conversions between Java lists and the Scala sequences Catalyst's plan nodes take. */
final class Plans {

    private Plans() {}

    /** An immutable Scala sequence of {@code items}. */
    @SafeVarargs
    static <T> Seq<T> seq(T... items) {
        return seq(List.of(items));
    }

    /** An immutable Scala sequence of {@code items}. */
    static <T> Seq<T> seq(List<T> items) {
        return CollectionConverters.asScala(items).toList();
    }

    /** {@code items} as a sequence of their supertype (Scala sequences are covariant, Java generics are not). */
    @SuppressWarnings("unchecked")
    static <T> Seq<T> widen(Seq<? extends T> items) {
        return (Seq<T>) items;
    }

    /** The expressions of {@code items}, as {@code AttributeSet.apply} takes them. */
    static Seq<Expression> expressions(Seq<? extends Expression> items) {
        return widen(items);
    }

    /** {@code first} followed by {@code second}. */
    static <T> Seq<T> concat(Seq<T> first, Seq<T> second) {
        List<T> all = new java.util.ArrayList<>(list(first));
        all.addAll(list(second));
        return seq(all);
    }

    static <T> List<T> list(scala.collection.Seq<T> items) {
        return CollectionConverters.asJava(items);
    }
}
