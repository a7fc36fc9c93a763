package dev.sparkencoders.jobs.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Sections 8 and 9: the embed job on a {@code local-cluster[N,1,2048]} master (N executor JVMs of one core each,
 * started by Spark's in-process Worker as a real cluster's workers start them), in child processes, on the first
 * engine of {@code bench.engines} at the first precision of {@code bench.precisions} it runs.
 * <ul>
 *   <li>scaling: one executor against two over {@code bench.scaling-rows} rows, alternating;</li>
 *   <li>soak: {@code bench.soak-rows} rows on two executors, each executor's resident set sampled every second,
 *       its tasks read back from Spark's event log.</li>
 * </ul>
 * Task figures come from the event log: 'task rows/s' is the rows the encoding tasks wrote over the time from the
 * first task's launch to the last one's end, which leaves out what does not depend on the executor count (JVM and
 * SparkSession start-up on the driver, executor JVM start, shutdown).
 */
final class ClusterPart {

    static final String WORKER_MB = "2048";
    static final String TASK_RPS = "task rows/s";
    static final String SCALING_RATIO = "÷ 1 executor";
    static final String CORES_BUSY = "executor cores busy";
    static final String RSS_FIRST = "RSS first 10% MiB";
    static final String RSS_LAST = "RSS last 10% MiB";
    static final String RSS_CHANGE = "RSS change %";
    static final String TASK_FIRST = "task rows/s, first 10%";
    static final String TASK_LAST = "task rows/s, last 10%";
    static final String FAILED = "failed tasks";
    static final String TASKS_ROW = "encoding tasks";
    static final String FIRST_TASK_DONE = "first task done %";
    /** Soak split size: about 50 tasks over a million short rows, so per-task rates show drift. */
    static final String SOAK_SPLIT_BYTES = "1048576";

    private final BenchContext ctx;

    ClusterPart(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run(List<String> sentences) {
        Path work;
        try {
            work = Files.createTempDirectory("spark-encoders-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a work folder for the cluster bench: " + e.getMessage(), e);
        }
        boolean keep = true;
        try {
            SparkBench spark = new SparkBench(ctx.s, work);
            if (ctx.s.has(Part.SCALING)) {
                scaling(spark, work, sentences);
            }
            if (ctx.s.has(Part.SOAK)) {
                soak(spark, work, sentences);
            }
            keep = false;
        } finally {
            if (keep) {
                Benchmark.log("kept the cluster bench's work folder for inspection: " + work);
            } else {
                SparkPart.delete(work);
            }
        }
    }

    static String master(int executors) {
        return "local-cluster[" + executors + ",1," + WORKER_MB + "]";
    }

    /** One run's figures: wall seconds, the encoding tasks from the event log. */
    private record ClusterRun(SparkBench.ChildRun child, List<SparkEventLog.TaskEnd> tasks) {

        List<SparkEventLog.TaskEnd> encoding() {
            return tasks.stream().filter(t -> !t.failed() && t.rowsWritten() > 0).toList();
        }

        long firstLaunch() {
            return encoding().stream().mapToLong(SparkEventLog.TaskEnd::launchMs).min().orElse(0);
        }

        long lastFinish() {
            return encoding().stream().mapToLong(SparkEventLog.TaskEnd::finishMs).max().orElse(0);
        }

        double taskRowsPerSecond() {
            long rows = encoding().stream().mapToLong(SparkEventLog.TaskEnd::rowsWritten).sum();
            return rows / ((lastFinish() - firstLaunch()) / 1000.0);
        }

        long failed() {
            return tasks.stream().filter(SparkEventLog.TaskEnd::failed).count();
        }
    }

    private ClusterRun embed(SparkBench spark, Path work, Path input, int rows, int executors, String name,
                             List<String> extra, ExecutorSampler sampler) {
        EnginePrecision engine = ctx.s.variants().get(0);
        Path events = work.resolve("events-" + name);
        try {
            Files.createDirectories(events);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + events + ": " + e.getMessage(), e);
        }
        List<String> args = new ArrayList<>(List.of("--set", "spark.master=" + master(executors)));
        args.addAll(SparkEventLog.settings(events));
        args.addAll(extra);
        SparkBench.ChildRun child = spark.embed(input, rows, engine, "out-" + name, args, sampler);
        ClusterRun run = new ClusterRun(child, SparkEventLog.read(events));
        if (run.encoding().isEmpty()) {
            throw new IllegalStateException("Cannot bench " + master(executors) + ": the event log in " + events
                    + " holds no task that wrote rows");
        }
        return run;
    }

