package dev.sparkencoders.jobs.bench;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Rows of a local Parquet output folder, counted from its files' footers (no Spark session needed). */
final class ParquetRows {

    private ParquetRows() {}

    static long count(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            long rows = 0;
            List<Path> parts = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
            for (Path part : parts) {
                var file = HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(part.toUri()), new Configuration());
                try (ParquetFileReader reader = ParquetFileReader.open(file)) {
                    rows += reader.getRecordCount();
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot count the rows of " + folder + ": " + e.getMessage(), e);
        }
    }
}
