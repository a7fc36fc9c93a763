/**
 * Tests of tokenization, truncation, windows, batching and entity aggregation on the bundled model's real
 * tokenizer; {@code LongDocument} is the set-up the long-text tests share. May use {@code text} and {@code model}
 * (and {@code importer} to find the bundled tokenizer).
 */
package dev.sparkencoders.text;
