/**
 * Importers that write the checkpoint layout of {@code model} from other formats: an ONNX export
 * ({@link dev.sparkencoders.importer.OnnxImporter}) or a TensorFlow BERT checkpoint
 * ({@link dev.sparkencoders.importer.TfCheckpointImporter}); the bundled all-MiniLM-L6-v2 is imported from a Maven
 * artifact on first use ({@link dev.sparkencoders.importer.BundledModel}). May use {@code model} only.
 */
package dev.sparkencoders.importer;
