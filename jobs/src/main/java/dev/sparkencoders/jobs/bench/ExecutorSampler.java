package dev.sparkencoders.jobs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resident set (VmRSS) and CPU time of every Spark executor JVM under a child process, sampled at most once per
 * {@code intervalMs}: on a {@code local-cluster[...]} master the driver's in-process Worker starts each executor
 * as a child JVM ({@code CoarseGrainedExecutorBackend}), so executors are found among the child's descendants.
 *
 * <pre>{@code
 * ExecutorSampler sampler = new ExecutorSampler(1000);
 * sampler.sample(child.toHandle());    // call it often; it reads /proc at most once a second
 * sampler.byExecutor();                                   // pid -> samples in time order
 * }</pre>
 */
final class ExecutorSampler {

    /** One reading: when (epoch ms), the executor's resident set in kB and the CPU seconds it has used so far. */
    record Sample(long epochMs, long rssKb, double cpuSeconds) {}

    /** The kernel's clock ticks per second in {@code /proc/<pid>/stat} (USER_HZ, 100 on Linux x86 and arm). */
    static final double TICKS_PER_SECOND = 100;

    static final String EXECUTOR_CLASS = "CoarseGrainedExecutorBackend";

    private final long intervalMs;
    private final Map<Long, List<Sample>> samples = new LinkedHashMap<>();
    private final Map<Long, String> ids = new LinkedHashMap<>();
    private long last = Long.MIN_VALUE;

    ExecutorSampler(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    /** Reads every executor's VmRSS under {@code child} unless the last reading is less than the interval ago. */
    void sample(ProcessHandle child) {
        long now = System.currentTimeMillis();
        if (last != Long.MIN_VALUE && now - last < intervalMs) {
            return;
        }
        last = now;
        child.descendants().forEach(p -> {
            String id = ids.computeIfAbsent(p.pid(), x -> readExecutorId(x).orElse(null));
            if (id == null) {
                return;
            }
            long kb = MemoryProbe.residentKb(p.pid());
            double cpu = cpuSeconds(p.pid());
            if (kb > 0 && cpu >= 0) {
                samples.computeIfAbsent(p.pid(), x -> new ArrayList<>()).add(new Sample(now, kb, cpu));
            }
        });
    }

    /**
     * Spark's id of the executor running as process {@code pid} (the argument after {@code --executor-id}), or empty
     * when {@code pid} is not an executor. Read from {@code /proc/<pid>/cmdline} itself:
     * {@link ProcessHandle.Info#commandLine()} stops at 4,096 characters, before the class name of an executor whose
     * class path runs to tens of kilobytes.
     */
    private static Optional<String> readExecutorId(long pid) {
        try {
            byte[] line = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            return executorId(new String(line, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The argument after {@code --executor-id} of an executor's command line, or empty when it is not one. */
    static Optional<String> executorId(String[] args) {
        if (Arrays.stream(args).noneMatch(a -> a.contains(EXECUTOR_CLASS))) {
            return Optional.empty();
        }
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--executor-id")) {
                return Optional.of(args[i + 1]);
            }
        }
        return Optional.of("?");
    }

    /** User plus system CPU seconds of process {@code pid} ({@code /proc/<pid>/stat}), or -1 once it is gone. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU seconds every executor used between {@code fromMs} and {@code toMs}: for each, its last reading at or
     * before {@code toMs} less its last at or before {@code fromMs} (0 when it started after {@code fromMs}).
     */
    double cpuSeconds(long fromMs, long toMs) {
        double total = 0;
        for (List<Sample> executor : samples.values()) {
            total += cpuAt(executor, toMs) - cpuAt(executor, fromMs);
        }
        return total;
    }

    private static double cpuAt(List<Sample> executor, long epochMs) {
        double cpu = 0;
        for (Sample s : executor) {
            if (s.epochMs() <= epochMs) {
                cpu = s.cpuSeconds();
            }
        }
        return cpu;
    }

    /** Every executor seen, by process id in order of appearance, with its samples in time order. */
    Map<Long, List<Sample>> byExecutor() {
        return samples;
    }

    /** Spark's executor id of process {@code pid} ("?" when its command line named none). */
    String idOf(long pid) {
        return ids.getOrDefault(pid, "?");
    }

    /** The largest reading of {@code executor} within {@code [fromMs, toMs]} (epoch ms), or empty when none is. */
    static Optional<Long> peakKb(List<Sample> executor, long fromMs, long toMs) {
        return executor.stream().filter(x -> x.epochMs() >= fromMs && x.epochMs() <= toMs)
                .map(Sample::rssKb).max(Long::compare);
    }
}
