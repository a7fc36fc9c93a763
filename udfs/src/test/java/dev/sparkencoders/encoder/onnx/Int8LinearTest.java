package dev.sparkencoders.encoder.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.encoder.WeightLoader;
import dev.sparkencoders.importer.SafetensorsWriter;
import dev.sparkencoders.model.SafetensorsFile;
import dev.sparkencoders.model.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One int8 linear layer as the graph writers write it, run by ONNX Runtime on 96 rows, against the float product
 * computed here. The widths include those where ONNX Runtime's DynamicQuantizeMatMul alone goes wrong (width modulo
 * 32 from 17 to 31, e.g. 24 and TinyBERT's 312), which the padding to 32 columns must hide.
 */
class Int8LinearTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "[{0}, {1}]")
    @CsvSource({"24, 64", "312, 312", "1200, 312", "17, 384", "384, 384", "40, 96"})
    void matchesTheFloatProduct(int out, int in) throws Exception {
        Random random = new Random(out * 1000L + in);
        float[] weight = new float[out * in];
        float[] bias = new float[out];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) random.nextGaussian() * 0.05f;
        }
        for (int o = 0; o < out; o++) {
            bias[o] = (float) random.nextGaussian() * 0.1f;
        }
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, List.of(new Tensor("layer.weight", new long[] {out, in}, weight),
                new Tensor("layer.bias", new long[] {out}, bias)), Map.of());

        byte[] graph;
        try (SafetensorsFile weights = SafetensorsFile.open(file)) {
            OnnxModelFile model = new OnnxModelFile(EncoderGraphWriter.OPSET);
            model.input("x", OnnxModelFile.FLOAT, "rows", (long) in);
            GraphOps ops = new GraphOps(model, weights, new WeightLoader(weights, null, "", dir), 1e-12f,
                    Precision.INT8);
            model.output(ops.linear("x", "layer", out, in), "y", OnnxModelFile.FLOAT, "rows", (long) out);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            model.writeTo(bytes);
            graph = bytes.toByteArray();
        }

        int rows = 96;
        float[] x = new float[rows * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float[] y;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(graph, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {rows, in});
             OrtSession.Result result = session.run(Map.of("x", input))) {
            float[][] out2d = (float[][]) result.get(0).getValue();
            assertEquals(rows, out2d.length);
            assertEquals(out, out2d[0].length);
            y = new float[rows * out];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(out2d[r], 0, y, r * out, out);
            }
        }

        double worst = 0;
        double squaredError = 0;
        double squared = 0;
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double expected = bias[o];
                for (int i = 0; i < in; i++) {
                    expected += x[r * in + i] * (double) weight[o * in + i];
                }
                double error = y[r * out + o] - expected;
                worst = Math.max(worst, Math.abs(error));
                squaredError += error * error;
                squared += expected * expected;
            }
        }
        double relative = Math.sqrt(squaredError / squared);
        double rms = Math.sqrt(squared / (rows * out));
        System.out.printf("[%d, %d]: relative RMS error %.4f, largest error %.4f (output RMS %.3f)%n", out, in,
                relative, worst, rms);
        assertTrue(relative < 0.03, "relative RMS error " + relative);
        assertTrue(worst < 0.25 * rms + 0.05, "largest error " + worst + " against an output RMS of " + rms);
        assertTrue(worst > 0, "the product is exactly the float one: not quantized");
    }
}
