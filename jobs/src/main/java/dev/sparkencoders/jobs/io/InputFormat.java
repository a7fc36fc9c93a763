package dev.sparkencoders.jobs.io;

import dev.sparkencoders.jobs.config.JobConfigException;

import java.util.Locale;

/** Input formats a job reads; {@code text} means one document per line in a column named {@code value}. */
public enum InputFormat {
    TEXT, PARQUET, JSON, CSV;

    public static InputFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new JobConfigException("Cannot use input.format=" + name + ": unknown format (use text, parquet,"
                    + " json or csv)");
        }
    }

    /** The text column used when {@code input.text-col} is not set. */
    public String defaultTextColumn() {
        return this == TEXT ? "value" : "text";
    }
}
