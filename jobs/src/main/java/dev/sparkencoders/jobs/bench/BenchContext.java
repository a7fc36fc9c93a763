package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.Precision;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * What every measuring part shares: the settings, the results being filled, the cores, the layouts, the memory table
 * and the way a figure is measured (one warm-up, then {@code bench.runs} runs).
 */
final class BenchContext {

    final BenchSettings s;
    final Results r;
    final int cores = Runtime.getRuntime().availableProcessors();
    final List<Layout> layouts;
    final Table memory;

    BenchContext(BenchSettings settings, Results results) {
        this.s = settings;
        this.r = results;
        this.layouts = Layout.of(settings.threads(), settings.parallelTasks());
        this.memory = new Table(Labels.MEMORY, "6. Peak resident memory",
                "Peak resident set (VmHWM). Bench-process rows are each part's own peak where the kernel allows"
                        + " resetting it (else the process's running peak); child rows are the embed job's whole JVM.",
                List.of("process", "what"), List.of(Labels.PEAK));
    }

    /** The most cores any measured layout uses. */
    int widest() {
        return layouts.stream().mapToInt(Layout::cores).max().orElse(1);
    }

    /**
     * The measured ceiling of figures at {@code precision} on {@code onCores} cores (fp32: the best fp32 or bf16
     * GFLOP/s of any engine; int8: the best int8 GOP/s), or null.
     */
    Double ceiling(Precision precision, int onCores) {
        return r.ceiling(precision, onCores);
    }

    /** Adds this process's peak RSS since the last reset to the memory table. */
    void notePeak(String what) {
        memory.add(List.of("bench", what), java.util.Map.of(Labels.PEAK, Stats.single(MemoryProbe.peakKb() / 1024.0)));
    }

    /** One warm-up, then {@code s.runs()} measured runs. */
    <T> List<T> repeat(String what, Supplier<T> once, Function<T, String> describe) {
        T warm = once.get();
        Benchmark.log(what + ": warm-up: " + describe.apply(warm));
        List<T> out = new ArrayList<>();
        for (int i = 1; i <= s.runs(); i++) {
            T t = once.get();
            out.add(t);
            Benchmark.log(what + ": run " + i + "/" + s.runs() + ": " + describe.apply(t));
        }
        return out;
    }

    static <T> Stats of(List<T> samples, ToDoubleFunction<T> f) {
        return Stats.of(samples.stream().map(x -> f.applyAsDouble(x)).toList());
    }

    static ExecutorService pool(int threads) {
        return Executors.newFixedThreadPool(threads, runnable -> {
            Thread t = new Thread(runnable, "bench-task");
            t.setDaemon(true);
            return t;
        });
    }
}
