/**
 * What a job reads and writes: the input as a Dataset, the output folder (with the rules for reruns), the run
 * report and progress lines. May use the job configuration and the {@code udfs} library, not the jobs themselves.
 */
package dev.sparkencoders.jobs.io;
