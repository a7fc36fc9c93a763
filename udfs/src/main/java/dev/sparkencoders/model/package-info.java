/**
 * What a checkpoint is on disk: the HuggingFace layout ({@code config.json}, {@code tokenizer.json},
 * {@code model.safetensors}) read with full header validation, the config of each family (ModernBERT's own keys in
 * {@link dev.sparkencoders.model.ModernBertConfig}), and the
 * sentence-transformers pooling files (read and written by {@link dev.sparkencoders.model.SentencePooling}). The
 * bottom layer: it imports nothing else of the project.
 */
package dev.sparkencoders.model;
