/**
 * Spark ML transformers over the project's encoders, usable in an {@code org.apache.spark.ml.Pipeline} next to
 * MLlib stages and saved with it: {@link dev.sparkencoders.ml.TextEmbedder} (sentence embeddings, a Spark ML
 * vector by default), {@link dev.sparkencoders.ml.TextClassifier} (a sequence-classification head),
 * {@link dev.sparkencoders.ml.PairScorer} (NSP/SOP, cross-encoder or cosine),
 * {@link dev.sparkencoders.ml.EntityTagger} (named entities with character offsets) and
 * {@link dev.sparkencoders.ml.QuestionAnswerer} (extractive question answering). They are thin adapters: each
 * maps its Params to the {@code TextTask} the matching job runs and runs it through the same partition function.
 * May use {@code spark} and the layers below it; the jobs use this package, never the reverse.
 *
 * <pre>{@code
 * PipelineModel model = new Pipeline().setStages(new PipelineStage[] {
 *         new TextEmbedder().setInputCol("text").setOutputCol("features"),
 *         new LogisticRegression().setFeaturesCol("features")}).fit(train);
 * }</pre>
 */
package dev.sparkencoders.ml;
