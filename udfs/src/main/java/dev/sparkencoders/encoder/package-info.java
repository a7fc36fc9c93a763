/**
 * The forward pass on DJL NDArrays, run by the PyTorch engine: one {@link dev.sparkencoders.encoder.TransformerEncoder}
 * for BERT, RoBERTa, ALBERT, ELECTRA and DistilBERT (their parameter names in
 * {@link dev.sparkencoders.encoder.FamilyLayout}), the task heads built from HuggingFace's names
 * ({@link dev.sparkencoders.encoder.HeadLoader}) and sentence pooling. Nothing here knows about Spark.
 */
package dev.sparkencoders.encoder;
