package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.text.TokenBudget;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A bench run's resolved settings (see the {@code bench.*} keys).
 *
 * @param projectRoot    the folder holding {@code ./spark-encoders}
 * @param stsbPath       the STS-B dev file
 * @param bertPath       a BERT-base checkpoint directory, or null for no BERT-base figures
 * @param runs           measured runs per figure (after one warm-up)
 * @param parts          the parts to run
 * @param output         the Markdown report; {@code bench.json} goes next to it
 * @param sentences      distinct STS-B sentences to use, 0 = all
 * @param bertSentences  the first N of those for BERT-base, 0 = all
 * @param docs           512-token documents to generate, 0 = none
 * @param threads        intra-op thread counts to measure with one task
 * @param parallelTasks  tasks in parallel threads with one intra-op thread each (1 = not measured)
 * @param naiveBatch     rows per batch of the naive baseline
 * @param sparkRows      rows of the timed embed job
 * @param sqlRows        rows of the sql job and the embed job it is compared with
 * @param memoryRows     the two row counts of the memory check
 * @param scalingRows    rows of the embed jobs on one and two executors
 * @param soakRows       rows of the soak on two executors
 * @param engines        our engines the engine, naive and spark parts run on, each once per precision it runs
 * @param precisions     the precisions ({@code model.precision}) those parts run at, on every engine that has them
 * @param ortBatches     rows per length-sorted batch of the ONNX Runtime peer on the short sentences
 * @param ortDocBatches  documents per call of the ONNX Runtime peer on the 512-token documents
 * @param budget         the engine's token budget ({@code batch.max-tokens}, {@code batch.max-rows})
 * @param chunkRows      rows sorted and batched at a time ({@code batch.chunk-rows}), as in Spark tasks
 * @param command        the command that started the run
 * @param config         the resolved configuration, secrets masked
 */
public record BenchSettings(Path projectRoot, Path stsbPath, Path bertPath, int runs, Set<Part> parts, Path output,
                            int sentences, int bertSentences, int docs, List<Integer> threads, int parallelTasks,
                            int naiveBatch, int sparkRows, int sqlRows, List<Integer> memoryRows, int scalingRows,
                            int soakRows, List<BenchEngine> engines, List<Precision> precisions,
                            List<Integer> ortBatches, List<Integer> ortDocBatches, TokenBudget budget, int chunkRows,
                            String command, Map<String, String> config) {

    public boolean has(Part part) {
        return parts.contains(part);
    }

    /** The (engine, precision) pairs the engine, naive and spark parts run, engine by engine. */
    List<EnginePrecision> variants() {
        return EnginePrecision.pairs(engines, precisions);
    }

    /** Where the raw figures go: bench.json next to the Markdown report. */
    public Path json() {
        Path dir = output.toAbsolutePath().getParent();
        return dir.resolve("bench.json");
    }
}
