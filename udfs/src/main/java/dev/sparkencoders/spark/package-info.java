/**
 * The Spark side: {@link dev.sparkencoders.spark.TaskPartitionFunction} runs a
 * {@link dev.sparkencoders.spark.TextTask} (embed, classify and zero-shot classify, pairs, ner, fill-mask,
 * replaced-tokens) over a partition, rows in equal rows out; {@link dev.sparkencoders.spark.TaskSettings} runs it
 * over a Dataset for the jobs and the Spark ML transformers alike; the SQL functions live in {@code spark.sql}, the
 * pre-training data pipeline (documents to masked instances across partitions) in {@code spark.pretrain}. May
 * use {@code runtime} and the layers below it, never {@code ml} or the jobs.
 */
package dev.sparkencoders.spark;
