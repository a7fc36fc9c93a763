/**
 * Unit tests of the evaluation's metrics and charts; the evaluate job itself is tested end to end in
 * {@code dev.sparkencoders.jobs}.
 */
package dev.sparkencoders.jobs.evaluate;
