package dev.sparkencoders.encoder.onnx;

import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.encoder.WeightLoader;
import dev.sparkencoders.encoder.onnx.OnnxModelFile.Attribute;
import dev.sparkencoders.model.HiddenActivation;
import dev.sparkencoders.model.SafetensorsFile;
import dev.sparkencoders.model.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph pieces the encoder graph writers share, each written as PyTorch exports it: checkpoint parameters as
 * initializers (located and shape-checked through a {@link WeightLoader}, read only when the file is written, one
 * initializer per parameter), linear layers as MatMul [+ Add] (at int8 ONNX Runtime's DynamicQuantizeMatMul over
 * an {@link Int8Weight} [+ Add]), LayerNorm as ReduceMean/Sub/Pow/Add/Sqrt/Div/Mul
 * [+ Add], and the feed-forward activations.
 */
final class GraphOps {

    private final OnnxModelFile model;
    private final SafetensorsFile file;
    private final WeightLoader weights;
    private final float eps;
    private final Precision precision;
    private final Map<String, String> initializers = new HashMap<>();

    GraphOps(OnnxModelFile model, SafetensorsFile file, WeightLoader weights, float eps, Precision precision) {
        this.model = model;
        this.file = file;
        this.weights = weights;
        this.eps = eps;
        this.precision = precision;
    }

    /** LayerNorm over the last axis with the config's epsilon, gamma {@code name.weight} and beta {@code name.bias}. */
    String layerNorm(String x, String name, long size) {
        return layerNorm(x, name, size, true);
    }

    /** LayerNorm over the last axis; without a bias ({@code nn.LayerNorm(bias=False)}) it ends at the Mul. */
    String layerNorm(String x, String name, long size, boolean bias) {
        String gamma = weight(name + ".weight", size);
        String mean = model.node("ReduceMean", List.of(x), Attribute.ints("axes", -1));
        String centered = model.node("Sub", List.of(x, mean));
        String variance = model.node("ReduceMean", List.of(model.node("Pow", List.of(centered, model.scalar(2f)))),
                Attribute.ints("axes", -1));
        String deviation = model.node("Sqrt", List.of(model.node("Add", List.of(variance, model.scalar(eps)))));
        String normalized = model.node("Div", List.of(centered, deviation));
        String scaled = model.node("Mul", List.of(normalized, gamma));
        return bias ? model.node("Add", List.of(scaled, weight(name + ".bias", size))) : scaled;
    }

    /** x W^T + b with HuggingFace's [out, in] weight, stored transposed ([in, out]) for MatMul. */
    String linear(String x, String name, long out, long in) {
        return linear(x, name, out, in, true);
    }

    /** x W^T [+ b]; without a bias the layer is the MatMul alone. */
    String linear(String x, String name, long out, long in, boolean bias) {
        String product = precision == Precision.INT8 ? quantizedProduct(x, name + ".weight", out, in)
                : model.node("MatMul", List.of(x, initializer(name + ".weight", new long[] {in, out}, true, out, in)));
        return bias ? model.node("Add", List.of(product, weight(name + ".bias", out))) : product;
    }

    /**
     * x W^T through DynamicQuantizeMatMul: the weight as int8 [in, columns] with per-column scales (no zero point),
     * x quantized to uint8 by ONNX Runtime on every call, then a Slice back to {@code out} columns when
     * {@link Int8Weight} padded them. Shared weights (ALBERT) share their initializers.
     */
    private String quantizedProduct(String x, String name, long out, long in) {
        String base = initializers.get(name);
        int columns = Int8Weight.columns((int) out);
        if (base == null) {
            String stored = weights.locate(name, out, in);
            base = stored != null ? stored : name;
            model.int8s(base + ".int8", new long[] {in, columns},
                    () -> Int8Weight.quantize(file.read(stored).data(), (int) out, (int) in).values());
            model.floats(base + ".scale", new long[] {columns},
                    () -> Int8Weight.quantize(file.read(stored).data(), (int) out, (int) in).scales());
            initializers.put(name, base);
        }
        String product = model.microsoftNode("DynamicQuantizeMatMul", List.of(x, base + ".int8", base + ".scale"));
        if (columns == out) {
            return product;
        }
        return model.node("Slice", List.of(product, model.int64s(new long[] {1}, 0), model.int64s(new long[] {1}, out),
                model.int64s(new long[] {1}, -1)));
    }

    /** A feed-forward activation: exact GELU (Div/Erf/Add/Mul/Mul), its tanh form, or ReLU. */
    String activation(String x, HiddenActivation activation) {
        return switch (activation) {
            case GELU -> {
                String erf = model.node("Erf", List.of(model.node("Div", List.of(x, model.scalar((float) Math.sqrt(2))))));
                String scaled = model.node("Mul", List.of(x, model.node("Add", List.of(erf, model.scalar(1f)))));
                yield model.node("Mul", List.of(scaled, model.scalar(0.5f)));
            }
            case GELU_TANH -> {
                String cube = model.node("Pow", List.of(x, model.scalar(3f)));
                String inner = model.node("Add", List.of(x, model.node("Mul", List.of(cube, model.scalar(0.044715f)))));
                String tanh = model.node("Tanh", List.of(model.node("Mul", List.of(inner,
                        model.scalar((float) Math.sqrt(2 / Math.PI))))));
                String half = model.node("Mul", List.of(x, model.scalar(0.5f)));
                yield model.node("Mul", List.of(half, model.node("Add", List.of(tanh, model.scalar(1f)))));
            }
            case RELU -> model.node("Relu", List.of(x));
        };
    }

    /** The initializer of parameter {@code name}, checked against {@code shape}. */
    String weight(String name, long... shape) {
        return initializer(name, shape, false, shape);
    }

    /**
     * The initializer holding parameter {@code name} (checked against {@code shape}, read when the file is written,
     * transposed if asked); one per parameter, so ALBERT's shared layers share it.
     */
    private String initializer(String name, long[] dims, boolean transpose, long... shape) {
        String known = initializers.get(name);
        if (known != null) {
            return known;
        }
        String stored = weights.locate(name, shape);
        String onnxName = stored != null ? stored : name;
        model.floats(onnxName, dims, () -> {
            Tensor t = file.read(stored);
            return transpose ? t.transposed2d(onnxName).data() : t.data();
        });
        initializers.put(name, onnxName);
        return onnxName;
    }
}
