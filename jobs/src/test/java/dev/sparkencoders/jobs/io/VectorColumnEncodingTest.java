package dev.sparkencoders.jobs.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Float-vector columns are written without a dictionary, as Parquet's own footers show; other columns keep one. */
class VectorColumnEncodingTest {

    @TempDir
    Path dir;

    @Test
    void parquetFootersShowNoDictionaryForVectorColumnsOnly() throws IOException {
        StructType schema = new StructType()
                .add("value", DataTypes.StringType)
                .add("embedding", DataTypes.createArrayType(DataTypes.FloatType))
                .add("features", new VectorUDT())
                .add("tokens", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            rows.add(RowFactory.create("label-" + (i % 3), List.of(i * 0.37f, -i * 1.3f),
                    Vectors.dense(i * 0.11, i * 2.9), List.of(List.of(i * 0.5, i * 0.25))));
        }
        Map<String, String> options = VectorColumnEncoding.writerOptions(schema);
        assertEquals(Map.of("parquet.enable.dictionary#embedding.list.element", "false",
                "parquet.enable.dictionary#features.values.list.element", "false",
                "parquet.enable.dictionary#tokens.list.element.list.element", "false"), options);

        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
        try {
            spark.createDataFrame(rows, schema).coalesce(1).write().options(options).parquet(dir.resolve("out").toString());
        } finally {
            spark.stop();
        }
        Map<String, Boolean> dictionary = dictionaryByColumn(dir.resolve("out"));
        assertTrue(dictionary.get("value"), "the text column keeps its dictionary: " + dictionary);
        assertFalse(dictionary.get("embedding.list.element"), dictionary.toString());
        assertFalse(dictionary.get("features.values.list.element"), dictionary.toString());
        assertFalse(dictionary.get("tokens.list.element.list.element"), dictionary.toString());
        assertTrue(dictionary.get("features.type"), "a vector's small int fields keep theirs: " + dictionary);
    }

    private static Map<String, Boolean> dictionaryByColumn(Path output) throws IOException {
        Map<String, Boolean> dictionary = new TreeMap<>();
        try (Stream<Path> files = Files.list(output)) {
            for (Path part : files.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                        new org.apache.hadoop.fs.Path(part.toUri()), new Configuration()))) {
                    for (ColumnChunkMetaData column : reader.getFooter().getBlocks().get(0).getColumns()) {
                        dictionary.put(column.getPath().toDotString(), column.getEncodings().stream()
                                .anyMatch(Encoding::usesDictionary));
                    }
                }
            }
        }
        return dictionary;
    }
}
