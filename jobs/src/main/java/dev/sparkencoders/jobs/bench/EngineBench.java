package dev.sparkencoders.jobs.bench;

import ai.djl.pytorch.jni.JniUtils;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.text.LengthBatcher;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TokenizedText;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One timed pass of our engine (no Spark) over a list of texts, embedding them with the model's pooling: each
 * task tokenizes its contiguous share of the texts (timed on its own), then encodes it either as the jobs do
 * ({@link Batching#SORTED}: chunks of {@code batch.chunk-rows} rows, sorted by length and cut by the token budget,
 * through {@link BatchRunner}) or as DJL's Spark extension does ({@link Batching#NAIVE}: fixed-count batches in
 * arrival order, each padded to its longest row). On PyTorch every task sets its own intra-op thread count first;
 * ONNX Runtime runs with the threads its session was opened with (the part loads it once per layout thread count).
 * The matmul FLOPs of the batches actually run are counted from their padded shapes.
 */
final class EngineBench {

    enum Batching { SORTED, NAIVE }

    /** What one pass did and how long it took; seconds are wall time, the others summed over tasks. */
    record Sample(double seconds, double tokenizeSeconds, double encodeSeconds, long rows, long tokens,
                  long paddedTokens, double flops) {

        double sentencesPerSecond() {
            return rows / seconds;
        }

        double tokensPerSecond() {
            return tokens / seconds;
        }

        /** Share of the tasks' time spent tokenizing. */
        double tokenizeShare() {
            return tokenizeSeconds / (tokenizeSeconds + encodeSeconds);
        }

        /** Matmul FLOP/s of the encoder: FLOPs over the wall time less the tokenizing share. */
        double gflops() {
            return flops / (seconds * (1 - tokenizeShare())) / 1e9;
        }

        double paddingShare() {
            return paddedTokens == 0 ? 0 : (paddedTokens - tokens) / (double) paddedTokens;
        }
    }

    private record Partial(double tokenizeSeconds, double encodeSeconds, long rows, long tokens, long paddedTokens,
                           double flops) {}

    private final BenchEngine engine;
    private final EncoderModel model;
    private final BatchRunner runner;
    private final TokenBudget budget;
    private final int chunkRows;
    private final int naiveBatch;

    EngineBench(BenchEngine engine, EncoderModel model, TokenBudget budget, int chunkRows, int naiveBatch) {
        this.engine = engine;
        this.model = model;
        this.runner = new BatchRunner(model, budget);
        this.budget = runner.budget();
        this.chunkRows = chunkRows;
        this.naiveBatch = naiveBatch;
    }

