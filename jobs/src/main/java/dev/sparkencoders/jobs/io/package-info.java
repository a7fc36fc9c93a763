/**
 * What a job reads and writes: the SparkSession, the input as a Dataset, the output folder (with the rules for
 * reruns), the run report, progress lines and small files on Hadoop filesystems. May use {@code jobs.config} and the
 * {@code udfs} library, not the jobs themselves.
 */
package dev.sparkencoders.jobs.io;
