package dev.sparkencoders.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import dev.sparkencoders.encoder.HeadKind;
import dev.sparkencoders.encoder.SentencePooler;
import dev.sparkencoders.text.TokenizedText;
import dev.sparkencoders.text.pretrain.SeededRandom;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The {@link BatchFunction}s of the tasks: what each task reads off the encoder and its head for every row,
 * copied into Java arrays.
 *
 * <pre>{@code
 * List<RowResult<float[]>> probabilities = runner.run(texts, model.tokenizer()::encode, Tasks.classProbabilities());
 * }</pre>
 */
public final class Tasks {

    private Tasks() {}

    /** Sentence embeddings with the model's pooling and normalisation. */
    public static BatchFunction<float[]> embeddings() {
        return (model, batch, hidden, rows) ->
                Arrays.asList(SentencePooler.pool(hidden, batch.mask(), model.pooling(), model.normalize()));
    }

    /**
     * Class probabilities of a sequence-classification head: softmax, or a sigmoid per label when config.json
     * declares {@code problem_type: multi_label_classification}. Also the cross-encoder score of a pair.
     */
    public static BatchFunction<float[]> classProbabilities() {
        return (model, batch, hidden, rows) -> {
            try (NDArray logits = model.head(HeadKind.SEQUENCE_CLASSIFICATION).apply(hidden, batch.mask());
                 NDArray probabilities = probabilities(logits, model.checkpoint().config().multiLabel(), -1)) {
                return rowsOf(probabilities.toFloatArray(), rows.size());
            }
        };
    }

    /** The raw logits of a sequence-classification head, one array of labels per row. */
    public static BatchFunction<float[]> classLogits() {
        return (model, batch, hidden, rows) -> {
            try (NDArray logits = model.head(HeadKind.SEQUENCE_CLASSIFICATION).apply(hidden, batch.mask())) {
                return rowsOf(logits.toFloatArray(), rows.size());
            }
        };
    }

    /**
     * A cross-encoder's score for a text pair: the sigmoid of the logit for a one-label head (as
     * sentence-transformers' CrossEncoder), else the probability of the last label (the "entailment" / "relevant"
     * label of two- and three-way heads) .
     */
    public static BatchFunction<Float> crossEncoderScores() {
        return (model, batch, hidden, rows) -> {
            try (NDArray logits = model.head(HeadKind.SEQUENCE_CLASSIFICATION).apply(hidden, batch.mask())) {
                int labels = (int) logits.getShape().get(1);
                try (NDArray probabilities = probabilities(logits, labels == 1, -1)) {
                    float[] flat = probabilities.toFloatArray();
                    List<Float> scores = new ArrayList<>(rows.size());
                    for (int r = 0; r < rows.size(); r++) {
                        scores.add(flat[r * labels + labels - 1]);
                    }
                    return scores;
                }
            }
        };
    }

    /** Probability that text B follows text A: BERT next-sentence or ALBERT sentence-order prediction. */
    public static BatchFunction<Float> nextSentenceProbability() {
        return (model, batch, hidden, rows) -> {
            try (NDArray logits = model.head(HeadKind.NEXT_SENTENCE).apply(hidden);
                 NDArray probabilities = logits.softmax(-1)) {
                float[] flat = probabilities.toFloatArray();
                List<Float> out = new ArrayList<>(rows.size());
                for (int r = 0; r < rows.size(); r++) {
                    out.add(flat[2 * r]);
                }
                return out;
            }
        };
    }

    /** Per-token label probabilities of a token-classification head, [tokens of the row][labels]. */
    public static BatchFunction<float[][]> tokenProbabilities() {
        return (model, batch, hidden, rows) -> {
            try (NDArray logits = model.head(HeadKind.TOKEN_CLASSIFICATION).apply(hidden);
                 NDArray probabilities = logits.softmax(-1)) {
                return perToken(probabilities.toFloatArray(), rows, batch.width(), (int) logits.getShape().get(2));
            }
        };
    }

    /** Extractive QA: per token of the row, its start and end logits, [tokens of the row][2]. */
    public static BatchFunction<float[][]> answerSpanLogits() {
        return (model, batch, hidden, rows) -> {
            try (NDArray logits = model.head(HeadKind.QUESTION_ANSWERING).apply(hidden)) {
                return perToken(logits.toFloatArray(), rows, batch.width(), 2);
            }
        };
    }

