package dev.sparkencoders.jobs.evaluate;

import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.feature.Word2Vec;

import java.util.List;

/**
 * One way of turning texts into features for the intent classifier: the stages between the label indexer and the
 * logistic regression, and the column they leave the features in.
 */
record IntentMethod(String name, String description, String featuresCol, List<PipelineStage> stages) {

    static final String EMBEDDING = "embedding";
    static final long SEED = 42;

    /** The encoder's embeddings (computed before, in column {@value #EMBEDDING}), TF-IDF and Word2Vec. */
    static List<IntentMethod> all() {
        RegexTokenizer tokenizer = new RegexTokenizer().setInputCol(IntentData.TEXT).setOutputCol("tokens")
                .setPattern("\\W+").setToLowercase(true);
        return List.of(
                new IntentMethod(EMBEDDING, "logistic regression on the encoder's sentence embeddings", EMBEDDING,
                        List.of()),
                new IntentMethod("tf-idf", "logistic regression on TF-IDF of lower-cased word unigrams"
                        + " (RegexTokenizer \\W+, CountVectorizer, IDF)", "tfidf", List.of(tokenizer,
                        new CountVectorizer().setInputCol("tokens").setOutputCol("tf"),
                        new IDF().setInputCol("tf").setOutputCol("tfidf"))),
                new IntentMethod("word2vec", "logistic regression on averaged Word2Vec vectors trained on the"
                        + " training texts (100 dimensions, window 5, min count 1, 10 iterations)", "w2v",
                        List.of(tokenizer, new Word2Vec().setInputCol("tokens").setOutputCol("w2v").setVectorSize(100)
                                .setWindowSize(5).setMinCount(1).setMaxIter(10).setSeed(SEED))));
    }

    boolean isEmbedding() {
        return name.equals(EMBEDDING);
    }
}
