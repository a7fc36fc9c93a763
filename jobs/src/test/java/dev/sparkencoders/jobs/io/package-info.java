/**
 * Tests of what jobs read and write: the SparkSession settings and the rules for an existing output folder.
 */
package dev.sparkencoders.jobs.io;
