package dev.sparkencoders.jobs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Section 5: the measured ceiling, the best matrix product any engine on the class path reaches: DJL/PyTorch fp32
 * (at the bench's layouts), ONNX Runtime fp32 (one session of 1 thread, and N sessions x 1 thread) and, only on a
 * CPU with avx512_bf16 or amx_bf16, ONNX Runtime bf16 (PyTorch bf16 through DJL 0.36 aborts the JVM, so it is
 * never tried). The ceiling at N cores is the best median at N cores.
 */
final class RooflinePart {

    private final BenchContext ctx;

    RooflinePart(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run(List<BenchModel> models) {
        Table t = ctx.r.add(new Table(Labels.ROOFLINE, "5. Matmul ceiling (best GEMM of every engine)",
                "GFLOP/s (2*M*K*N per product) of matrix products, each repeated for at least "
                        + RooflineBench.MIN_SECONDS + " s per run: DJL/PyTorch (the feed-forward shape as the"
                        + " encoder runs it, Linear with weight [N, K]) and ONNX Runtime through its Java API (a"
                        + " one-MatMul ONNX graph written in memory, B a constant as a model's weights are; 'N tasks"
                        + " x 1 thread' is N sessions of one intra-op thread, one per caller thread). The"
                        + " ceiling at N cores is the best of every engine and precision at N cores; '% of ceiling'"
                        + " elsewhere divides by it.",
                List.of("engine", "operation", "shape", "layout"), List.of(Labels.GFLOPS)));
        MemoryProbe.resetPeak();
        List<RooflineBench.Product> products = RooflineBench.products(models.stream().map(BenchModel::config).toList());
        for (Layout layout : ctx.layouts) {
            measure(t, Labels.PYTORCH_FP32, products, layout, (p, pool) -> RooflineBench.run(p, layout, pool));
        }
        if (!OrtPeerPart.available()) {
            t.notes.add("No ONNX Runtime figures: ONNX Runtime is not on the class path (run the bench through"
                    + " ./spark-encoders).");
        } else {
            List<RooflineBench.Product> matMuls = products.stream().map(p -> new RooflineBench.Product("MatMul",
                    p.m(), p.k(), p.n(), false)).toList();
            for (Layout layout : ortLayouts()) {
                measure(t, Labels.ORT_FP32, matMuls, layout,
                        (p, pool) -> OrtRoofline.run(p, layout, MatMulGraph.Precision.FP32, pool));
            }
            CpuFlags flags = Machine.cpuFlags();
            if (flags.bf16()) {
                for (Layout layout : ortLayouts()) {
                    try {
                        measure(t, Labels.ORT_BF16, matMuls, layout,
                                (p, pool) -> OrtRoofline.run(p, layout, MatMulGraph.Precision.BF16, pool));
                    } catch (RuntimeException e) {
                        t.notes.add("bf16 through ONNX Runtime did not run (" + layout.label() + "): "
                                + e.getMessage());
                        break;
                    }
                }
            } else {
                t.notes.add("bf16: not available on this CPU (no avx512_bf16 or amx_bf16 flag). PyTorch bf16 through"
                        + " DJL 0.36 is never tried: it aborts the JVM.");
            }
        }
        ctx.notePeak("roofline");
    }

    /** ONNX Runtime's layouts: one session of one thread, and one single-thread session per core. */
    List<Layout> ortLayouts() {
        List<Layout> out = new ArrayList<>(List.of(new Layout(1, 1)));
        if (ctx.cores > 1) {
            out.add(new Layout(ctx.cores, 1));
        }
        return out;
    }

    private interface Rate {
        double of(RooflineBench.Product p, ExecutorService pool);
    }

    private void measure(Table t, String engine, List<RooflineBench.Product> products, Layout layout, Rate rate) {
        ExecutorService pool = BenchContext.pool(layout.tasks());
        try {
            for (RooflineBench.Product p : products) {
                List<Double> rates = ctx.repeat(engine + " " + p.shape() + ", " + layout.label(),
                        () -> rate.of(p, pool), g -> Stats.number(g) + " GFLOP/s");
                Stats stats = Stats.of(rates);
                t.add(List.of(engine, p.operation(), p.shape(), layout.label()), Map.of(Labels.GFLOPS, stats),
                        layout.cores());
                ctx.r.roofline.merge(layout.cores(), stats.median(), Math::max);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
