package dev.sparkencoders.jobs.config;

/** A spark-encoders entry point: validates its configuration before doing any work, then runs. */
public interface Job {

    /** Runs the job; any exception means the job failed and the process exits non-zero. */
    void run(JobConfig config);
}
