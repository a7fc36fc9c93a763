package dev.sparkencoders.jobs.io;

import com.google.gson.GsonBuilder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code _run_report.json} written next to a job's output: row counts read back from the output, truncations,
 * tokens, model loads, the master the job really ran on (spark-submit's {@code --master} wins over the
 * configuration's {@code spark.master}), executors, timing, the model and its weights' SHA-256, and the resolved configuration
 * (secrets masked).
 */
public record RunReport(String job, long rowsIn, long rowsOut, long rowsFailed, long rowsTruncated, long tokens,
                 long modelLoads, String master, int executors, double seconds, String model, String weightsSha256,
                 Map<String, String> config) {

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job);
        m.put("rows_in", rowsIn);
        m.put("rows_out", rowsOut);
        m.put("rows_failed", rowsFailed);
        m.put("rows_truncated", rowsTruncated);
        m.put("tokens", tokens);
        m.put("model_loads", modelLoads);
        m.put("master", master);
        m.put("executors", executors);
        m.put("seconds", Math.round(seconds * 1000) / 1000.0);
        m.put("rows_per_second", seconds > 0 ? Math.round(rowsOut / seconds * 10) / 10.0 : null);
        m.put("tokens_per_second", seconds > 0 ? Math.round(tokens / seconds * 10) / 10.0 : null);
        m.put("model", model);
        m.put("weights_sha256", weightsSha256);
        m.put("config", config);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(m);
    }

    public String summary() {
        return String.format("%s: %d rows in, %d rows out, %d failed, %d truncated, %d tokens, %.1f s (%.1f rows/s)",
                job, rowsIn, rowsOut, rowsFailed, rowsTruncated, tokens, seconds, seconds > 0 ? rowsOut / seconds : 0);
    }
}
