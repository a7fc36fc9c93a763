package dev.sparkencoders.jobs.config;

/** The job cannot start because of its configuration or input; the message is one sentence for the user. */
public class JobConfigException extends RuntimeException {

    public JobConfigException(String message) {
        super(message);
    }

    public JobConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
