package dev.sparkencoders.jobs.io;

import com.google.gson.GsonBuilder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code _run_report.json} written next to a job's output: row counts read back from the output, truncations,
 * tokens, model loads, the master the job really ran on (spark-submit's {@code --master} wins over the
 * configuration's {@code spark.master}), executors, timing, the model and its weights' SHA-256, and the resolved configuration
 * (secrets masked), and the sections a job adds of its own ({@code pretrain}: the pretrain-data job's statistics).
 *
 * <pre>{@code
 * RunReport report = RunReport.builder("embed").rows(1000, 1000, 2, 5).tokens(48000).modelLoads(1)
 *         .cluster("local[*]", 1).seconds(12.5).model(BundledModel.ID, sha256, "onnxruntime", "fp32").config(config.masked()).build();
 * }</pre>
 */
public record RunReport(String job, long rowsIn, long rowsOut, long rowsFailed, long rowsTruncated, long tokens,
                 long modelLoads, String master, int executors, int inputPartitions, int tasks, double seconds,
                 String model, String weightsSha256, String engine, String precision, Map<String, String> config,
                 long rowsEncoded,
                 long rowsUnchanged, Map<String, Object> details) {

    /** A report of {@code job}, filled in step by step; unset counts are 0 and unset names null. */
    public static Builder builder(String job) {
        return new Builder(job);
    }

    /** Collects a {@link RunReport}'s values by what they describe: rows, tokens, the cluster, the model. */
    public static final class Builder {
        private final String job;
        private long rowsIn;
        private long rowsOut;
        private long rowsFailed;
        private long rowsTruncated;
        private long tokens;
        private long modelLoads;
        private String master;
        private int executors;
        private int inputPartitions;
        private int tasks;
        private double seconds;
        private String model;
        private String weightsSha256;
        private String engine;
        private String precision;
        private Map<String, String> config = Map.of();
        private Long rowsEncoded;
        private long rowsUnchanged;
        private final Map<String, Object> details = new LinkedHashMap<>();

        private Builder(String job) {
            this.job = job;
        }

        /** Rows read, written (read back from the output), written with an error, and truncated. */
        public Builder rows(long in, long out, long failed, long truncated) {
            this.rowsIn = in;
            this.rowsOut = out;
            this.rowsFailed = failed;
            this.rowsTruncated = truncated;
            return this;
        }

        /** Rows encoded by this run and rows an incremental run found unchanged in its table (default: all encoded). */
        public Builder encoded(long encoded, long unchanged) {
            this.rowsEncoded = encoded;
            this.rowsUnchanged = unchanged;
            return this;
        }

        public Builder tokens(long tokens) {
            this.tokens = tokens;
            return this;
        }

        /** Model loads on the driver and the executors (0 when every task found it cached). */
        public Builder modelLoads(long modelLoads) {
            this.modelLoads = modelLoads;
            return this;
        }

        /** The master the job really ran on and the executors that ran tasks. */
        public Builder cluster(String master, int executors) {
            this.master = master;
            this.executors = executors;
            return this;
        }

        /** The splits the input was read in, and the tasks that encoded it (more when the input was spread). */
        public Builder partitions(int inputPartitions, int tasks) {
            this.inputPartitions = inputPartitions;
            this.tasks = tasks;
            return this;
        }

        public Builder seconds(double seconds) {
            this.seconds = seconds;
            return this;
        }

        /**
         * The model's identity (path or bundled id), its weights' SHA-256, and the engine and precision that ran its
         * encoder.
         */
        public Builder model(String model, String weightsSha256, String engine, String precision) {
            this.model = model;
            this.weightsSha256 = weightsSha256;
            this.engine = engine;
            this.precision = precision;
            return this;
        }

        /** The resolved configuration, secrets masked. */
        public Builder config(Map<String, String> config) {
            this.config = config;
            return this;
        }

        /** A section of the job's own figures, listed after the configuration under {@code name}. */
        public Builder details(String name, Map<String, Object> section) {
            this.details.put(name, section);
            return this;
        }

        public RunReport build() {
            return new RunReport(job, rowsIn, rowsOut, rowsFailed, rowsTruncated, tokens, modelLoads, master,
                    executors, inputPartitions, tasks, seconds, model, weightsSha256, engine, precision, config,
                    rowsEncoded == null ? rowsOut : rowsEncoded, rowsUnchanged, Map.copyOf(details));
        }
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job);
        m.put("rows_in", rowsIn);
        m.put("rows_out", rowsOut);
        m.put("rows_failed", rowsFailed);
        m.put("rows_truncated", rowsTruncated);
        m.put("rows_encoded", rowsEncoded);
        m.put("rows_unchanged", rowsUnchanged);
        m.put("tokens", tokens);
        m.put("model_loads", modelLoads);
        m.put("master", master);
        m.put("executors", executors);
        m.put("input_partitions", inputPartitions);
        m.put("tasks", tasks);
        m.put("seconds", Math.round(seconds * 1000) / 1000.0);
        m.put("rows_per_second", seconds > 0 ? Math.round(rowsOut / seconds * 10) / 10.0 : null);
        m.put("tokens_per_second", seconds > 0 ? Math.round(tokens / seconds * 10) / 10.0 : null);
        m.put("model", model);
        m.put("weights_sha256", weightsSha256);
        m.put("engine", engine);
        m.put("precision", precision);
        m.put("config", config);
        details.forEach(m::put);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(m);
    }

    public String summary() {
        return String.format("%s: %d rows in, %d rows out, %d failed, %d truncated, %d tokens, %.1f s (%.1f rows/s)%s",
                job, rowsIn, rowsOut, rowsFailed, rowsTruncated, tokens, seconds, seconds > 0 ? rowsOut / seconds : 0,
                rowsUnchanged > 0 ? String.format("; %d encoded, %d unchanged", rowsEncoded, rowsUnchanged) : "");
    }
}
