package dev.sparkencoders.jobs.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Folders as Spark leaves them after finished, killed and partitioned runs, and folders no job wrote. */
class ExistingOutputTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void tellsAbsentEmptyCompleteAndIncompleteOutputs() throws IOException {
        assertState(ExistingOutput.State.ABSENT, null, "missing");
        Files.createDirectories(dir.resolve("empty"));
        assertState(ExistingOutput.State.EMPTY, null, "empty");

        files("done/_SUCCESS", "done/._SUCCESS.crc", "done/part-00000-1f2e.snappy.parquet",
                "done/.part-00000-1f2e.snappy.parquet.crc", "done/_run_report.json", "done/._run_report.json.crc");
        assertState(ExistingOutput.State.COMPLETE, null, "done");

        // killed during the write: committed and running task attempts under _temporary, no _SUCCESS
        files("killed/_temporary/0/task_202611231200_0001_m_000000/part-00000-1f2e.json",
                "killed/_temporary/0/_temporary/attempt_202611231200_0001_m_000001_1/part-00001-1f2e.json");
        assertState(ExistingOutput.State.INCOMPLETE, null, "killed");

        // killed during job commit: some part files moved up, no _SUCCESS yet
        files("half/part-00000-1f2e.json", "half/.part-00000-1f2e.json.crc", "half/_temporary/0/task_x/part-00001.json");
        assertState(ExistingOutput.State.INCOMPLETE, null, "half");

        // a nightly output (dynamic partition overwrite writes no _SUCCESS at the top): finished days, and a killed
        // run's staging folder
        files("nightly/run_date=2026-11-21/part-00000-a.parquet", "nightly/run_date=2026-11-21/.part-00000-a.parquet.crc",
                "nightly/run_date=2026-11-22/part-00000-b.parquet",
                "nightly/.spark-staging-5c1d/_temporary/0/task_x/run_date=2026-11-23/part-00000-c.parquet");
        assertState(ExistingOutput.State.COMPLETE, null, "nightly");
        files("reported/_run_report.json", "reported/.spark-staging-5c1d/_temporary/0/task_x/part-00000-c.parquet");
        assertState(ExistingOutput.State.COMPLETE, null, "reported");
        files("first-night/.spark-staging-5c1d/_temporary/0/task_x/run_date=2026-11-23/part-00000-c.parquet");
        assertState(ExistingOutput.State.INCOMPLETE, null, "first-night");
    }

    @Test
    void anythingAJobDoesNotWriteMakesTheFolderForeign() throws IOException {
        files("home/notes.txt", "home/part-00000.json");
        assertState(ExistingOutput.State.FOREIGN, "notes.txt", "home");
        files("docs/_SUCCESS", "docs/drafts/part-00000.json");
        assertState(ExistingOutput.State.FOREIGN, "drafts/", "docs");
        files("deep/_SUCCESS", "deep/run_date=2026-11-21/part-00000.parquet", "deep/run_date=2026-11-21/photo.jpg");
        assertState(ExistingOutput.State.FOREIGN, "run_date=2026-11-21/photo.jpg", "deep");
        files("hidden/.git/config");
        assertState(ExistingOutput.State.FOREIGN, ".git/", "hidden");
        files("crc/.notes.txt.crc");
        assertState(ExistingOutput.State.FOREIGN, ".notes.txt.crc", "crc");
        files("underscore/_notes.txt", "underscore/_temporary/0/task_x/part-00000.json");
        assertState(ExistingOutput.State.FOREIGN, "_notes.txt", "underscore");
        files("underscore-dir/_drafts/a.txt");
        assertState(ExistingOutput.State.FOREIGN, "_drafts/", "underscore-dir");
        files("a-file");
        assertState(ExistingOutput.State.FOREIGN, "", "a-file");
    }

    private void files(String... relative) throws IOException {
        for (String name : relative) {
            java.nio.file.Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "x");
        }
    }

    private void assertState(ExistingOutput.State state, String foreign, String name) throws IOException {
        // the raw file system lists .crc files too (Hadoop's default local one hides them)
        FileSystem fs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
        ExistingOutput existing = ExistingOutput.inspect(fs, new Path(dir.resolve(name).toString()));
        assertEquals(new ExistingOutput(state, foreign), existing, name);
    }
}
