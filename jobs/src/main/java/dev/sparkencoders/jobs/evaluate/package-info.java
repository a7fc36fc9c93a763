/**
 * The {@code evaluate} job: figures on data with known answers (STS Benchmark, intent classification), with
 * charts, predictions, a report and a saved classifier head. May use {@code jobs.head}, {@code jobs.io},
 * {@code jobs.config} and the {@code udfs} library.
 */
package dev.sparkencoders.jobs.evaluate;
