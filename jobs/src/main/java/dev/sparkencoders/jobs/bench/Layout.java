package dev.sparkencoders.jobs.bench;

import java.util.ArrayList;
import java.util.List;

/** How the work is spread over cores: {@code tasks} parallel callers, each with {@code threads} intra-op threads. */
record Layout(int tasks, int threads) {

    int cores() {
        return tasks * threads;
    }

    String label() {
        return tasks == 1 ? threads + (threads == 1 ? " thread" : " threads")
                : tasks + " tasks x " + threads + (threads == 1 ? " thread" : " threads");
    }

    /** One task per thread count, then {@code parallel} one-thread tasks when more than one. */
    static List<Layout> of(List<Integer> threads, int parallel) {
        List<Layout> out = new ArrayList<>();
        for (int t : threads) {
            out.add(new Layout(1, t));
        }
        if (parallel > 1) {
            out.add(new Layout(parallel, 1));
        }
        return out;
    }
}
