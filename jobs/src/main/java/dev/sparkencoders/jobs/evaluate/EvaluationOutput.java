package dev.sparkencoders.jobs.evaluate;

import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.io.HadoopFiles;
import dev.sparkencoders.jobs.io.OutputWriter;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The evaluate job's output directory on any Hadoop filesystem: checked (or cleared, with
 * {@code output.mode=overwrite}, when it holds nothing but an earlier evaluation) before any work starts, then
 * {@code report.json}, the PNG charts, the predictions and the saved classifier go under it.
 */
final class EvaluationOutput {

    static final String REPORT = "report.json";
    static final String PREDICTIONS_DIR = "predictions";

    private final SparkSession spark;
    private final Path root;

    private EvaluationOutput(SparkSession spark, Path root) {
        this.spark = spark;
        this.root = root;
    }

    static EvaluationOutput prepare(SparkSession spark, JobConfig config) {
        String path = config.require(ConfigKey.OUTPUT_PATH);
        SaveMode mode = OutputWriter.saveMode(config);
        Path root = new Path(path);
        try {
            FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(root)) {
                String foreign = firstForeign(fs, root);
                if (foreign != null) {
                    throw new JobConfigException("Cannot write output to " + path + ": "
                            + (foreign.isEmpty() ? "it is a file" : "it holds '" + foreign + "', which no evaluate"
                            + " run writes") + ", so it is neither replaced nor written into (choose another"
                            + " output.path, or move it away)");
                }
                if (mode == SaveMode.ErrorIfExists && fs.listStatus(root).length > 0) {
                    throw new JobConfigException("Cannot write output to " + path + ": it holds an earlier"
                            + " evaluation (choose a new output.path or set output.mode=overwrite)");
                }
                // A rerun replaces the whole evaluation: stale charts or models of another run must not remain.
                fs.delete(root, true);
            }
            fs.mkdirs(root);
        } catch (IOException | IllegalArgumentException e) {
            throw new JobConfigException("Cannot prepare output path " + path + ": " + e.getMessage(), e);
        }
        return new EvaluationOutput(spark, root);
    }

    /**
     * The first entry of an existing output path that no evaluate run writes ("" when the path is a file), or null
     * when everything there is an earlier evaluation's: the report, charts, {@code predictions/}, {@code model/}
     * and Hadoop's {@code .crc} files.
     */
    private static String firstForeign(FileSystem fs, Path root) throws IOException {
        if (!fs.getFileStatus(root).isDirectory()) {
            return "";
        }
        for (FileStatus entry : fs.listStatus(root)) {
            String name = entry.getPath().getName();
            String file = name.startsWith(".") && name.endsWith(".crc") // Hadoop's checksum of a file beside it
                    ? name.substring(1, name.length() - ".crc".length()) : name;
            boolean ours = entry.isDirectory()
                    ? name.equals(PREDICTIONS_DIR) || name.equals(IntentEvaluation.MODEL_DIR)
                    : file.equals(REPORT) || file.endsWith(".png");
            if (!ours) {
                return name + (entry.isDirectory() ? "/" : "");
            }
        }
        return null;
    }

    /** A path under the output directory, as a string for Spark writers. */
    String resolve(String name) {
        return new Path(root, name).toString();
    }

    void write(String name, byte[] content) {
        HadoopFiles.write(spark, new Path(root, name), content);
    }

    void writeJson(String name, Object value) {
        write(name, HadoopFiles.json(value).getBytes(StandardCharsets.UTF_8));
    }
}
