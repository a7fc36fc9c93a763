package dev.sparkencoders.jobs.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The yardstick of the start-up target: a plain in-process ONNX Runtime program, what a Java user writes to embed one
 * sentence without Spark. It creates the ONNX Runtime environment and one session (default options), loads the
 * tokenizer with DJL's {@link HuggingFaceTokenizer}, runs the sentence through the model, mean-pools the last hidden
 * state over the attention mask, L2-normalises it and prints its first three values and its dimension on one line.
 * It uses nothing of this project: the start-up part ({@link StartupPart}) times it in a child JVM from start to
 * exit.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp "jobs/target/spark-encoders-jobs.jar:$(cat jobs/target/launcher/classpath.txt)" \
 *   dev.sparkencoders.jobs.bench.PlainOrtEmbed all-minilm-l6-v2.onnx all-minilm-l6-v2-tokenizer.json \
 *   "A man is playing a flute."
 * [0.012345, -0.067890, 0.034567, ...] dimension 384
 * </pre>
 */
public final class PlainOrtEmbed {

    private PlainOrtEmbed() {}

    public static void main(String[] args) throws OrtException, IOException {
        if (args.length != 3) {
            System.err.println("Cannot run PlainOrtEmbed: expected 3 arguments, got " + args.length
                    + " (usage: PlainOrtEmbed <model.onnx> <tokenizer.json> <sentence>)");
            System.exit(2);
        }
        float[] vector = embed(Path.of(args[0]), Path.of(args[1]), args[2]);
        System.out.println(String.format(Locale.ROOT, "[%.6f, %.6f, %.6f, ...] dimension %d", vector[0], vector[1],
                vector[2], vector.length));
    }

    /** The mean-pooled, L2-normalised last hidden state of {@code text} through the ONNX model {@code onnx}. */
    public static float[] embed(Path onnx, Path tokenizerJson, String text) throws OrtException, IOException {
        try (OrtEnvironment env = OrtEnvironment.getEnvironment();
             OrtSession session = env.createSession(onnx.toString());
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson)) {
            Encoding encoding = tokenizer.encode(text);
            long[] mask = encoding.getAttentionMask();
            long[] shape = {1, mask.length};
            try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(encoding.getIds()), shape);
                 OnnxTensor attention = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                 OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(encoding.getTypeIds()), shape);
                 OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", attention,
                         "token_type_ids", types))) {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                long[] hiddenShape = hidden.getInfo().getShape();
                return meanPoolNormalised(hidden.getFloatBuffer(), mask, (int) hiddenShape[2]);
            }
        }
    }

    /** The mean of the [1, n, size] states over the positions where {@code mask} is 1, scaled to unit length. */
    private static float[] meanPoolNormalised(FloatBuffer hidden, long[] mask, int size) {
        double[] sum = new double[size];
        int count = 0;
        for (int p = 0; p < mask.length; p++) {
            if (mask[p] == 0) {
                continue;
            }
            count++;
            for (int d = 0; d < size; d++) {
                sum[d] += hidden.get(p * size + d);
            }
        }
        double norm = 0;
        for (int d = 0; d < size; d++) {
            sum[d] /= Math.max(1, count);
            norm += sum[d] * sum[d];
        }
        double scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        float[] out = new float[size];
        for (int d = 0; d < size; d++) {
            out[d] = (float) (sum[d] * scale);
        }
        return out;
    }
}
