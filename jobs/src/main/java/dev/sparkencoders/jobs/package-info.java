/**
 * Entry points: {@link dev.sparkencoders.jobs.Main} dispatches a job name to a job; every text job is a
 * {@link dev.sparkencoders.jobs.TaskJob} (read, check on the driver, run a task over the partitions, write, report),
 * beside the {@code sql}, {@code import-model} and {@code pretrain-data} jobs and the classify task that runs a saved
 * pipeline head.
 * May use every sub-package of the jobs and the {@code udfs} library; nothing below imports this package.
 */
package dev.sparkencoders.jobs;
