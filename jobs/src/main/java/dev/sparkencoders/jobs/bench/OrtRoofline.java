package dev.sparkencoders.jobs.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Matrix products through ONNX Runtime's Java API: the {@link MatMulGraph} of a product (MatMul in fp32 or bf16,
 * DynamicQuantizeMatMul in int8), one session per task with {@code layout.threads()} intra-op threads, repeated for
 * at least {@link RooflineBench#MIN_SECONDS}; parallel tasks' rates add up, as in {@link RooflineBench}. Rates are
 * 2*M*K*N operations per second: GFLOP/s in fp32 and bf16, GOP/s in int8.
 */
final class OrtRoofline {

    private OrtRoofline() {}

    /** G(FL)OP/s of {@code p} as A [m, k] x B [k, n] over {@code layout}, the sessions' rates summed. */
    static double run(RooflineBench.Product p, Layout layout, MatMulGraph.Precision precision, ExecutorService pool) {
        byte[] model = MatMulGraph.model((int) p.m(), (int) p.k(), (int) p.n(), precision,
                random((int) (p.k() * p.n()), 2));
        List<Future<Double>> futures = new ArrayList<>();
        for (int t = 0; t < layout.tasks(); t++) {
            futures.add(pool.submit(() -> rate(p, model, layout.threads(), precision)));
        }
        double total = 0;
        for (Future<Double> f : futures) {
            try {
                total += f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Cannot finish the ONNX Runtime roofline: interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Cannot finish the ONNX Runtime roofline: " + e.getCause().getMessage(),
                        e.getCause());
            }
        }
        return total;
    }

    /**
     * A [m, k] x B [k, n] computed once by ONNX Runtime on one thread, row-major; bf16 results widened to float, int8
     * the float result of DynamicQuantizeMatMul over B quantized per column.
     */
    static float[] multiply(float[] a, int m, int k, float[] b, int n, MatMulGraph.Precision precision) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = session(MatMulGraph.model(m, k, n, precision, b), 1);
             OnnxTensor input = tensor(env, a, new long[] {m, k}, precision);
             OrtSession.Result result = session.run(Map.of(MatMulGraph.INPUT, input))) {
            OnnxTensor y = (OnnxTensor) result.get(0);
            float[] out = new float[m * n];
            if (precision != MatMulGraph.Precision.BF16) {
                y.getFloatBuffer().get(out);
            } else {
                ByteBuffer bytes = y.getByteBuffer().order(ByteOrder.nativeOrder());
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((bytes.getShort(2 * i) & 0xFFFF) << 16);
                }
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot multiply through ONNX Runtime: " + e.getMessage(), e);
        }
    }

    private static double rate(RooflineBench.Product p, byte[] model, int threads, MatMulGraph.Precision precision) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = session(model, threads);
             OnnxTensor input = tensor(env, random((int) (p.m() * p.k()), 1), new long[] {p.m(), p.k()}, precision)) {
            Map<String, OnnxTensor> inputs = Map.of(MatMulGraph.INPUT, input);
            session.run(inputs).close();
            long iterations = 0;
            long start = System.nanoTime();
            double elapsed;
            do {
                session.run(inputs).close();
                iterations++;
                elapsed = (System.nanoTime() - start) / 1e9;
            } while (elapsed < RooflineBench.MIN_SECONDS || iterations < 3);
            return p.flops() * iterations / elapsed / 1e9;
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot run the " + precision.label + " MatMul " + p.shape()
                    + " through ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /** A session of {@code model} with {@code threads} intra-op threads, one inter-op thread, all optimisations. */
    static OrtSession session(byte[] model, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return OrtEnvironment.getEnvironment().createSession(model, options);
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, float[] values, long[] shape, MatMulGraph.Precision precision)
            throws OrtException {
        if (precision != MatMulGraph.Precision.BF16) {
            return OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
        }
        ByteBuffer bytes = ByteBuffer.allocateDirect(values.length * 2).order(ByteOrder.nativeOrder());
        for (float v : values) {
            bytes.putShort(MatMulGraph.bf16(v));
        }
        bytes.rewind();
        return OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.BFLOAT16);
    }

    private static float[] random(int n, long seed) {
        Random random = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextFloat() * 2 - 1;
        }
        return out;
    }
}
