/**
 * A saved Spark ML pipeline head and the metadata beside it: written by the evaluate job, read by classify with
 * {@code head.path}. May use {@code jobs.io}, {@code jobs.config} and the {@code udfs} library.
 */
package dev.sparkencoders.jobs.head;
