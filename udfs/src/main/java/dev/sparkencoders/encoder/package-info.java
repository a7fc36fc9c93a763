/**
 * The encoder layer: one {@link dev.sparkencoders.encoder.Encoder} interface loaded through
 * {@link dev.sparkencoders.encoder.Encoders} on an {@link dev.sparkencoders.encoder.Engine}; the forward pass on DJL
 * NDArrays run by the PyTorch engine ({@link dev.sparkencoders.encoder.TransformerEncoder}, the post-LayerNorm body
 * of BERT, RoBERTa, ALBERT, ELECTRA and DistilBERT, their parameter names in
 * {@link dev.sparkencoders.encoder.FamilyLayout}; {@link dev.sparkencoders.encoder.ModernBertEncoder}, ModernBERT's
 * pre-LayerNorm body with rotary positions ({@link dev.sparkencoders.encoder.RotaryTables}), GeGLU and
 * sliding-window layers), the ONNX Runtime body in the {@code onnx} sub-package, the task heads built from
 * HuggingFace's names ({@link dev.sparkencoders.encoder.HeadLoader}, ModernBERT's in
 * {@link dev.sparkencoders.encoder.ModernBertHead}) and sentence pooling, both on PyTorch whatever the engine.
 * Process-wide native settings the PyTorch body needs live here too, reached through JNA:
 * {@link dev.sparkencoders.encoder.TorchMatmulPrecision} (bf16 products,
 * {@link dev.sparkencoders.encoder.Precision#BF16}, on CPUs whose {@link dev.sparkencoders.encoder.CpuFlags} have bf16
 * units) and glibc's mmap threshold
 * ({@link dev.sparkencoders.encoder.MmapThreshold}). Nothing here knows about Spark.
 */
package dev.sparkencoders.encoder;