    /** One pass over {@code texts} with {@code layout.tasks()} threads of {@code pool}. */
    Sample run(List<String> texts, Layout layout, Batching batching, ExecutorService pool) {
        List<List<String>> shares = split(texts, layout.tasks());
        long start = System.nanoTime();
        List<Future<Partial>> futures = new ArrayList<>();
        for (List<String> share : shares) {
            futures.add(pool.submit(() -> runShare(share, layout.threads(), batching)));
        }
        List<Partial> partials = new ArrayList<>();
        for (Future<Partial> f : futures) {
            try {
                partials.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Cannot finish the engine bench: interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Cannot finish the engine bench: " + e.getCause(), e.getCause());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Sample(seconds, partials.stream().mapToDouble(Partial::tokenizeSeconds).sum(),
                partials.stream().mapToDouble(Partial::encodeSeconds).sum(),
                partials.stream().mapToLong(Partial::rows).sum(), partials.stream().mapToLong(Partial::tokens).sum(),
                partials.stream().mapToLong(Partial::paddedTokens).sum(),
                partials.stream().mapToDouble(Partial::flops).sum());
    }

    private Partial runShare(List<String> texts, int threads, Batching batching) {
        if (engine == BenchEngine.PYTORCH) {
            setThreads(threads);
        }
        long t0 = System.nanoTime();
        List<TokenizedText> tokens = new ArrayList<>(texts.size());
        for (String text : texts) {
            tokens.add(model.tokenizer().encode(text));
        }
        long t1 = System.nanoTime();
        if (batching == Batching.SORTED) {
            List<String> noErrors = Collections.nCopies(tokens.size(), null);
            for (int from = 0; from < tokens.size(); from += chunkRows) {
                int to = Math.min(tokens.size(), from + chunkRows);
                List<RowResult<float[]>> results = runner.runTokenized(tokens.subList(from, to),
                        noErrors.subList(from, to), Tasks.embeddings());
                for (RowResult<float[]> r : results) {
                    if (r.error() != null) {
                        throw new IllegalStateException("Cannot bench the engine: a row failed: " + r.error());
                    }
                }
            }
        } else {
            for (int from = 0; from < tokens.size(); from += naiveBatch) {
                List<TokenizedText> batch = tokens.subList(from, Math.min(tokens.size(), from + naiveBatch));
                if (runner.runBatch(batch, Tasks.embeddings()).size() != batch.size()) {
                    throw new IllegalStateException("Cannot bench the engine: a batch lost rows");
                }
            }
        }
        long t2 = System.nanoTime();
        long realTokens = 0;
        long padded = 0;
        double flops = 0;
        for (int[] shape : batchShapes(tokens, batching)) {
            padded += (long) shape[0] * shape[1];
            flops += flops(model.encoder().config(), shape[0], shape[1]);
        }
        for (TokenizedText t : tokens) {
            realTokens += t.length();
        }
        return new Partial((t1 - t0) / 1e9, (t2 - t1) / 1e9, texts.size(), realTokens, padded, flops);
    }

    /** Sets PyTorch's intra-op threads for the calling thread (OpenMP keeps the count per thread) and checks it. */
    static void setThreads(int threads) {
        JniUtils.setNumThreads(threads);
        int actual = JniUtils.getNumThreads();
        if (actual != threads) {
            throw new IllegalStateException("Cannot bench with " + threads + " intra-op threads: PyTorch reports "
                    + actual);
        }
    }

    /** [rows, padded width] of every batch the pass runs, computed the way the runner cuts them. */
    private List<int[]> batchShapes(List<TokenizedText> tokens, Batching batching) {
        List<int[]> shapes = new ArrayList<>();
        if (batching == Batching.SORTED) {
            for (int from = 0; from < tokens.size(); from += chunkRows) {
                int to = Math.min(tokens.size(), from + chunkRows);
                int[] lengths = tokens.subList(from, to).stream().mapToInt(TokenizedText::length).toArray();
                for (int[] batch : LengthBatcher.batches(lengths, budget)) {
                    int width = 0;
                    for (int j : batch) {
                        width = Math.max(width, lengths[j]);
                    }
                    shapes.add(new int[] {batch.length, width});
                }
            }
        } else {
            for (int from = 0; from < tokens.size(); from += naiveBatch) {
                int to = Math.min(tokens.size(), from + naiveBatch);
                int width = tokens.subList(from, to).stream().mapToInt(TokenizedText::length).max().orElse(0);
                shapes.add(new int[] {to - from, width});
            }
        }
        return shapes;
    }

    /**
     * Matmul FLOPs of one padded batch of {@code b} rows of {@code l} tokens: per layer, the Q/K/V, attention-output
     * and two feed-forward projections, 2 * tokens * (3H*H + H*H + 2*H*FFN), plus scores and context,
     * 2 * 2 * B * heads * L * L * headSize; plus the embedding projection where the model has one. Element-wise work
     * (softmax, LayerNorm, GELU) and pooling are left out.
     */
    static double flops(ModelConfig c, int b, int l) {
        double tokens = (double) b * l;
        double h = c.hiddenSize();
        double perLayer = 2 * tokens * (3 * h * h + h * h + 2 * h * c.intermediateSize())
                + 2.0 * 2 * b * c.numHeads() * (double) l * l * c.headSize();
        double total = c.numLayers() * perLayer;
        if (c.embeddingSize() != c.hiddenSize()) {
            total += 2 * tokens * c.embeddingSize() * h;
        }
        return total;
    }

    /** {@code parts} contiguous shares of {@code texts}, as Spark partitions of a file would be. */
    static <T> List<List<T>> split(List<T> texts, int parts) {
        List<List<T>> out = new ArrayList<>();
        int n = texts.size();
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) n * p / parts);
            int to = (int) ((long) n * (p + 1) / parts);
            out.add(texts.subList(from, to));
        }
        return out;
    }
}
