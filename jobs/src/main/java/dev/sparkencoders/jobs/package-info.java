/**
 * Entry points: {@link dev.sparkencoders.jobs.Main} dispatches a job name to a job; every text job is a
 * {@link dev.sparkencoders.jobs.TaskJob} (read, check on the driver, run a task over the partitions, write, report).
 * Configuration resolves through {@link dev.sparkencoders.jobs.JobConfig}: {@code --set} > {@code --config} file >
 * the defaults in {@link dev.sparkencoders.jobs.ConfigKey}.
 */
package dev.sparkencoders.jobs;
