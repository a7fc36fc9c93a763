package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.CpuFlags;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.encoder.TorchMatmulPrecision;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Section 5: the measured ceilings, the best matrix product any engine on the class path reaches: DJL/PyTorch fp32
 * (at the bench's layouts), ONNX Runtime fp32 (one session of 1 thread, and N sessions x 1 thread), only on a CPU
 * with avx512_bf16 or amx_bf16 PyTorch bf16 (fp32 tensors, oneDNN products on bf16 inputs, as model.precision=bf16
 * runs them) and ONNX Runtime bf16, and, when {@code bench.precisions} has int8, ONNX Runtime int8
 * (DynamicQuantizeMatMul, as our engine runs the encoder at model.precision=int8) on the same shapes and layouts as
 * fp32. The ceiling is per precision: at N cores, fp32 and bf16 figures are measured against the best fp32 or bf16
 * median at N cores, int8 figures against the best int8 median.
 */
final class RooflinePart {

    private final BenchContext ctx;

    RooflinePart(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run(List<BenchModel> models) {
        boolean int8 = ctx.s.precisions().contains(Precision.INT8);
        Table t = ctx.r.add(new Table(Labels.ROOFLINE, "5. Matmul ceiling (best GEMM of every engine)",
                "GFLOP/s (2*M*K*N per product) of matrix products, each repeated for at least "
                        + RooflineBench.MIN_SECONDS + " s per run: DJL/PyTorch (the feed-forward shape as the"
                        + " encoder runs it, Linear with weight [N, K]; PyTorch bf16 is the same fp32 product with"
                        + " PyTorch's matmul precision at medium, so that oneDNN rounds its inputs to bf16 and sums in"
                        + " fp32 on the CPU's bf16 units, as model.precision=bf16 runs; PyTorch leaves a 2-D linear"
                        + " with a bias, as here, to its fp32 kernel, where the encoder's 3-D [B, L, H] input reaches"
                        + " oneDNN) and ONNX Runtime through its Java API (a"
                        + " one-MatMul ONNX graph written in memory, B a constant as a model's weights are; 'N tasks"
                        + " x 1 thread' is N sessions of one intra-op thread, one per caller thread)."
                        + (int8 ? " ONNX Runtime int8 is one DynamicQuantizeMatMul node (domain com.microsoft), as"
                        + " our engine runs the encoder's linear layers at model.precision=int8: B int8 with one"
                        + " scale per column, A quantized to uint8 by ONNX Runtime on every call (counted in the"
                        + " time); its rate, 2*M*K*N integer multiply-adds per product, is GOP/s." : "")
                        + (int8 ? " The ceiling at N cores is per precision: '% of ceiling' elsewhere divides fp32"
                        + " and bf16 figures by the best fp32 or bf16 GFLOP/s of every engine at N cores, int8"
                        + " figures by the best int8 GOP/s at N cores." : " The ceiling at N cores is the best of every engine and"
                        + " precision at N cores; '% of ceiling' elsewhere divides by it."),
                List.of("engine", "operation", "shape", "layout"),
                int8 ? List.of(Labels.GFLOPS, Labels.GOPS) : List.of(Labels.GFLOPS)));
        MemoryProbe.resetPeak();
        List<RooflineBench.Product> products = RooflineBench.products(models.stream().map(BenchModel::config).toList());
        for (Layout layout : ctx.layouts) {
            measure(t, Labels.PYTORCH_FP32, products, layout, Precision.FP32,
                    (p, pool) -> RooflineBench.run(p, layout, pool));
        }
        CpuFlags flags = CpuFlags.ofThisMachine();
        if (flags.bf16()) {
            try (TorchMatmulPrecision.Scope bf16 = TorchMatmulPrecision.enter(Precision.BF16)) {
                for (Layout layout : ctx.layouts) {
                    measure(t, Labels.PYTORCH_BF16, products, layout, Precision.FP32,
                            (p, pool) -> RooflineBench.run(p, layout, pool));
                }
            } catch (IllegalStateException e) {
                t.notes.add("PyTorch bf16 did not run: " + e.getMessage());
            }
        }
        if (!OrtPeerPart.available()) {
            t.notes.add("No ONNX Runtime figures: ONNX Runtime is not on the class path (run the bench through"
                    + " ./spark-encoders).");
        } else {
            List<RooflineBench.Product> matMuls = products.stream().map(p -> new RooflineBench.Product("MatMul",
                    p.m(), p.k(), p.n(), false)).toList();
            for (Layout layout : ortLayouts()) {
                measure(t, Labels.ORT_FP32, matMuls, layout, Precision.FP32,
                        (p, pool) -> OrtRoofline.run(p, layout, MatMulGraph.Precision.FP32, pool));
            }
            if (flags.bf16()) {
                for (Layout layout : ortLayouts()) {
                    try {
                        measure(t, Labels.ORT_BF16, matMuls, layout, Precision.FP32,
                                (p, pool) -> OrtRoofline.run(p, layout, MatMulGraph.Precision.BF16, pool));
                    } catch (RuntimeException e) {
                        t.notes.add("bf16 through ONNX Runtime did not run (" + layout.label() + "): "
                                + e.getMessage());
                        break;
                    }
                }
            } else {
                t.notes.add("bf16: not available on this CPU (no avx512_bf16 or amx_bf16 flag).");
            }
            if (int8) {
                List<RooflineBench.Product> quantized = int8Products(matMuls);
                for (Layout layout : ortLayouts()) {
                    try {
                        measure(t, Labels.ORT_INT8, quantized, layout, Precision.INT8,
                                (p, pool) -> OrtRoofline.run(p, layout, MatMulGraph.Precision.INT8, pool));
                    } catch (RuntimeException e) {
                        t.notes.add("int8 through ONNX Runtime did not run (" + layout.label() + "): "
                                + e.getMessage());
                        break;
                    }
                }
            }
        }
        ctx.notePeak("roofline");
    }

    /** The fp32 MatMul products as DynamicQuantizeMatMul: the same shapes. */
    static List<RooflineBench.Product> int8Products(List<RooflineBench.Product> matMuls) {
        return matMuls.stream().map(p -> new RooflineBench.Product("DynamicQuantizeMatMul", p.m(), p.k(), p.n(),
                false)).toList();
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

    /** Measures every product at {@code layout}, raising the ceiling of the figures at {@code ceiling}. */
    private void measure(Table t, String engine, List<RooflineBench.Product> products, Layout layout,
                         Precision ceiling, Rate rate) {
        String metric = ceiling == Precision.INT8 ? Labels.GOPS : Labels.GFLOPS;
        ExecutorService pool = BenchContext.pool(layout.tasks());
        try {
            for (RooflineBench.Product p : products) {
                List<Double> rates = ctx.repeat(engine + " " + p.shape() + ", " + layout.label(),
                        () -> rate.of(p, pool), g -> Stats.number(g) + " " + metric);
                Stats stats = Stats.of(rates);
                t.add(List.of(engine, p.operation(), p.shape(), layout.label()), Map.of(metric, stats),
                        layout.cores());
                ctx.r.raiseCeiling(ceiling, layout.cores(), stats.median());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