    /** ELECTRA replaced-token detection: per token, the probability that it was replaced. */
    public static BatchFunction<float[]> replacedTokenProbabilities() {
        return (model, batch, hidden, rows) -> {
            try (NDArray logits = model.head(HeadKind.REPLACED_TOKEN).apply(hidden);
                 NDArray probabilities = Activation.sigmoid(logits)) {
                float[][][] perToken = perToken(probabilities.toFloatArray(), rows, batch.width(), 1).toArray(float[][][]::new);
                List<float[]> out = new ArrayList<>(rows.size());
                for (float[][] row : perToken) {
                    float[] values = new float[row.length];
                    for (int t = 0; t < row.length; t++) {
                        values[t] = row[t][0];
                    }
                    out.add(values);
                }
                return out;
            }
        };
    }

    /**
     * Fill-mask: for every mask token of a row, the {@code topK} vocabulary tokens, best first; rows without a mask
     * token get an empty list.
     */
    public static BatchFunction<List<List<TokenScore>>> maskedPredictions(long maskId, int topK) {
        return (model, batch, hidden, rows) -> {
            List<long[]> positions = new ArrayList<>();
            int width = batch.width();
            List<Long> flat = new ArrayList<>();
            for (int r = 0; r < rows.size(); r++) {
                long[] ids = rows.get(r).ids();
                List<Long> mine = new ArrayList<>();
                for (int t = 0; t < ids.length; t++) {
                    if (ids[t] == maskId) {
                        mine.add((long) t);
                        flat.add((long) r * width + t);
                    }
                }
                positions.add(mine.stream().mapToLong(Long::longValue).toArray());
            }
            List<List<TokenScore>> perMask = new ArrayList<>();
            if (!flat.isEmpty()) {
                try (NDArray logits = maskedLmLogits(model, hidden, flat);
                     NDArray probabilities = logits.softmax(-1)) {
                    NDList top = probabilities.topK(Math.min(topK, (int) probabilities.getShape().get(1)), -1, true, true);
                    try (top) {
                        float[] scores = top.get(0).toFloatArray();
                        long[] ids = top.get(1).toLongArray();
                        int k = scores.length / flat.size();
                        for (int m = 0; m < flat.size(); m++) {
                            List<TokenScore> best = new ArrayList<>(k);
                            for (int j = 0; j < k; j++) {
                                long id = ids[m * k + j];
                                best.add(new TokenScore(id, model.tokenizer().decode(id), scores[m * k + j]));
                            }
                            perMask.add(best);
                        }
                    }
                }
            }
            List<List<List<TokenScore>>> out = new ArrayList<>(rows.size());
            int next = 0;
            for (long[] p : positions) {
                out.add(new ArrayList<>(perMask.subList(next, next + p.length)));
                next += p.length;
            }
            return out;
        };
    }

    /**
     * Samples of the masked-LM head at temperature 1 (ELECTRA's generator): for every mask token of a row, in order,
     * one id drawn from the softmax of its logits. The random stream of a row is seeded by {@code seed} and the row's
     * ids, so a row gets the same samples in any batch (up to the engine's floating-point differences between
     * batch shapes).
     */
    public static BatchFunction<long[]> maskedSamples(long maskId, long seed) {
        return (model, batch, hidden, rows) -> {
            int width = batch.width();
            List<Long> flat = new ArrayList<>();
            int[] counts = new int[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                long[] ids = rows.get(r).ids();
                for (int t = 0; t < ids.length; t++) {
                    if (ids[t] == maskId) {
                        flat.add((long) r * width + t);
                        counts[r]++;
                    }
                }
            }
            List<long[]> out = new ArrayList<>(rows.size());
            if (flat.isEmpty()) {
                rows.forEach(r -> out.add(new long[0]));
                return out;
            }
            float[] probabilities;
            int vocabulary;
            try (NDArray logits = maskedLmLogits(model, hidden, flat);
                 NDArray softmax = logits.softmax(-1)) {
                vocabulary = (int) softmax.getShape().get(1);
                probabilities = softmax.toFloatArray();
            }
            int m = 0;
            for (int r = 0; r < rows.size(); r++) {
                SplittableRandom rng = SeededRandom.of(seed, Arrays.hashCode(rows.get(r).ids()), rows.get(r).length());
                long[] samples = new long[counts[r]];
                for (int k = 0; k < counts[r]; k++, m++) {
                    samples[k] = sample(probabilities, m * vocabulary, vocabulary, rng);
                }
                out.add(samples);
            }
            return out;
        };
    }