    private void scaling(SparkBench spark, Path work, List<String> sentences) {
        int rows = ctx.s.scalingRows();
        Path input = BenchInputs.rowsFile(work, sentences, rows);
        Map<Integer, List<ClusterRun>> runs = new LinkedHashMap<>();
        Map<Integer, List<Double>> busy = new LinkedHashMap<>();
        for (int i = 1; i <= ctx.s.runs(); i++) {
            for (int executors : List.of(1, 2)) {
                ExecutorSampler sampler = new ExecutorSampler(1000);
                ClusterRun run = embed(spark, work, input, rows, executors, "scaling-" + executors + "-" + i,
                        List.of(), sampler);
                busy.computeIfAbsent(executors, x -> new ArrayList<>()).add(sampler.cpuSeconds(run.firstLaunch(),
                        run.lastFinish()) / ((run.lastFinish() - run.firstLaunch()) / 1000.0));
                runs.computeIfAbsent(executors, x -> new ArrayList<>()).add(run);
                Benchmark.log(String.format(Locale.ROOT, "scaling, run %d/%d, %s: %.1f s wall, %s task rows/s,"
                                + " %d tasks, %s executor cores busy", i, ctx.s.runs(), master(executors),
                        run.child().wallSeconds(), Stats.number(run.taskRowsPerSecond()), run.encoding().size(),
                        Stats.number(busy.get(executors).get(i - 1))));
            }
        }
        Table t = ctx.r.add(new Table(Labels.SCALING, "8. Executor scaling",
                String.format(Locale.ROOT, "./spark-encoders embed over %,d short sentences on %s and %s (executor"
                                + " JVMs of one core each, %s), alternating. 'rows/s' is launcher to exit; '%s' is"
                                + " the rows the encoding tasks wrote from the first task's launch to the last one's"
                                + " end (Spark's event log), without the driver's and executors' start-up; '%s' is"
                                + " the CPU seconds the executor JVMs used over that time (/proc, every thread: the"
                                + " task, the JIT, the garbage collector, Spark's own) per second; '%s' divides the"
                                + " medians of '%s'.", rows, master(1), master(2),
                        EngineSeam.describe(ctx.s.variants().get(0)), TASK_RPS, CORES_BUSY, SCALING_RATIO, TASK_RPS),
                List.of("executors", "rows"), List.of("wall s", "rows/s", TASK_RPS, "tasks", CORES_BUSY,
                SCALING_RATIO)));
        Stats one = null;
        for (Map.Entry<Integer, List<ClusterRun>> e : runs.entrySet()) {
            List<ClusterRun> list = e.getValue();
            Map<String, Stats> metrics = new LinkedHashMap<>();
            metrics.put("wall s", Stats.of(list.stream().map(x -> x.child().wallSeconds()).toList()));
            metrics.put("rows/s", Stats.of(list.stream().map(x -> rows / x.child().wallSeconds()).toList()));
            Stats tasks = Stats.of(list.stream().map(ClusterRun::taskRowsPerSecond).toList());
            metrics.put(TASK_RPS, tasks);
            metrics.put("tasks", Stats.of(list.stream().map(x -> (double) x.encoding().size()).toList()));
            metrics.put(CORES_BUSY, Stats.of(busy.get(e.getKey())));
            if (one == null) {
                one = tasks;
            } else {
                metrics.put(SCALING_RATIO, Stats.single(tasks.median() / one.median()));
            }
            t.add(List.of(Integer.toString(e.getKey()), String.format(Locale.ROOT, "%,d", rows)), metrics);
        }
        t.notes.add("Command: `" + spark.describe(input, rows, ctx.s.variants().get(0)) + " --set spark.master="
                + master(2) + "` (and " + master(1) + ").");
        t.notes.add("Each executor starts its own JVM and loads its own copy of the model inside its first task. An"
                + " executor of one core runs one task at a time, but nothing holds its JVM to one core: on a machine"
                + " with spare cores its other threads (JIT, garbage collector, Parquet writer) run beside the task,"
                + " and the driver's JVM shares the same " + ctx.cores + " cores. '" + CORES_BUSY + "' shows the"
                + " CPU each layout had.");
    }

