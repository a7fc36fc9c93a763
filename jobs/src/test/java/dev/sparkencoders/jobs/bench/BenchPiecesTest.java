package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.TestCorpora;
import dev.sparkencoders.importer.BundledModel;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.Tasks;
import dev.sparkencoders.spark.PairsTask;
import dev.sparkencoders.text.TokenBudget;
import dev.sparkencoders.text.TextTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench's arithmetic and inputs: FLOP counting, medians, STS-B sentences and 512-token documents, and that the
 * pinned peer encodes the same whole documents as our engine.
 */
class BenchPiecesTest {

    @Test
    void countsMatmulFlopsPerLayerAndAttention() {
        ModelConfig c = Checkpoint.open(BundledModel.path()).config();   // 6 layers, H 384, 12 heads, FFN 1536
        double h = 384;
        double perLayer = 2.0 * 2 * 10 * (3 * h * h + h * h + 2 * h * 1536) + 2.0 * 2 * 2 * 12 * 10 * 10 * 32;
        assertEquals(6 * perLayer, EngineBench.flops(c, 2, 10), 1e-6);
    }

    @Test
    void mediansMinimaAndMaxima() {
        assertEquals(new Stats(2, 1, 9, 3), Stats.of(9, 1, 2));
        assertEquals(new Stats(2.5, 1, 9, 4), Stats.of(9, 1, 2, 3));
        assertEquals("2.50 (1.00–9.00)", Stats.of(9, 1, 2, 3).format());
        assertEquals("1,235", Stats.single(1234.6).format());
    }

    @Test
    void splitsWorkIntoContiguousShares() {
        assertEquals(List.of(List.of(1, 2), List.of(3, 4, 5)), EngineBench.split(List.of(1, 2, 3, 4, 5), 2));
    }

    @Test
    void readsDistinctStsbSentencesAndBuildsDocumentsOf512Tokens() {
        var file = TestCorpora.sharedData().resolve("stsb/sts-dev.csv");
        List<String> all = BenchInputs.stsbSentences(file, 0);
        assertTrue(all.size() > 2500, "STS-B dev has about 2,900 distinct sentences: " + all.size());
        assertEquals(all.size(), all.stream().distinct().count());
        List<String> some = BenchInputs.stsbSentences(file, 30);
        assertEquals(all.subList(0, 30), some);
        try (TextTokenizer tokenizer = TextTokenizer.load(Checkpoint.open(BundledModel.path()).tokenizerFile(), 512)) {
            List<String> docs = BenchInputs.documents(some, tokenizer, 3);
            assertEquals(3, docs.size());
            assertEquals(docs, BenchInputs.documents(some, tokenizer, 3), "documents are deterministic");
            for (String doc : docs) {
                var tokens = tokenizer.encode(doc);
                assertTrue(tokens.length() >= 508 && !tokens.truncated(), tokens.length() + " tokens, truncated "
                        + tokens.truncated());
            }
        }
    }

    @Test
    void pinnedPeerEncodesWholeDocumentsLikeTheEngineWhileTheShippedPeerCutsThemAt128Tokens() {
        var file = TestCorpora.sharedData().resolve("stsb/sts-dev.csv");
        String doc;
        try (TextTokenizer tokenizer = TextTokenizer.load(Checkpoint.open(BundledModel.path()).tokenizerFile(), 512)) {
            doc = BenchInputs.documents(BenchInputs.stsbSentences(file, 60), tokenizer, 1).get(0);
        }
        ModelSpec spec = new ModelSpec(null, null, null, BenchInputs.DOC_TOKENS);   // as the bench runs it
        BatchRunner runner = new BatchRunner(ModelCache.get(spec), TokenBudget.DEFAULT);
        float[] ours = runner.run(List.of(doc), runner.model().tokenizer()::encode, Tasks.embeddings()).get(0).value();
        float[] pinned;
        float[] shipped;
        try (PeerBench peer = PeerBench.pinned(new Layout(1, 1))) {
            pinned = peer.embed(doc);
        }
        try (PeerBench peer = PeerBench.shipped()) {
            shipped = peer.embed(doc);
        }
        assertTrue(PairsTask.cosine(ours, pinned) > 0.9999, "pinned peer vs engine on a 512-token document: "
                + PairsTask.cosine(ours, pinned));
        assertTrue(PairsTask.cosine(ours, shipped) < 0.99, "the shipped peer reads only the first 128 tokens: "
                + PairsTask.cosine(ours, shipped));
    }
}
