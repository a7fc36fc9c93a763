/**
 * Running models inside a JVM: one loaded model per JVM and spec ({@link dev.sparkencoders.runtime.ModelCache}),
 * batches sorted by length and cut by token budget with per-row error capture
 * ({@link dev.sparkencoders.runtime.BatchRunner}), one tokenizer per JVM for jobs that run no model
 * ({@link dev.sparkencoders.runtime.TokenizerCache}), and what each task reads off a batch
 * ({@link dev.sparkencoders.runtime.Tasks}). May use {@code encoder}, {@code text}, {@code model} and
 * {@code importer} (for the bundled model); nothing about Spark but the thread settings of a task.
 */
package dev.sparkencoders.runtime;
