/**
 * Importers that write the checkpoint layout of {@code model} from other formats: an ONNX export
 * ({@link dev.sparkencoders.importer.OnnxImporter}, also from a jar that ships one with its tokenizer:
 * {@link dev.sparkencoders.importer.OnnxArchive}) or a TensorFlow BERT checkpoint
 * ({@link dev.sparkencoders.importer.TfCheckpointImporter}); the bundled all-MiniLM-L6-v2 is imported from a Maven
 * artifact on first use ({@link dev.sparkencoders.importer.BundledModel}). What every importer writes the same way
 * lives once: {@code config.json} ({@link dev.sparkencoders.importer.BertConfigFile}), protobuf parsing
 * ({@link dev.sparkencoders.importer.ProtoReader}), the file names of {@code model.Checkpoint}. May use {@code model}
 * only.
 */
package dev.sparkencoders.importer;