    private void soak(SparkBench spark, Path work, List<String> sentences) {
        int rows = ctx.s.soakRows();
        Path input = BenchInputs.rowsFile(work, sentences, rows);
        ExecutorSampler sampler = new ExecutorSampler(1000);
        Benchmark.log(String.format(Locale.ROOT, "soak: embed over %,d rows on %s", rows, master(2)));
        ClusterRun run = embed(spark, work, input, rows, 2, "soak",
                List.of("--set", "spark.sql.files.maxPartitionBytes=" + SOAK_SPLIT_BYTES), sampler);
        long from = run.firstLaunch();
        long to = run.lastFinish();
        long tenth = (to - from) / 10;
        Table t = ctx.r.add(new Table(Labels.SOAK, "9. Soak: resident memory of each executor over a long run",
                String.format(Locale.ROOT, "./spark-encoders embed over %,d short sentences on %s, %s, input split"
                                + " every %s bytes; each executor JVM's VmRSS read every second. The first and last"
                                + " 10%% are of the time from the first encoding task's launch to the last one's end"
                                + " (Spark's event log); '%s' compares their peaks. The last row is the tasks': the"
                                + " rows/s of one task (its rows over its own duration; the first ones include the"
                                + " model load), medians of the first and the last 10%% of the tasks by launch, and"
                                + " the failed task attempts.", rows, master(2),
                        EngineSeam.describe(ctx.s.variants().get(0)), SOAK_SPLIT_BYTES, RSS_CHANGE),
                List.of("executor", "samples"), List.of(RSS_FIRST, RSS_LAST, RSS_CHANGE, Labels.PEAK, TASK_FIRST,
                TASK_LAST, FAILED)));
        int n = 0;
        for (Map.Entry<Long, List<ExecutorSampler.Sample>> e : sampler.byExecutor().entrySet()) {
            List<ExecutorSampler.Sample> samples = e.getValue();
            Optional<Long> first = ExecutorSampler.peakKb(samples, from, from + tenth);
            Optional<Long> last = ExecutorSampler.peakKb(samples, to - tenth, to);
            Map<String, Stats> metrics = new LinkedHashMap<>();
            first.ifPresent(x -> metrics.put(RSS_FIRST, Stats.single(x / 1024.0)));
            last.ifPresent(x -> metrics.put(RSS_LAST, Stats.single(x / 1024.0)));
            if (first.isPresent() && last.isPresent()) {
                metrics.put(RSS_CHANGE, Stats.single(100.0 * (last.get() - first.get()) / first.get()));
            }
            metrics.put(Labels.PEAK, Stats.single(samples.stream().mapToLong(ExecutorSampler.Sample::rssKb).max()
                    .orElse(0) / 1024.0));
            t.add(List.of("executor " + ++n + " (pid " + e.getKey() + ")", Integer.toString(samples.size())), metrics);
        }
        List<SparkEventLog.TaskEnd> tasks = run.encoding().stream()
                .sorted(Comparator.comparingLong(SparkEventLog.TaskEnd::launchMs)).toList();
        int edge = Math.max(1, tasks.size() / 10);
        t.add(List.of(TASKS_ROW + " (" + tasks.size() + ")", ""), Map.of(
                TASK_FIRST, Stats.of(tasks.subList(0, edge).stream().map(x -> x.rowsWritten() / x.seconds()).toList()),
                TASK_LAST, Stats.of(tasks.subList(tasks.size() - edge, tasks.size()).stream()
                        .map(x -> x.rowsWritten() / x.seconds()).toList()),
                FAILED, Stats.single(run.failed())));
        t.notes.add(String.format(Locale.ROOT, "%,d rows in %.0f s launcher to exit (%s rows/s), %s task rows/s.",
                rows, run.child().wallSeconds(), Stats.number(rows / run.child().wallSeconds()),
                Stats.number(run.taskRowsPerSecond())));
        t.notes.add("Command: `" + spark.describe(input, rows, ctx.s.variants().get(0)) + " --set spark.master="
                + master(2) + " --set spark.sql.files.maxPartitionBytes=" + SOAK_SPLIT_BYTES + "`.");
        soakCurve(sampler, run);
    }

    /**
     * Section 9b: each executor's peak resident set in every tenth of the soak, and when its first task ended (its
     * model loaded by then), so a step (growth that stops) reads apart from a slope (growth with the rows).
     */
    private void soakCurve(ExecutorSampler sampler, ClusterRun run) {
        long from = run.firstLaunch();
        long tenth = Math.max(1, (run.lastFinish() - from) / 10);
        List<String> columns = new ArrayList<>(List.of(FIRST_TASK_DONE));
        for (int i = 1; i <= 10; i++) {
            columns.add(i * 10 + "%");
        }
        Table t = ctx.r.add(new Table(Labels.SOAK_CURVE, "9b. Soak: resident memory of each executor by tenth of"
                + " the run", "The peak VmRSS (MiB) of each executor of section 9 in each tenth of the time from the"
                + " first encoding task's launch to the last one's end; '" + FIRST_TASK_DONE + "' is when the"
                + " executor's first encoding task ended, as a share of that time (its model is loaded by then).",
                List.of("executor"), columns));
        int n = 0;
        for (Map.Entry<Long, List<ExecutorSampler.Sample>> e : sampler.byExecutor().entrySet()) {
            String id = sampler.idOf(e.getKey());
            Map<String, Stats> metrics = new LinkedHashMap<>();
            run.encoding().stream().filter(x -> x.executorId().equals(id))
                    .mapToLong(SparkEventLog.TaskEnd::finishMs).min()
                    .ifPresent(x -> metrics.put(FIRST_TASK_DONE, Stats.single(100.0 * (x - from) / (10.0 * tenth))));
            for (int i = 1; i <= 10; i++) {
                String column = columns.get(i);
                ExecutorSampler.peakKb(e.getValue(), from + (i - 1) * tenth, from + i * tenth)
                        .ifPresent(kb -> metrics.put(column, Stats.single(kb / 1024.0)));
            }
            t.add(List.of("executor " + ++n + " (id " + id + ", pid " + e.getKey() + ")"), metrics);
        }
    }
}
