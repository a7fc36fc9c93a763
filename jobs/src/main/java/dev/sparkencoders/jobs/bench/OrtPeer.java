package dev.sparkencoders.jobs.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sparkencoders.encoder.Engine;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.text.LengthBatcher;
import dev.sparkencoders.text.TextTokenizer;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TokenizedText;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * The second peer: ONNX Runtime at its best, through its own Java API, on the same ONNX file langchain4j ships
 * (all-MiniLM-L6-v2), fed by our tokenizer with the same inputs as our engine. Each task tokenizes its contiguous
 * share (timed, as in {@link EngineBench}), cuts it into padded batches ({@link Batching}), runs them through its
 * own session and mean-pools and L2-normalises the last hidden state over the attention mask, which is what our
 * engine returns for this model. {@code layout.tasks()} sessions with {@code layout.threads()} intra-op threads
 * each: N sessions x 1 thread (one per caller thread) or 1 session x N threads.
 */
final class OrtPeer implements AutoCloseable {

    /**
     * How a share of texts becomes ONNX Runtime calls: length-sorted batches of {@code rows} rows (1: one text per
     * call), or, with a {@code budget}, our engine's own batches (chunks of {@code chunkRows} rows sorted by length
     * and cut by the token budget).
     */
    record Batching(String label, int rows, TokenBudget budget, int chunkRows) {

        static Batching fixed(int rows) {
            return new Batching(rows == 1 ? "one per call" : "length-sorted batches of " + rows, rows, null, 0);
        }

        /** The batches our engine cuts on ONNX Runtime at {@code precision} with {@code settings}' budget. */
        static Batching engineBudget(TokenBudget settings, Precision precision, int chunkRows) {
            TokenBudget budget = settings.resolve(Engine.ONNXRUNTIME.batchTokens(precision));
            return new Batching("engine's batches (" + budget.maxTokens() + " tokens, " + budget.maxRows() + " rows)",
                    0, budget, chunkRows);
        }

        /** The batches of row indices for rows of these lengths. */
        List<int[]> batches(int[] lengths) {
            List<int[]> out = new ArrayList<>();
            if (budget != null) {
                for (int from = 0; from < lengths.length; from += chunkRows) {
                    int offset = from;
                    int[] chunk = Arrays.copyOfRange(lengths, from, Math.min(lengths.length, from + chunkRows));
                    for (int[] batch : LengthBatcher.batches(chunk, budget)) {
                        out.add(Arrays.stream(batch).map(i -> i + offset).toArray());
                    }
                }
                return out;
            }
            int[] order = IntStream.range(0, lengths.length).boxed()
                    .sorted(Comparator.comparingInt(i -> lengths[i])).mapToInt(Integer::intValue).toArray();
            for (int from = 0; from < order.length; from += rows) {
                out.add(Arrays.copyOfRange(order, from, Math.min(order.length, from + rows)));
            }
            return out;
        }
    }

    private record Partial(double tokenizeSeconds, double encodeSeconds, long rows, long tokens, long paddedTokens,
                           double flops) {}

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final List<OrtSession> sessions;
    private final Layout layout;
    private final TextTokenizer tokenizer;
    private final ModelConfig config;

    private OrtPeer(List<OrtSession> sessions, Layout layout, TextTokenizer tokenizer, ModelConfig config) {
        this.sessions = sessions;
        this.layout = layout;
        this.tokenizer = tokenizer;
        this.config = config;
    }

