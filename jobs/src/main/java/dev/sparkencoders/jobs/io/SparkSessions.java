package dev.sparkencoders.jobs.io;

import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds the job's SparkSession from the {@code spark.*} settings, adding what executors need so users never type
 * it:
 * <ul>
 *   <li>offline mode for DJL, as a JVM option and an environment variable, so executors never reach for the
 *       network;</li>
 *   <li>one PyTorch thread per task CPU: each task thread that calls into libtorch gets its own OpenMP team, by
 *       default as large as the host's core count, so an executor running several tasks at once would start
 *       cores x tasks threads. {@code -Dai.djl.pytorch.num_threads=<spark.task.cpus>} sets the count, but only
 *       for the thread that starts the engine and for threads once they run an op that goes through
 *       {@code at::parallel_for} (a matmul alone does not); {@code OMP_NUM_THREADS} sets it for every
 *       thread, so the executors get both;</li>
 *   <li>a young generation of a fixed quarter of {@code spark.executor.memory} ({@code -Xmn}): G1 otherwise
 *       enlarges it, and commits heap for it, after a burst of collections at a random point of the run, and an
 *       executor's resident memory stepped up by some 300 MiB when it did;</li>
 *   <li>{@code MALLOC_MMAP_THRESHOLD_=131072}: native blocks of 128 KiB and more (each batch's tensors) come
 *       from the kernel and go back to it when freed; by default glibc raises that threshold as it goes and keeps
 *       freed blocks in its arenas, where an executor's resident memory grew with the rows it encoded;</li>
 *   <li>with {@code output.table}: the table format's SQL extension and catalogs ({@link TableOutput#sparkSettings});</li>
 *   <li>for local masters ({@code local[...]}, {@code local-cluster[...]}): no web UI (its server takes about a
 *       second to start and a batch job on one machine reports its progress in the log; {@code spark.ui.enabled=true}
 *       turns it back on);</li>
 *   <li>for {@code local-cluster[...]} masters: the driver's class path as the executors' class path, and
 *       {@code SPARK_SCALA_VERSION}, which Spark's executor launcher needs when SPARK_HOME is not a Spark
 *       distribution.</li>
 * </ul>
 * Spark's own Java 17 module openings ({@code --add-opens ...}) need nothing here: SparkContext prepends them to
 * {@code spark.executor.extraJavaOptions} itself.
 *
 * <p>Under spark-submit, spark-submit's {@code --master} wins over {@code spark.master} from the job's
 * configuration (whose default, {@code local[*]}, is meant for the launcher).
 */
public final class SparkSessions {

    static final String OFFLINE_OPTION = "-Dai.djl.offline=true";
    static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
    static final String EXECUTOR_OPTIONS = "spark.executor.extraJavaOptions";
    static final String MMAP_THRESHOLD = "MALLOC_MMAP_THRESHOLD_";
    static final String MMAP_THRESHOLD_BYTES = "131072";
    static final String SCALA_VERSION = "2.13";
    static final String EXTENSIONS = "spark.sql.extensions";
    /** Options by which a user sizes the executors' young generation; any of them keeps the job's own out. */
    static final List<String> YOUNG_SIZE_OPTIONS = List.of("-Xmn", "NewSize", "NewRatio");

    private SparkSessions() {}

    /**
     * The job's session, built by the classic (in-process) builder: {@code SparkSession.builder()} first looks up
     * which implementation to build through Scala's runtime reflection, about a second of start-up on 2 cores.
     * {@link StartupWarmUp} initializes another slow class meanwhile.
     */
    public static SparkSession create(String job, JobConfig config) {
        StartupWarmUp.start();
        var builder = org.apache.spark.sql.classic.SparkSession.builder()
                .config(conf(job, config, new SparkConf(), System.getenv()));
        return SessionExtensionFilter.withoutMlExtension(builder::getOrCreate);
    }

    /**
     * The session's configuration: {@code base} (a {@code new SparkConf()} holds spark-submit's settings) plus the
     * job's {@code spark.*} settings plus the executor settings above. {@code env} is the driver's environment.
     */
    static SparkConf conf(String job, JobConfig config, SparkConf base, Map<String, String> env) {
        SparkConf conf = base.setAppName("spark-encoders " + job);
        Map<String, String> settings = new TreeMap<>(config.sparkSettings());
        String submitted = conf.contains("spark.master") ? conf.get("spark.master") : null;
        String configured = settings.remove("spark.master");
        if (submitted == null) {
            if (configured != null && !configured.isEmpty()) {
                conf.setMaster(configured);
            }
        } else if (configured != null && !configured.equals(submitted)) {
            System.err.println("spark-encoders " + job + ": running on spark-submit's master " + submitted
                    + "; spark.master=" + configured + " from the job configuration applies to the launcher only");
        }
        settings.forEach(conf::set);
        TableOutput.sparkSettings(config).forEach((key, value) -> {
            if (key.equals(EXTENSIONS)) {
                String current = conf.get(EXTENSIONS, "");
                conf.set(EXTENSIONS, current.isEmpty() ? value : current.contains(value) ? current : current + "," + value);
            } else {
                conf.setIfMissing(key, value);
            }
        });

        String options = conf.get(EXECUTOR_OPTIONS, "");
        if (!options.contains(OFFLINE_OPTION)) {
            options = options + " " + OFFLINE_OPTION;
        }
        int taskCpus = conf.getInt("spark.task.cpus", 1);
        if (!options.contains("-D" + THREADS_PROPERTY + "=")) {
            options = options + " -D" + THREADS_PROPERTY + "=" + taskCpus;
        }
        if (YOUNG_SIZE_OPTIONS.stream().noneMatch(options::contains)) {
            options = options + " -Xmn" + Math.max(1, conf.getSizeAsMb("spark.executor.memory", "1g") / 4) + "m";
        }
        conf.set(EXECUTOR_OPTIONS, options.trim());
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(taskCpus));
        conf.setIfMissing("spark.executorEnv.DJL_OFFLINE", "true");
        conf.setIfMissing("spark.executorEnv." + MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");

        String master = conf.get("spark.master", "");
        if (master.startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        if (master.startsWith("local-cluster")) {
            checkSparkHome(master, env);
            conf.setIfMissing("spark.executor.extraClassPath", absolute(System.getProperty("java.class.path")));
            conf.setIfMissing("spark.executorEnv.SPARK_SCALA_VERSION", SCALA_VERSION);
        }
        return conf;
    }

    /** The class path with every entry absolute: executors run in their own working directories. */
    static String absolute(String classPath) {
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> entry.endsWith("*")
                        ? Path.of(entry.substring(0, entry.length() - 1)).toAbsolutePath() + File.separator + "*"
                        : Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * A local-cluster's worker runs inside the driver and starts executor JVMs with the class path of
     * {@code $SPARK_HOME/jars} (plus {@code spark.executor.extraClassPath}); it fails to start them, and the job
     * waits, when that folder is missing. Any folder with an empty {@code jars/} will do.
     */
    private static void checkSparkHome(String master, Map<String, String> env) {
        String home = env.get("SPARK_HOME");
        Path dir = Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("jars"))
                && !Files.isDirectory(dir.resolve("assembly/target/scala-" + SCALA_VERSION + "/jars"))) {
            throw new JobConfigException("Cannot start spark.master=" + master + ": Spark's local-cluster mode starts "
                    + "executors from $SPARK_HOME/jars and " + dir + "/jars does not exist (the ./spark-encoders "
                    + "launcher sets SPARK_HOME itself; otherwise set SPARK_HOME to a Spark installation or to any "
                    + "folder holding an empty jars/ folder)");
        }
    }
}
