/**
 * Running models inside a JVM: one loaded model per JVM and spec ({@link dev.sparkencoders.runtime.ModelCache}),
 * batches sorted by length and cut by token budget with per-row error capture
 * ({@link dev.sparkencoders.runtime.BatchRunner}), and what each task reads off a batch
 * ({@link dev.sparkencoders.runtime.Tasks}).
 */
package dev.sparkencoders.runtime;
