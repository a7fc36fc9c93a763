package dev.sparkencoders.jobs.io;

import com.google.gson.GsonBuilder;
import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfigException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small files on any Hadoop filesystem, as the driver reads and writes them beside a job's data: checks that an
 * input exists, JSON and PNG files written whole, and SHA-256 hashes that name exactly the data a report measured.
 *
 * <pre>{@code
 * HadoopFiles.requireExists(spark, "hdfs:///data/train.csv", ConfigKey.EVALUATE_TRAIN_PATH);
 * HadoopFiles.write(spark, new Path("out/report.json"), HadoopFiles.json(report).getBytes(UTF_8));
 * }</pre>
 */
public final class HadoopFiles {

    private HadoopFiles() {}

    /**
     * The file system of {@code path}; on local disk the raw one, so that reports, charts and head metadata get no
     * {@code .crc} side files (which would also turn a hand edit of the JSON into a checksum error).
     */
    public static FileSystem fileSystem(SparkSession spark, Path path) throws IOException {
        FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /** Writes {@code content} to {@code file}, replacing it. */
    public static void write(SparkSession spark, Path file, byte[] content) {
        try {
            FileSystem fs = fileSystem(spark, file);
            try (OutputStream out = fs.create(file, true)) {
                out.write(content);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + file + ": " + e.getMessage()
                    + " (check that this user may write there)", e);
        }
    }

    /** Pretty-printed JSON with nulls and non-finite numbers kept, as every report of the jobs is written. */
    public static String json(Object value) {
        return new GsonBuilder().setPrettyPrinting().serializeNulls().serializeSpecialFloatingPointValues().create()
                .toJson(value);
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
    public static Map<String, String> sha256(SparkSession spark, String path) {
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
