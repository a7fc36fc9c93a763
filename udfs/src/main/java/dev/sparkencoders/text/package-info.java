/**
 * Text to tokens and back: the HuggingFace tokenizer with truncation counted, head/tail/head+tail truncation and
 * sliding windows for long documents, batching by token budget, NER span aggregation with character offsets, and a
 * tokenizer's pieces by id (special tokens, word continuations); {@code text.pretrain} builds pre-training instances
 * from tokenized documents. May use {@code model} only.
 */
package dev.sparkencoders.text;