    /** {@code layout.tasks()} sessions of {@code onnx}, each with {@code layout.threads()} intra-op threads. */
    static OrtPeer open(byte[] onnx, TextTokenizer tokenizer, ModelConfig config, Layout layout) {
        List<OrtSession> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < layout.tasks(); i++) {
                sessions.add(OrtRoofline.session(onnx, layout.threads()));
            }
        } catch (OrtException e) {
            sessions.forEach(OrtPeer::closeQuietly);
            throw new IllegalStateException("Cannot start the ONNX Runtime peer: " + e.getMessage(), e);
        }
        return new OrtPeer(sessions, layout, tokenizer, config);
    }

    /** One timed pass over {@code texts}, task i on session i. */
    EngineBench.Sample run(List<String> texts, Batching batching, ExecutorService pool) {
        List<List<String>> shares = EngineBench.split(texts, layout.tasks());
        long start = System.nanoTime();
        List<Future<Partial>> futures = new ArrayList<>();
        for (int i = 0; i < shares.size(); i++) {
            OrtSession session = sessions.get(i);
            List<String> share = shares.get(i);
            futures.add(pool.submit(() -> runShare(session, share, batching, null)));
        }
        List<Partial> partials = new ArrayList<>();
        for (Future<Partial> f : futures) {
            try {
                partials.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Cannot finish the ONNX Runtime peer: interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Cannot finish the ONNX Runtime peer: " + e.getCause().getMessage(),
                        e.getCause());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new EngineBench.Sample(seconds, partials.stream().mapToDouble(Partial::tokenizeSeconds).sum(),
                partials.stream().mapToDouble(Partial::encodeSeconds).sum(),
                partials.stream().mapToLong(Partial::rows).sum(), partials.stream().mapToLong(Partial::tokens).sum(),
                partials.stream().mapToLong(Partial::paddedTokens).sum(),
                partials.stream().mapToDouble(Partial::flops).sum());
    }

    /** The peer's embeddings of {@code texts} (first session, calling thread), in input order. */
    List<float[]> embed(List<String> texts, Batching batching) {
        float[][] out = new float[texts.size()][];
        runShare(sessions.get(0), texts, batching, out);
        return Arrays.asList(out);
    }

    private Partial runShare(OrtSession session, List<String> texts, Batching batching, float[][] out) {
        long t0 = System.nanoTime();
        List<TokenizedText> tokens = new ArrayList<>(texts.size());
        for (String text : texts) {
            tokens.add(tokenizer.encode(text));
        }
        long t1 = System.nanoTime();
        int[] lengths = tokens.stream().mapToInt(TokenizedText::length).toArray();
        long padded = 0;
        double flops = 0;
        for (int[] batch : batching.batches(lengths)) {
            int width = Arrays.stream(batch).map(i -> lengths[i]).max().orElse(0);
            float[][] vectors = encode(session, batch, tokens, width);
            if (out != null) {
                for (int j = 0; j < batch.length; j++) {
                    out[batch[j]] = vectors[j];
                }
            }
            padded += (long) batch.length * width;
            flops += EngineBench.flops(config, batch.length, width);
        }
        long t2 = System.nanoTime();
        return new Partial((t1 - t0) / 1e9, (t2 - t1) / 1e9, texts.size(), Arrays.stream(lengths).asLongStream().sum(),
                padded, flops);
    }

    /** Runs one padded batch and returns its rows' mean-pooled, L2-normalised last hidden states. */
    private float[][] encode(OrtSession session, int[] batch, List<TokenizedText> tokens, int width) {
        int b = batch.length;
        long[] ids = new long[b * width];
        long[] types = new long[b * width];
        long[] mask = new long[b * width];
        for (int j = 0; j < b; j++) {
            TokenizedText t = tokens.get(batch[j]);
            System.arraycopy(t.ids(), 0, ids, j * width, t.length());
            System.arraycopy(t.typeIds(), 0, types, j * width, t.length());
            Arrays.fill(mask, j * width, j * width + t.length(), 1L);
        }
        long[] shape = {b, width};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (String name : session.getInputNames()) {
                long[] values = switch (name) {
                    case "input_ids" -> ids;
                    case "attention_mask" -> mask;
                    case "token_type_ids" -> types;
                    default -> throw new IllegalStateException("Cannot feed the ONNX Runtime peer: unknown input "
                            + name + " (expected input_ids, attention_mask, token_type_ids)");
                };
                inputs.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                return meanPool(hidden, mask, b, width, config.hiddenSize());
            }
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot run the ONNX Runtime peer on a batch of " + b + " x " + width
                    + " tokens: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Mean over the unmasked positions of [b, width, hidden] hidden states, then L2 normalisation. */
    static float[][] meanPool(FloatBuffer hidden, long[] mask, int b, int width, int size) {
        float[][] out = new float[b][size];
        for (int j = 0; j < b; j++) {
            double[] sum = new double[size];
            int count = 0;
            for (int p = 0; p < width; p++) {
                if (mask[j * width + p] == 0) {
                    continue;
                }
                count++;
                int base = (j * width + p) * size;
                for (int d = 0; d < size; d++) {
                    sum[d] += hidden.get(base + d);
                }
            }
            double norm = 0;
            for (int d = 0; d < size; d++) {
                sum[d] /= Math.max(1, count);
                norm += sum[d] * sum[d];
            }
            double scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
            for (int d = 0; d < size; d++) {
                out[j][d] = (float) (sum[d] * scale);
            }
        }
        return out;
    }

    @Override
    public void close() {
        sessions.forEach(OrtPeer::closeQuietly);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            Benchmark.log("could not close an ONNX Runtime session: " + e.getMessage());
        }
    }
}
