/**
 * Text to tokens and back: the HuggingFace tokenizer with truncation counted, head/tail/head+tail truncation and
 * sliding windows for long documents, batching by token budget, and NER span aggregation with character offsets.
 * May use {@code model} only.
 */
package dev.sparkencoders.text;
