package dev.sparkencoders.jobs.evaluate;

import dev.sparkencoders.jobs.ConfigKey;
import dev.sparkencoders.jobs.JobConfig;
import dev.sparkencoders.jobs.JobConfigException;
import dev.sparkencoders.jobs.io.OutputWriter;
import com.google.gson.GsonBuilder;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluate job's output directory on any Hadoop filesystem: checked (or cleared, with
 * {@code output.mode=overwrite}, when it holds nothing but an earlier evaluation) before any work starts, then
 * {@code report.json}, the PNG charts, the predictions and the saved classifier go under it. Also hashes input files, so a report names exactly the data it measured.
 */
public final class EvaluationOutput {

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
        Path file = new Path(root, name);
        try {
            FileSystem fs = fileSystem(spark, file);
            try (OutputStream out = fs.create(file, true)) {
                out.write(content);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public void writeJson(String name, Object value) {
        write(name, json(value).getBytes(StandardCharsets.UTF_8));
    }

    static String json(Object value) {
        return new GsonBuilder().setPrettyPrinting().serializeNulls().serializeSpecialFloatingPointValues().create()
                .toJson(value);
    }

    /**
     * The file system of {@code path}; on local disk the raw one, so that report, charts and head metadata get no
     * {@code .crc} side files (which would also turn a hand edit of the JSON into a checksum error).
     */
    public static FileSystem fileSystem(SparkSession spark, Path path) throws IOException {
        FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /**
     * Checks that an input exists on the driver, before any work starts, naming the key to fix when it does not.
     */
    public static void requireExists(SparkSession spark, String path, ConfigKey key) {
        try {
            Path p = new Path(path);
            if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
                throw new JobConfigException("Cannot read " + key.key() + " " + path + ": it does not exist (check "
                        + key.key() + ")");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new JobConfigException("Cannot read " + key.key() + " " + path + ": " + e.getMessage()
                    + " (check " + key.key() + ")", e);
        }
    }

    /** SHA-256 of every data file under {@code path} (the file itself, or each visible file of a directory). */
    static Map<String, String> sha256(SparkSession spark, String path) {
        Map<String, String> hashes = new LinkedHashMap<>();
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            List<Path> files = new ArrayList<>();
            collect(fs, fs.getFileStatus(p), files);
            files.sort(null);
            for (Path file : files) {
                hashes.put(file.toString(), sha256(fs, file));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot hash " + path + ": " + e.getMessage(), e);
        }
        return hashes;
    }

    private static void collect(FileSystem fs, FileStatus status, List<Path> files) throws IOException {
        if (status.isFile()) {
            files.add(status.getPath());
            return;
        }
        for (FileStatus child : fs.listStatus(status.getPath())) {
            String name = child.getPath().getName();
            if (!name.startsWith(".") && !name.startsWith("_")) {
                collect(fs, child, files);
            }
        }
    }

    private static String sha256(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
