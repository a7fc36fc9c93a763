/**
 * The Spark side: {@link dev.sparkencoders.spark.TaskPartitionFunction} runs a
 * {@link dev.sparkencoders.spark.TextTask} (embed, classify, pairs, ner, fill-mask) over a partition, rows in equal
 * rows out, and {@link dev.sparkencoders.spark.SqlFunctions} registers the SQL functions.
 */
package dev.sparkencoders.spark;
