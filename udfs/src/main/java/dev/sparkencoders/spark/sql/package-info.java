/**
 * The SQL functions as Catalyst expressions ({@link dev.sparkencoders.spark.sql.EncoderCall}) and their batched
 * plan: {@link dev.sparkencoders.spark.sql.BatchCallsRule} moves a query's calls into a
 * {@link dev.sparkencoders.spark.sql.BatchedCalls} node, which {@link dev.sparkencoders.spark.sql.BatchCallsStrategy}
 * plans as {@link dev.sparkencoders.spark.sql.BatchedCallsExec}; {@link dev.sparkencoders.spark.sql.SparkEncodersExtensions}
 * installs all of it through {@code spark.sql.extensions}. May use {@code dev.sparkencoders.spark} (the tasks the
 * jobs run), {@code runtime} and the layers below, never {@code ml} or the jobs.
 */
package dev.sparkencoders.spark.sql;
