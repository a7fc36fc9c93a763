package dev.sparkencoders.encoder.onnx;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.sparkencoders.encoder.Encoder;
import dev.sparkencoders.encoder.Engine;
import dev.sparkencoders.encoder.FamilyLayout;
import dev.sparkencoders.encoder.PaddedBatch;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.ModelConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The encoder body on ONNX Runtime, through DJL's OnnxRuntime engine: one session per loaded model, shared by every
 * calling thread (a session runs concurrently; each call uses its own {@link Predictor} and input manager, as DJL's
 * predictors are not thread-safe). The graph comes from {@link EncoderGraphCache}. The last hidden state is copied
 * into the batch's PyTorch manager, so heads and pooling run on PyTorch as for the PyTorch encoder.
 *
 * <pre>{@code
 * try (OnnxRuntimeEncoder encoder = OnnxRuntimeEncoder.load(checkpoint, 1);
 *      NDManager batchScope = encoder.newBatchManager()) {
 *     NDArray hidden = encoder.lastHiddenState(PaddedBatch.of(batchScope, rows, encoder.padTokenId()));
 * }
 * }</pre>
 */
public final class OnnxRuntimeEncoder implements Encoder {

    /** DJL's name of the engine. */
    public static final String ENGINE = "OnnxRuntime";

    private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeEncoder.class);

    private final ModelConfig config;
    private final Precision precision;
    private final ZooModel<NDList, NDList> model;
    private final NDManager batchManagers;
    private final boolean tokenTypes;

    private OnnxRuntimeEncoder(ModelConfig config, Precision precision, ZooModel<NDList, NDList> model) {
        this.config = config;
        this.precision = precision;
        this.model = model;
        this.batchManagers = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        this.tokenTypes = EncoderGraphWriter.hasTokenTypes(config);
    }

    /**
     * Loads the checkpoint's fp32 encoder graph; see {@link #load(Checkpoint, Precision, int)}.
     */
    public static OnnxRuntimeEncoder load(Checkpoint checkpoint, int intraOpThreads) {
        return load(checkpoint, Precision.FP32, intraOpThreads);
    }

    /**
     * Loads the checkpoint's encoder graph at {@code precision} (written to the cache on first use) into an ONNX
     * Runtime session with one inter-op thread and {@code intraOpThreads} intra-op threads. A cached graph ONNX
     * Runtime cannot load (e.g. a damaged file) is rewritten once. The session keeps ONNX Runtime's CPU arena: it
     * grows to the largest batch the token budget allows and no further, and without it every activation was a fresh
     * allocation, 4-13% slower on one thread (BENCHMARKS.md, "What helped").
     */
    public static OnnxRuntimeEncoder load(Checkpoint checkpoint, Precision precision, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("Cannot load model " + checkpoint.dir() + " on ONNX Runtime: "
                    + intraOpThreads + " intra-op threads (use 1 or more)");
        }
        Path graph = EncoderGraphCache.location(checkpoint, precision);
        boolean written = false;
        if (!java.nio.file.Files.isRegularFile(graph)) {
            EncoderGraphCache.write(checkpoint, precision, graph);
            written = true;
        }
        try {
            return new OnnxRuntimeEncoder(checkpoint.config(), precision, open(graph, intraOpThreads));
        } catch (MalformedModelException | IOException e) {
            if (written) {
                throw refused(checkpoint, graph, e);
            }
            LOG.warn("The cached ONNX graph {} cannot be loaded ({}); writing it again", graph,
                    CheckpointException.firstLine(e));
        }
        EncoderGraphCache.write(checkpoint, precision, graph);
        try {
            return new OnnxRuntimeEncoder(checkpoint.config(), precision, open(graph, intraOpThreads));
        } catch (MalformedModelException | IOException e) {
            throw refused(checkpoint, graph, e);
        }
    }

    private static ZooModel<NDList, NDList> open(Path graph, int intraOpThreads)
            throws MalformedModelException, IOException {
        try {
            return Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(graph)
                    .optEngine(ENGINE)
                    .optTranslator(new NoopTranslator())
                    .optOption("interOpNumThreads", "1")
                    .optOption("intraOpNumThreads", Integer.toString(intraOpThreads))
                    .optOption("optLevel", "ALL_OPT")
                    .build()
                    .loadModel();
        } catch (ModelNotFoundException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static CheckpointException refused(Checkpoint checkpoint, Path graph, Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return new CheckpointException("Cannot load model " + checkpoint.dir() + " on ONNX Runtime: it refused the"
                + " graph written to " + graph + " (" + CheckpointException.firstLine(cause) + "; use engine=pytorch)", e);
    }

    @Override
    public Engine engine() {
        return Engine.ONNXRUNTIME;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public long padTokenId() {
        return config.padTokenId();
    }

    /** A PyTorch manager: the hidden state, heads and pooling live on PyTorch. */
    @Override
    public NDManager newBatchManager() {
        return batchManagers.newSubManager();
    }

    @Override
    public NDArray lastHiddenState(PaddedBatch batch) {
        FamilyLayout.requirePositions(config, batch.width());
        Shape shape = new Shape(batch.size(), batch.width());
        float[] mask = batch.mask().toFloatArray();
        long[] longMask = new long[mask.length];
        for (int i = 0; i < mask.length; i++) {
            longMask[i] = mask[i] != 0 ? 1 : 0;
        }
        try (NDManager inputs = model.getNDManager().newSubManager();
             Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList list = new NDList(named(inputs.create(batch.ids().toLongArray(), shape), "input_ids"),
                    named(inputs.create(longMask, shape), "attention_mask"));
            if (tokenTypes) {
                list.add(named(inputs.create(batch.segmentIds(config).toLongArray(), shape), "token_type_ids"));
            }
            NDArray hidden = predictor.predict(list).get(0);
            return toPyTorch(hidden, batch.ids().getManager());
        } catch (TranslateException e) {
            throw new IllegalStateException("Cannot encode a batch of " + batch.size() + " rows on ONNX Runtime: "
                    + CheckpointException.firstLine(e.getCause() != null ? e.getCause() : e), e);
        }
    }

    /**
     * Copies ONNX Runtime's output into a tensor PyTorch allocates and frees itself, in one copy with no Java
     * allocation: a tensor made from a Java direct buffer would hold native memory until a garbage collection.
     */
    private static NDArray toPyTorch(NDArray hidden, NDManager batchScope) {
        NDArray copy = batchScope.create(hidden.getShape(), DataType.FLOAT32);
        ByteBuffer target = copy.toByteBuffer(true);
        if (!target.isDirect()) {
            // PyTorch would wrap a direct buffer without copying it: hand it a heap copy, never ONNX Runtime's memory
            copy.close();
            return batchScope.create(hidden.toByteBuffer(), hidden.getShape(), DataType.FLOAT32);
        }
        target.put(OutputBytes.of(hidden));
        return copy;
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    @Override
    public void close() {
        try (batchManagers) {
            model.close();
        }
    }
}
