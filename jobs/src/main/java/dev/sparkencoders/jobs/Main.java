package dev.sparkencoders.jobs;

import dev.sparkencoders.jobs.bench.BenchJob;
import dev.sparkencoders.jobs.config.CommandLine;
import dev.sparkencoders.jobs.config.Job;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.evaluate.EvaluateJob;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The entry point of every job: {@code <job> [--config FILE] [--set key=value]...}. Exits 0 on success, 1 when the
 * job fails, 2 when the command line or configuration is wrong; the reason is printed as one sentence.
 *
 * <pre>
 * spark-submit --class dev.sparkencoders.jobs.Main spark-encoders-jobs.jar embed --config conf/embed.conf
 * </pre>
 */
public final class Main {

    private static final Map<String, Supplier<Job>> JOBS = Map.ofEntries(
            Map.entry("embed", TaskJob::embed),
            Map.entry("classify", TaskJob::classify),
            Map.entry("pairs", TaskJob::pairs),
            Map.entry("qa", TaskJob::questionAnswering),
            Map.entry("fill-mask", TaskJob::fillMask),
            Map.entry("ner", TaskJob::ner),
            Map.entry("replaced-tokens", TaskJob::replacedTokens),
            Map.entry(PretrainDataJob.NAME, PretrainDataJob::new),
            Map.entry("bench", BenchJob::new),
            Map.entry("evaluate", EvaluateJob::new),
            Map.entry("import-model", ImportModelJob::new),
            Map.entry("sql", SqlJob::new));

    private Main() {}

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a job and returns the process exit code; used by {@link #main} and by tests. */
    public static int run(String... args) {
        System.setProperty("ai.djl.offline", "true");
        String job = args.length > 0 ? args[0] : "?";
        try {
            CommandLine commandLine = CommandLine.parse(args);
            Supplier<Job> factory = JOBS.get(commandLine.job());
            if (factory == null) {
                throw new JobConfigException("Cannot run job '" + commandLine.job() + "': unknown job (known jobs: "
                        + JOBS.keySet().stream().sorted().toList() + ")");
            }
            factory.get().run(JobConfig.resolve(commandLine));
            return 0;
        } catch (JobConfigException e) {
            System.err.println("spark-encoders " + job + ": " + e.getMessage());
            return 2;
        } catch (Exception e) { // Spark rethrows checked SparkExceptions from Scala code
            System.err.println("spark-encoders " + job + ": " + rootMessage(e));
            e.printStackTrace();
            return 1;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (caused by " + t + ")";
    }
}
