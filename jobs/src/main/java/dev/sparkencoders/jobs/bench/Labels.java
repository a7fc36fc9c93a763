package dev.sparkencoders.jobs.bench;

/** The names the report and bench.json use for models, inputs and figures (table keys and metric columns). */
final class Labels {

    static final String MINILM = "all-MiniLM-L6-v2";
    static final String BERT = "BERT-base";
    static final String SHORT = "short sentences";
    static final String DOCS = "512-token docs";

    static final String SPS = "sentences/s";
    static final String TPS = "tokens/s";
    static final String GFLOPS = "GFLOP/s";
    /** int8 products: 2*M*K*N integer multiply-adds per second, counted as GFLOP/s counts float ones. */
    static final String GOPS = "GOP/s";
    static final String OF_CEILING = "% of ceiling";
    static final String AT_CEILING = "sentences/s at ceiling";
    static final String TOK = "tokenization %";
    static final String PAD = "padding %";
    static final String PEAK = "peak RSS MiB";
    static final String OVERHEAD = "overhead vs engine %";

    static final String PYTORCH_FP32 = "PyTorch fp32";
    static final String PYTORCH_BF16 = "PyTorch bf16";
    static final String ORT_FP32 = "ONNX Runtime fp32";
    static final String ORT_BF16 = "ONNX Runtime bf16";
    static final String ORT_INT8 = "ONNX Runtime int8";

    /** Table ids. */
    static final String ENGINE = "engine";
    static final String NAIVE = "naive";
    static final String PEER = "peer";
    static final String ORT_PEER = "peer-ort";
    static final String PAIRED = "paired";
    static final String SPARK = "spark";
    static final String ROOFLINE = "roofline";
    static final String MEMORY = "memory";
    static final String STARTUP = "startup";
    static final String SQL = "sql";
    static final String SCALING = "scaling";
    static final String SOAK = "soak";
    static final String SOAK_CURVE = "soak-curve";

    private Labels() {}
}
