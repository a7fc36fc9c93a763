/**
 * Tests and fuzzing of the ONNX and TensorFlow importers and of the bundled model, on real exports and on
 * synthetic graphs and bundles built here. May use {@code importer}, {@code model} and the model fuzzing harness.
 */
package dev.sparkencoders.importer;