    /**
     * How the masked-LM head scores known tokens at given positions (masked-LM evaluation): for every row, the
     * positions and the token expected there ({@code targets.apply(row)}: {@code [positions, ids]}, looked up by the
     * row object itself), and for each position the log-probability of the expected token and its rank among all
     * tokens (0 = the head's top token; tokens with an equal logit do not count as ahead).
     */
    public static BatchFunction<double[][]> maskedTargetScores(Function<TokenizedText, int[][]> targets) {
        return (model, batch, hidden, rows) -> {
            int width = batch.width();
            List<Long> flat = new ArrayList<>();
            List<Integer> expected = new ArrayList<>();
            int[] counts = new int[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                int[][] wanted = targets.apply(rows.get(r));
                for (int k = 0; k < wanted[0].length; k++) {
                    flat.add((long) r * width + wanted[0][k]);
                    expected.add(wanted[1][k]);
                }
                counts[r] = wanted[0].length;
            }
            List<double[][]> out = new ArrayList<>(rows.size());
            if (flat.isEmpty()) {
                rows.forEach(r -> out.add(new double[0][]));
                return out;
            }
            float[] logits;
            int vocabulary;
            try (NDArray scores = maskedLmLogits(model, hidden, flat)) {
                vocabulary = (int) scores.getShape().get(1);
                logits = scores.toFloatArray();
            }
            int m = 0;
            for (int r = 0; r < rows.size(); r++) {
                double[][] perPosition = new double[counts[r]][];
                for (int k = 0; k < counts[r]; k++, m++) {
                    perPosition[k] = targetScore(logits, m * vocabulary, vocabulary, expected.get(m));
                }
                out.add(perPosition);
            }
            return out;
        };
    }

    /**
     * The masked-LM head's logits at the given token positions of the batch ({@code row * width + token}), one row
     * of logits per position, in order; the caller closes them.
     */
    private static NDArray maskedLmLogits(EncoderModel model, NDArray hidden, List<Long> positions) {
        try (NDArray tokens = hidden.reshape(-1, hidden.getShape().get(2));
             NDArray index = hidden.getManager().create(positions.stream().mapToLong(Long::longValue).toArray());
             NDArray selected = Embedding.embedding(index, tokens, SparseFormat.DENSE).singletonOrThrow()) {
            return model.head(HeadKind.MASKED_LM).apply(selected);
        }
    }

    /** {log-softmax of {@code target}, its rank} among {@code logits[from .. from + n)}. */
    private static double[] targetScore(float[] logits, int from, int n, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[from + i]);
        }
        double sum = 0;
        int ahead = 0;
        float mine = logits[from + target];
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[from + i] - max);
            ahead += logits[from + i] > mine ? 1 : 0;
        }
        return new double[] {mine - max - Math.log(sum), ahead};
    }

    /** An index drawn from {@code p[from .. from + n)}, taken as weights (their sum need not be exactly 1). */
    private static int sample(float[] p, int from, int n, SplittableRandom rng) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += p[from + i];
        }
        double u = rng.nextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += p[from + i];
            if (u < cumulative) {
                return i;
            }
        }
        return n - 1;
    }

    private static NDArray probabilities(NDArray logits, boolean sigmoid, int axis) {
        return sigmoid ? Activation.sigmoid(logits) : logits.softmax(axis);
    }

    private static List<float[]> rowsOf(float[] flat, int rows) {
        int width = flat.length / rows;
        List<float[]> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            out.add(Arrays.copyOfRange(flat, r * width, (r + 1) * width));
        }
        return out;
    }

    private static List<float[][]> perToken(float[] flat, List<TokenizedText> rows, int width, int labels) {
        List<float[][]> out = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            float[][] tokens = new float[rows.get(r).length()][];
            for (int t = 0; t < tokens.length; t++) {
                int at = (r * width + t) * labels;
                tokens[t] = Arrays.copyOfRange(flat, at, at + labels);
            }
            out.add(tokens);
        }
        return out;
    }
}
