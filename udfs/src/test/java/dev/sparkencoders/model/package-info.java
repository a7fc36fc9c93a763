/**
 * Tests of reading a checkpoint from disk (safetensors headers, configs, pooling files); the fuzzing harness and byte
 * mutations the reader tests of {@code model} and {@code importer} share; and {@link
 * dev.sparkencoders.model.TemporaryCacheDirectory}, which keeps any test off the user's cache. May use {@code model}.
 */
package dev.sparkencoders.model;
