/**
 * Test fixtures for checking the project's encoder against an independent implementation.
 *
 * <ul>
 *   <li>{@link dev.sparkencoders.reference.SyntheticCheckpoint}: small HuggingFace checkpoints with random weights
 *       for every {@link dev.sparkencoders.reference.Family} and {@link dev.sparkencoders.reference.Head}
 *       (HuggingFace parameter names and config keys, F32 safetensors, tokenizer.json).</li>
 *   <li>{@link dev.sparkencoders.reference.ScalarReference}: the forward pass and heads in plain double-precision
 *       Java, written from HuggingFace transformers' semantics (ModernBERT's rotary, sliding-window and GeGLU
 *       layers included).</li>
 *   <li>{@link dev.sparkencoders.reference.Safetensors}, {@link dev.sparkencoders.reference.SyntheticTokenizers}:
 *       their own safetensors reader/writer and tokenizer files.</li>
 * </ul>
 *
 * Nothing here imports the project's main code: the reference must stay independent of what it checks. (The
 * real-weights test uses the project's importers only to produce files that it then reads with its own reader.)
 *
 * <pre>{@code
 * SyntheticCheckpoint ckpt = SyntheticCheckpoint.write(dir, Family.ROBERTA, Head.SEQUENCE_CLASSIFICATION, 42);
 * // ... run the project's encoder on dir, tokenizing with dir/tokenizer.json ...
 * double[] expected = new ScalarReference(ckpt).sequenceLogits(ids, null);   // one unpadded sequence
 * }</pre>
 */
package dev.sparkencoders.reference;
