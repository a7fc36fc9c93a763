/**
 * The {@code evaluate} job: figures on data with known answers (STS Benchmark, intent classification, masked-token
 * prediction on a held-out corpus), with
 * charts, predictions, a report and a saved classifier head; its {@code Charts} also draw the pretrain-data job's
 * length histogram. May use {@code jobs.head}, {@code jobs.io},
 * {@code jobs.config} and the {@code udfs} library.
 */
package dev.sparkencoders.jobs.evaluate;
