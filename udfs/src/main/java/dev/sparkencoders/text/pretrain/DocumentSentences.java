package dev.sparkencoders.text.pretrain;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How input text becomes documents of sentences.
 * <ul>
 *   <li>Text files ({@link #documents}): one sentence per line, documents separated by blank lines (a line of
 *   nothing but whitespace counts as blank; {@code \r\n} line ends are fine), as BERT's tool reads them.</li>
 *   <li>A document column ({@link #sentences}): one document per row, cut at line breaks and then at the sentence
 *   boundaries of {@link BreakIterator#getSentenceInstance(Locale)} with {@link Locale#ROOT} (Unicode's UAX #29
 *   rules: after {@code .}, {@code !} or {@code ?} followed by a space and an upper-case letter, so "Mr. Smith" is
 *   cut too).</li>
 * </ul>
 * Sentences are trimmed; empty ones are dropped.
 *
 * <pre>{@code
 * List<List<String>> docs = DocumentSentences.documents("First.\nSecond.\n\nOther doc.");   // 2 documents
 * List<String> sentences = DocumentSentences.sentences("It rains. We stay in.");             // 2 sentences
 * }</pre>
 */
public final class DocumentSentences {

    private DocumentSentences() {}

    /** The documents of a stretch of a text file: lines are sentences, blank lines separate documents. */
    public static List<List<String>> documents(String text) {
        List<List<String>> documents = new ArrayList<>();
        List<String> current = new ArrayList<>();
        if (text != null) {
            for (String line : text.split("\n", -1)) {
                String sentence = line.strip();
                if (sentence.isEmpty()) {
                    if (!current.isEmpty()) {
                        documents.add(current);
                        current = new ArrayList<>();
                    }
                } else {
                    current.add(sentence);
                }
            }
        }
        if (!current.isEmpty()) {
            documents.add(current);
        }
        return documents;
    }

    /** The sentences of one document held in a column (see the class comment); none for null or blank text. */
    public static List<String> sentences(String text) {
        List<String> sentences = new ArrayList<>();
        if (text == null) {
            return sentences;
        }
        BreakIterator boundaries = BreakIterator.getSentenceInstance(Locale.ROOT);
        for (String line : text.split("\\R")) {
            boundaries.setText(line);
            int start = boundaries.first();
            for (int end = boundaries.next(); end != BreakIterator.DONE; start = end, end = boundaries.next()) {
                String sentence = line.substring(start, end).strip();
                if (!sentence.isEmpty()) {
                    sentences.add(sentence);
                }
            }
        }
        return sentences;
    }
}
