/**
 * Unit tests of the Spark side on the bundled model: the partition function called as an executor calls it, the
 * long-text policy, and TaskSettings over a local Dataset. May use {@code spark} and the layers below it.
 */
package dev.sparkencoders.spark;
