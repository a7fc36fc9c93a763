package dev.sparkencoders.jobs.head;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.io.HadoopFiles;
import dev.sparkencoders.runtime.EncoderModel;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The file {@value #FILE} beside a saved pipeline head: the encoder whose embeddings the head was trained on (so
 * that classify refuses another one), the features column and the label names. The evaluate job writes it; the
 * classify job reads it.
 *
 * <pre>{@code
 * HeadMetadata.write(spark, "out/eval/model", HeadMetadata.describe(modelId, model), "embedding", labels);
 * JsonObject recorded = HeadMetadata.read(spark, "out/eval/model"); // null when the head has none
 * }</pre>
 */
public final class HeadMetadata {

    /** The file name, beside the pipeline's {@code metadata/} and {@code stages/} folders. */
    public static final String FILE = "spark-encoders-head.json";

    private HeadMetadata() {}

    /** The encoder's identity and settings, for reports and for checking a saved head against the model. */
    public static Map<String, Object> describe(String modelId, EncoderModel model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelId);
        m.put("weights_sha256", model.checkpoint().weightsSha256());
        m.put("precision", model.encoder().precision().id());
        m.put("pooling", model.pooling().name().toLowerCase(Locale.ROOT));
        m.put("normalize", model.normalize());
        m.put("max_length", model.tokenizer().maxLength());
        m.put("dimensions", model.checkpoint().config().hiddenSize());
        return m;
    }

    /** Records, beside the head saved in {@code dir}, the encoder it was trained on and its label names. */
    public static void write(SparkSession spark, String dir, Map<String, Object> encoder, String featuresCol,
                             String[] labels) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", 1);
        m.put("encoder", encoder);
        m.put("features_col", featuresCol);
        m.put("labels", Arrays.asList(labels));
        HadoopFiles.write(spark, new Path(dir, FILE), HadoopFiles.json(m).getBytes(StandardCharsets.UTF_8));
    }

    /** The metadata saved beside the head in {@code dir}, or null when there is none. */
    static JsonObject read(SparkSession spark, String dir) {
        Path file = new Path(dir, FILE);
        try {
            FileSystem fs = HadoopFiles.fileSystem(spark, file);
            if (!fs.exists(file)) {
                return null;
            }
            try (InputStream in = fs.open(file)) {
                return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
            }
        } catch (IOException | RuntimeException e) {
            throw new JobConfigException("Cannot read " + file + ": " + e.getMessage() + " (delete it to skip the"
                    + " check of the encoder the head was trained on)", e);
        }
    }
}
