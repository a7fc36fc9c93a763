package dev.sparkencoders.spark.pretrain;

import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.TokenizerCache;
import dev.sparkencoders.text.TextTokenizer;
import dev.sparkencoders.text.pretrain.DocumentSentences;
import dev.sparkencoders.text.pretrain.TokenizedDocument;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A corpus as tokenized documents. Text files are read one stretch between blank lines per row (Spark's text
 * source with {@code lineSep} set to {@link #TEXT_DOCUMENT_SEPARATOR}), other inputs one document per row; either
 * way {@link DocumentSentences} cuts them into sentences, each tokenized on its own without special tokens.
 * {@link #index} then numbers the documents 0..N-1 by content ({@link TokenizedDocument#order()}), so the numbers
 * and everything drawn from them are the same however the input was split.
 *
 * <pre>{@code
 * JavaRDD<TokenizedDocument> docs = PretrainCorpus.tokenize(input, 0, true, spec, 128).persist(...);
 * PretrainCorpus.Summary summary = PretrainCorpus.summarize(docs);
 * JavaRDD<TokenizedDocument> numbered = PretrainCorpus.index(PretrainCorpus.nonEmpty(docs), 8);
 * }</pre>
 */
public final class PretrainCorpus {

    /** What Spark's text source is told a line ends with, so that one row is one blank-line-separated stretch. */
    public static final String TEXT_DOCUMENT_SEPARATOR = "\n\n";

    private PretrainCorpus() {}

    /**
     * Counts of the tokenized corpus: documents with at least one token, rows or documents with none, sentences
     * kept, sentences dropped because they have no token, and the tokens of the sentences kept.
     */
    public record Summary(long documents, long emptyDocuments, long sentences, long emptySentences, long tokens)
            implements Serializable {

        Summary plus(Summary o) {
            return new Summary(documents + o.documents, emptyDocuments + o.emptyDocuments, sentences + o.sentences,
                    emptySentences + o.emptySentences, tokens + o.tokens);
        }

        static Summary of(TokenizedDocument doc) {
            long sentences = 0;
            long empty = 0;
            for (int[] sentence : doc.sentences()) {
                if (sentence.length == 0) {
                    empty++;
                } else {
                    sentences++;
                }
            }
            long tokens = doc.tokens();
            return new Summary(tokens > 0 ? 1 : 0, tokens > 0 ? 0 : 1, sentences, empty, tokens);
        }
    }

    /**
     * The documents of column {@code column} of {@code input}, tokenized with the tokenizer.json of {@code spec}'s
     * checkpoint; {@code textFile} says the column holds blank-line-separated stretches of a text file (one
     * sentence per line) rather than one document per row. Sentences without tokens stay as empty arrays, to be
     * counted by {@link #summarize}.
     */
    public static JavaRDD<TokenizedDocument> tokenize(Dataset<Row> input, int column, boolean textFile, ModelSpec spec,
                                                      int maxLength) {
        return input.javaRDD().mapPartitions(rows -> {
            TextTokenizer tokenizer = TokenizerCache.get(spec.localDirectory().resolve(Checkpoint.TOKENIZER), maxLength);
            List<TokenizedDocument> docs = new ArrayList<>();
            while (rows.hasNext()) {
                Row row = rows.next();
                String text = row.isNullAt(column) ? null : row.getString(column);
                List<List<String>> documents = textFile ? DocumentSentences.documents(text)
                        : List.of(DocumentSentences.sentences(text));
                for (List<String> sentences : documents) {
                    int[][] ids = new int[sentences.size()][];
                    for (int s = 0; s < ids.length; s++) {
                        ids[s] = Arrays.stream(tokenizer.contentIds(sentences.get(s))).mapToInt(Math::toIntExact)
                                .toArray();
                    }
                    docs.add(new TokenizedDocument(-1, ids));
                }
            }
            return docs.iterator();
        });
    }

    public static Summary summarize(JavaRDD<TokenizedDocument> docs) {
        return docs.map(Summary::of).fold(new Summary(0, 0, 0, 0, 0), Summary::plus);
    }

    /** The documents with their empty sentences dropped, and without the documents left with none. */
    public static JavaRDD<TokenizedDocument> nonEmpty(JavaRDD<TokenizedDocument> docs) {
        return docs.filter(doc -> doc.tokens() > 0).map(doc -> {
            int[][] kept = Arrays.stream(doc.sentences()).filter(s -> s.length > 0).toArray(int[][]::new);
            return kept.length == doc.sentences().length ? doc : new TokenizedDocument(doc.index(), kept);
        });
    }

    /** The documents numbered 0..N-1 in corpus order, in {@code partitions} partitions. */
    public static JavaRDD<TokenizedDocument> index(JavaRDD<TokenizedDocument> docs, int partitions) {
        return docs.sortBy(TokenizedDocument::order, true, partitions).zipWithIndex()
                .map(numbered -> numbered._1().withIndex(numbered._2()));
    }
}
