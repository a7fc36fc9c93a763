package dev.sparkencoders.jobs.io;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Set;

/**
 * What an output path holds before a job writes to it. A folder counts as a job's output when everything in it is
 * what Spark and this project write there: {@code part-*} files, {@code _SUCCESS}, {@code _run_report.json}, Parquet
 * summary files, the pretrain-data job's {@code _instance_lengths.png}, their {@code .crc} checksums, Spark's {@code _temporary/} and {@code .spark-staging-*} folders, and
 * partition folders ({@code run_date=2026-11-23/}) holding the same. Anything else makes the folder foreign: a
 * user's folder that no job may delete.
 *
 * <p>Such an output holds finished work when a run got to the end: {@code _SUCCESS} or {@code _run_report.json} at
 * its top, or a partition folder, which Spark's dynamic partition overwrite moves there only when a run commits (and
 * which writes no {@code _SUCCESS} at the top). Otherwise it is what a killed or failed run left behind, and no row
 * in it was ever published.
 *
 * <pre>{@code
 * ExistingOutput existing = ExistingOutput.inspect(fs, new Path("out/embed"));
 * if (existing.state() == ExistingOutput.State.INCOMPLETE) { ... }
 * }</pre>
 *
 * @param state        what the path holds
 * @param foreignEntry for {@link State#FOREIGN}, the first entry that no job wrote (relative to the path; empty when the
 *                     path is a file), else null
 */
public record ExistingOutput(State state, String foreignEntry) {

    enum State {
        /** Nothing at the path. */
        ABSENT,
        /** An empty folder. */
        EMPTY,
        /** What a run that was killed or failed while writing left: Spark's work folders, part files. */
        INCOMPLETE,
        /** The output of a finished run, possibly beside the leftovers of a killed one. */
        COMPLETE,
        /** A file, or a folder holding something no job wrote. */
        FOREIGN
    }

    public static final String SUCCESS = "_SUCCESS";
    static final String RUN_REPORT = "_run_report.json";
    /** The pretrain-data job's chart of instance lengths. */
    public static final String LENGTHS_CHART = "_instance_lengths.png";
    public static final String STAGING_PREFIX = ".spark-staging-";
    static final String TEMPORARY = "_temporary";
    /** Files Spark, Parquet and this project write beside the part files. */
    private static final Set<String> MARKERS = Set.of(SUCCESS, RUN_REPORT, LENGTHS_CHART, "_metadata",
            "_common_metadata");

    /** Looks at {@code path} and the partition folders below it; the contents of Spark's work folders are not read. */
    static ExistingOutput inspect(FileSystem fs, Path path) throws IOException {
        FileStatus status;
        try {
            status = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            return new ExistingOutput(State.ABSENT, null);
        }
        if (!status.isDirectory()) {
            return new ExistingOutput(State.FOREIGN, "");
        }
        FileStatus[] entries = fs.listStatus(path);
        if (entries.length == 0) {
            return new ExistingOutput(State.EMPTY, null);
        }
        String foreign = firstForeign(fs, entries, "");
        if (foreign != null) {
            return new ExistingOutput(State.FOREIGN, foreign);
        }
        boolean finished = false;
        for (FileStatus entry : entries) {
            String name = entry.getPath().getName();
            finished |= name.equals(SUCCESS) || name.equals(RUN_REPORT) || entry.isDirectory() && isPartition(name);
        }
        return new ExistingOutput(finished ? State.COMPLETE : State.INCOMPLETE, null);
    }

    private static String firstForeign(FileSystem fs, FileStatus[] entries, String prefix) throws IOException {
        for (FileStatus entry : entries) {
            String name = entry.getPath().getName();
            if (entry.isDirectory() && isPartition(name)) {
                String inner = firstForeign(fs, fs.listStatus(entry.getPath()), prefix + name + "/");
                if (inner != null) {
                    return inner;
                }
            } else if (!isWrittenBySpark(name, entry.isDirectory())) {
                return prefix + name + (entry.isDirectory() ? "/" : "");
            }
        }
        return null;
    }

    /** {@code column=value}, as Spark names partition folders. */
    private static boolean isPartition(String name) {
        int eq = name.indexOf('=');
        return eq > 0 && !name.startsWith("_") && !name.startsWith(".");
    }

    private static boolean isWrittenBySpark(String name, boolean directory) {
        if (directory) {
            return name.equals(TEMPORARY) || name.startsWith(STAGING_PREFIX);
        }
        if (name.startsWith(".") && name.endsWith(".crc")) { // Hadoop's checksum of a file beside it
            name = name.substring(1, name.length() - ".crc".length());
        }
        return name.startsWith("part-") || MARKERS.contains(name);
    }
}
