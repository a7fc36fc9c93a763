package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.text.TextTokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static dev.sparkencoders.jobs.bench.Labels.DOCS;
import static dev.sparkencoders.jobs.bench.Labels.MINILM;
import static dev.sparkencoders.jobs.bench.Labels.SHORT;
import static dev.sparkencoders.jobs.bench.Labels.SPS;
import static dev.sparkencoders.jobs.bench.Labels.TPS;

/** Section 3: langchain4j's AllMiniLmL6V2EmbeddingModel, as shipped and pinned to our layouts (what users get). */
final class PeerPart {

    private static final String ENGINE_OVER_PEER = "engine ÷ peer";

    private final BenchContext ctx;

    PeerPart(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run(List<String> sentences, List<String> docs, TextTokenizer counter) {
        if (!PeerBench.available()) {
            ctx.r.notes.add("No langchain4j peer figures: langchain4j-embeddings or ONNX Runtime is not on the class"
                    + " path (they are provided-scope dependencies of the jobs module: run the bench through"
                    + " ./spark-encoders).");
            return;
        }
        Table t = ctx.r.add(new Table(Labels.PEER, "3. Peer: langchain4j AllMiniLmL6V2EmbeddingModel (ONNX Runtime)",
                "langchain4j's in-process all-MiniLM-L6-v2 (one ONNX Runtime call per text, DJL's tokenizer), 'as"
                        + " shipped' (new AllMiniLmL6V2EmbeddingModel(): an executor of " + ctx.cores + " threads,"
                        + " ONNX Runtime's default intra-op threads), and pinned to our layouts (same ONNX file and"
                        + " code path; a session with N intra-op threads and one caller, or N callers with one thread"
                        + " each). 'engine ÷ peer' divides our best fp32 engine's median at the same layout (as"
                        + " shipped: our best layout) by the peer's. As shipped, the peer's tokenizer file cuts every text at"
                        + " 128 tokens, so its '512-token docs' row encodes a quarter of each document (no ratio is"
                        + " given there); the pinned peer reads the same file without that cut and encodes whole"
                        + " documents.",
                List.of("model", "input", "configuration"), List.of(SPS, TPS, ENGINE_OVER_PEER)));
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
        configs.addAll(ctx.layouts);
        Figures figures = new Figures(ctx.r);
        for (Layout layout : configs) {
            String label = layout == null ? "as shipped" : "pinned, " + layout.label();
            Benchmark.log("starting the peer, " + label);
            try (PeerBench peer = layout == null ? PeerBench.shipped() : PeerBench.pinned(layout)) {
                for (var input : inputs.entrySet()) {
                    int n = input.getValue().size();
                    List<Double> seconds = ctx.repeat("peer " + input.getKey() + " / " + label,
                            () -> peer.run(input.getValue()), x -> Stats.number(n / x) + " sentences/s");
                    Map<String, Stats> metrics = new LinkedHashMap<>();
                    metrics.put(SPS, Stats.of(seconds.stream().map(x -> n / x).toList()));
                    metrics.put(TPS, Stats.of(seconds.stream().map(x -> tokens.get(input.getKey()) / x).toList()));
                    Predicate<Table.Row> fp32 = Figures.of(MINILM, input.getKey(), null)
                            .and(figures.atPrecision(Precision.FP32));
                    Optional<Stats> ours = layout == null ? figures.best(Labels.ENGINE, fp32, SPS)
                            : figures.best(Labels.ENGINE, fp32.and(x -> x.key(2).equals(layout.label())), SPS);
                    boolean truncatedByPeer = layout == null && input.getKey().equals(DOCS);
                    ours.filter(e -> !truncatedByPeer).ifPresent(e -> metrics.put(ENGINE_OVER_PEER,
                            Stats.single(e.median() / metrics.get(SPS).median())));
                    t.add(List.of(MINILM, input.getKey(), label), metrics,
                            layout == null ? ctx.cores : layout.cores());
                }
            }
        }
        ctx.notePeak("peer (langchain4j)");
    }
}
