/**
 * The {@code evaluate} job: figures on data with known answers (STS Benchmark, intent classification), with
 * charts, predictions and a report. May use {@code jobs.io}, the job configuration and the {@code udfs} library.
 */
package dev.sparkencoders.jobs.evaluate;
