/**
 * Pre-training data, one document at a time: BERT's packing of sentences into instances (target length, short
 * sequences, a random or actual next segment for NSP, swapped segments for SOP, one segment for RoBERTa-style
 * packing), masking with 80% [MASK] / 10% random / 10% unchanged and whole-word groups, and the seeded random
 * streams that make every choice depend on the seed, the document and the copy only. No Spark here: the Spark side
 * ({@code spark.pretrain}) indexes documents and joins random next segments across partitions. May use {@code text}
 * and {@code model}.
 */
package dev.sparkencoders.text.pretrain;
