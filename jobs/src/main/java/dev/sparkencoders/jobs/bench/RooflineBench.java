package dev.sparkencoders.jobs.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.sparkencoders.model.ModelConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * PyTorch's share of the matmul ceiling ({@link RooflinePart}), fp32 through DJL: a square 1024^3 matmul and the
 * encoders' own feed-forward projection ({@code Linear.linear}, [B*L, H] x [4H, H]^T with B*L = 4096, as the encoder runs it),
 * in GFLOP/s (2*M*K*N per product). Each task sets its intra-op threads and repeats the product for at least
 * {@link #MIN_SECONDS}; parallel tasks' rates add up.
 */
final class RooflineBench {

    static final double MIN_SECONDS = 0.3;
    static final long ROWS = 4096;

    /** A product of [m, k] by [k, n]; {@code linear} runs it as the encoder's dense layers do (weight [n, k]). */
    record Product(String operation, long m, long k, long n, boolean linear) {

        String shape() {
            return linear ? String.format(Locale.ROOT, "[%d, %d] x [%d, %d]^T", m, k, n, k)
                    : String.format(Locale.ROOT, "[%d, %d] x [%d, %d]", m, k, k, n);
        }

        double flops() {
            return 2.0 * m * k * n;
        }
    }

    private RooflineBench() {}

    /** The square product and, per distinct (hidden, FFN) size of the models, their feed-forward input projection. */
    static List<Product> products(List<ModelConfig> models) {
        List<Product> out = new ArrayList<>();
        out.add(new Product("matMul", 1024, 1024, 1024, false));
        for (ModelConfig c : models) {
            Product p = new Product("linear (FFN in, H=" + c.hiddenSize() + ")", ROWS, c.hiddenSize(),
                    c.intermediateSize(), true);
            if (out.stream().noneMatch(q -> q.k() == p.k() && q.n() == p.n() && q.linear())) {
                out.add(p);
            }
        }
        return out;
    }

    /** GFLOP/s of {@code product} over {@code layout}, the tasks' rates summed. */
    static double run(Product product, Layout layout, ExecutorService pool) {
        List<Future<Double>> futures = new ArrayList<>();
        for (int t = 0; t < layout.tasks(); t++) {
            futures.add(pool.submit(() -> rate(product, layout.threads())));
        }
        double total = 0;
        for (Future<Double> f : futures) {
            try {
                total += f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Cannot finish the roofline: interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Cannot finish the roofline: " + e.getCause(), e.getCause());
            }
        }
        return total;
    }

    private static double rate(Product p, int threads) {
        EngineBench.setThreads(threads);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray a = manager.randomUniform(-1f, 1f, new Shape(p.m(), p.k()));
            NDArray b = p.linear() ? manager.randomUniform(-1f, 1f, new Shape(p.n(), p.k()))
                    : manager.randomUniform(-1f, 1f, new Shape(p.k(), p.n()));
            NDArray bias = p.linear() ? manager.zeros(new Shape(p.n())) : null;
            once(p, a, b, bias);
            long iterations = 0;
            long start = System.nanoTime();
            double elapsed;
            do {
                once(p, a, b, bias);
                iterations++;
                elapsed = (System.nanoTime() - start) / 1e9;
            } while (elapsed < MIN_SECONDS || iterations < 3);
            return p.flops() * iterations / elapsed / 1e9;
        }
    }

    private static void once(Product p, NDArray a, NDArray b, NDArray bias) {
        if (p.linear()) {
            try (NDList out = Linear.linear(a, b, bias)) {
                out.singletonOrThrow();
            }
        } else {
            try (NDArray out = a.matMul(b)) {
                out.getShape();
            }
        }
    }
}
