/**
 * Unit tests of running a model inside one JVM (batching in input order, per-row errors, error modes) on the
 * bundled model. May use {@code runtime} and the layers below it.
 */
package dev.sparkencoders.runtime;
