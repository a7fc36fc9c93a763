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
}
