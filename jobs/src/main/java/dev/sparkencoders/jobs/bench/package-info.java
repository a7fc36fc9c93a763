/**
 * The {@code bench} job: the engines, a naive baseline, the peers (langchain4j as shipped, ONNX Runtime at its
 * best), the embed job as a child process, the matmul ceiling of every engine on the class path, memory, and the
 * embed job's start-up against a plain ONNX Runtime program ({@link dev.sparkencoders.jobs.bench.PlainOrtEmbed}),
 * and the embed job on a local-cluster of one or two executor JVMs (scaling, and a soak that samples each executor's
 * memory and reads Spark's event log), measured side by side in one run and written to BENCHMARKS.md and bench.json.
 * May use the job configuration and the {@code udfs} library; it runs the jobs only as a user does, through
 * {@code ./spark-encoders} in child processes.
 */
package dev.sparkencoders.jobs.bench;
