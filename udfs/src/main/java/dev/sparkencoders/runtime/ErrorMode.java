package dev.sparkencoders.runtime;

import java.util.Locale;

/** What a job does with a row it cannot process. */
public enum ErrorMode {
    /** Keep the row, with null results and a message in its {@code error} column (the default). */
    PERMISSIVE,
    /** Fail the job at the first bad row, naming it. */
    FAIL;

    public static ErrorMode parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Cannot use errors='" + name + "': unknown mode (use permissive or fail)");
        }
    }
}
