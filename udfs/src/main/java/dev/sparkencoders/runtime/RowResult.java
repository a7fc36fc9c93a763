package dev.sparkencoders.runtime;

import java.util.function.Function;

/** The outcome for one input unit (a text, a pair or a window): a value, or an error message and no value. */
public record RowResult<R>(R value, String error, int tokens, boolean truncated) {

    public static <R> RowResult<R> failed(String error) {
        return new RowResult<>(null, error, 0, false);
    }

    /** The same outcome with the value transformed (errors pass through). */
    public <T> RowResult<T> map(Function<R, T> f) {
        return new RowResult<>(ok() ? f.apply(value) : null, error, tokens, truncated);
    }

    public boolean ok() {
        return error == null;
    }
}
