/**
 * The encoder body on ONNX Runtime: {@link dev.sparkencoders.encoder.onnx.EncoderGraphWriter} writes a checkpoint's
 * encoder as an ONNX graph (ModernBERT's through {@link dev.sparkencoders.encoder.onnx.ModernBertGraphWriter}, both
 * from the shared pieces of {@link dev.sparkencoders.encoder.onnx.GraphOps}), cached by
 * {@link dev.sparkencoders.encoder.onnx.EncoderGraphCache}, and {@link dev.sparkencoders.encoder.onnx.OnnxRuntimeEncoder}
 * runs it through DJL's OnnxRuntime engine behind the {@link dev.sparkencoders.encoder.Encoder} interface. May use
 * {@code model}, {@code encoder} and DJL.
 */
package dev.sparkencoders.encoder.onnx;
