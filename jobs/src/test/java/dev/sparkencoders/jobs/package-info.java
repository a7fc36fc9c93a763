/**
 * End-to-end tests of the jobs through {@code Main.run} ({@code JobRunner}): every job on local Spark and on local
 * clusters, bad input, bad models, reruns and killed executors, with the corpora and models they need.
 */
package dev.sparkencoders.jobs;
