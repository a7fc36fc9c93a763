/**
 * Pre-training data on Spark: input rows to tokenized documents ({@link dev.sparkencoders.spark.pretrain.PretrainCorpus}),
 * numbered 0..N-1 in an order that depends on their content only; instances drafted per document and copy, random
 * next segments joined from other documents across partitions, truncated, masked and put in a seeded order
 * ({@link dev.sparkencoders.spark.pretrain.PretrainInstances}); rows in the columns of BERT's tool and the run's
 * statistics ({@link dev.sparkencoders.spark.pretrain.PretrainRows},
 * {@link dev.sparkencoders.spark.pretrain.PretrainStats}). May use {@code runtime} and the layers below it.
 */
package dev.sparkencoders.spark.pretrain;
