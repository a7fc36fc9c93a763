/**
 * Tests of reading a checkpoint from disk (safetensors headers, configs, pooling files), and the fuzzing harness
 * and byte mutations the reader tests of {@code model} and {@code importer} share. May use {@code model}.
 */
package dev.sparkencoders.model;
