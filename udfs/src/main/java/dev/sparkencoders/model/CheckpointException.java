package dev.sparkencoders.model;

/**
 * A model checkpoint cannot be read or used: a missing or malformed file, a shape that disagrees with the
 * config, an unsupported architecture. The message is one sentence shaped "Cannot &lt;action&gt;: &lt;reason&gt;
 * (&lt;hint&gt;)".
 */
public class CheckpointException extends RuntimeException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The first line of a cause's message, to quote inside a one-sentence message: parsers such as Gson append
     * lines of advice to theirs. Falls back to the cause's class name when it has no message.
     */
    public static String firstLine(Throwable cause) {
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
