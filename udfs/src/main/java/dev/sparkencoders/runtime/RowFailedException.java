package dev.sparkencoders.runtime;

/** Thrown in {@link ErrorMode#FAIL} mode when a row cannot be processed; the message names the row. */
public class RowFailedException extends RuntimeException {

    public RowFailedException(String message) {
        super(message);
    }
}
