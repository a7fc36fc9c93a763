package dev.sparkencoders.jobs;

import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.Job;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.config.Models;
import dev.sparkencoders.jobs.config.PretrainConfig;
import dev.sparkencoders.jobs.config.TaskConfig;
import dev.sparkencoders.jobs.evaluate.Charts;
import dev.sparkencoders.jobs.io.ExistingOutput;
import dev.sparkencoders.jobs.io.HadoopFiles;
import dev.sparkencoders.jobs.io.InputFormat;
import dev.sparkencoders.jobs.io.InputReader;
import dev.sparkencoders.jobs.io.OutputWriter;
import dev.sparkencoders.jobs.io.ProgressReporter;
import dev.sparkencoders.jobs.io.RunReport;
import dev.sparkencoders.jobs.io.SparkSessions;
import dev.sparkencoders.encoder.HeadKind;
import dev.sparkencoders.model.Checkpoint;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.runtime.TokenizerCache;
import dev.sparkencoders.spark.TaskCounters;
import dev.sparkencoders.spark.pretrain.PretrainCorpus;
import dev.sparkencoders.spark.pretrain.PretrainGenerator;
import dev.sparkencoders.spark.pretrain.PretrainInstances;
import dev.sparkencoders.spark.pretrain.PretrainRows;
import dev.sparkencoders.spark.pretrain.PretrainStats;
import dev.sparkencoders.spark.pretrain.PretrainStatsAccumulator;
import dev.sparkencoders.text.TextTokenizer;
import dev.sparkencoders.text.VocabularyPieces;
import dev.sparkencoders.text.pretrain.PretrainInstance;
import dev.sparkencoders.text.pretrain.PretrainObjective;
import dev.sparkencoders.text.pretrain.PretrainSettings;
import dev.sparkencoders.text.pretrain.TokenizedDocument;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code pretrain-data}: masked-LM pre-training instances from a corpus of documents, as BERT's
 * {@code create_pretraining_data.py} makes them (NSP, ALBERT's SOP or RoBERTa's one-segment packing; 80/10/10
 * masking, whole words on request, several differently masked copies), with any checkpoint's tokenizer, or
 * ELECTRA's replaced-token data, a generator's samples in place of the masked tokens ({@code pretrain.objective=rtd}). Random next
 * segments come from any document of the corpus, and the output is the same for a seed however Spark splits the
 * work. Writes Parquet (or JSON lines) with BERT's column names, {@code _run_report.json} with the statistics under
 * {@code pretrain}, and {@code _instance_lengths.png}.
 *
 * <pre>
 * ./spark-encoders pretrain-data --set input.path=corpus.txt --set output.path=out/pretrain --set pretrain.objective=sop
 * </pre>
 */
final class PretrainDataJob implements Job {

    private static final Logger LOG = LoggerFactory.getLogger(PretrainDataJob.class);
    static final String NAME = "pretrain-data";

    @Override
    public void run(JobConfig config) {
        long start = System.nanoTime();
        PretrainObjective objective = PretrainConfig.objective(config);
        int maxLength = config.positiveInt(ConfigKey.PRETRAIN_MAX_LENGTH);
        ModelSpec generator = generator(config, objective, maxLength);
        // ELECTRA's data is tokenized with the generator's tokenizer unless model.path names one.
        ModelSpec spec = generator != null && config.get(ConfigKey.MODEL_PATH) == null ? generator : Models.spec(config);
        java.nio.file.Path tokenizerJson;
        TextTokenizer tokenizer;
        VocabularyPieces pieces;
        try {
            tokenizerJson = tokenizerFile(spec);
            if (generator != null && spec != generator && !sameFile(tokenizerJson, tokenizerFile(generator))) {
                throw new JobConfigException("Cannot replace tokens with generator " + generator.modelId() + ": its"
                        + " tokenizer.json differs from the one of model.path " + spec.modelId() + " (leave model.path"
                        + " unset to use the generator's tokenizer)");
            }
            tokenizer = TokenizerCache.get(tokenizerJson, Math.max(2, maxLength));
            pieces = VocabularyPieces.read(tokenizerJson);
        } catch (CheckpointException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
        PretrainSettings settings = PretrainConfig.settings(config, tokenizer, pieces);
        SparkSession spark = SparkSessions.create(NAME, config);
        try {
            run(spark, config, spec, generator, settings, start);
        } finally {
            spark.stop();
        }
    }

    /**
     * The generator of {@code pretrain.objective=rtd}, loaded on the driver to check its masked-LM head and its
     * positions; null for the other objectives, which refuse one.
     */
    private static ModelSpec generator(JobConfig config, PretrainObjective objective, int maxLength) {
        String path = config.get(ConfigKey.PRETRAIN_GENERATOR);
        if (!objective.replacesTokens()) {
            if (path != null) {
                throw new JobConfigException("Cannot use " + ConfigKey.PRETRAIN_GENERATOR.key() + " with "
                        + ConfigKey.PRETRAIN_OBJECTIVE.key() + "=" + objective.name().toLowerCase(Locale.ROOT)
                        + ": only rtd replaces tokens (unset it, or set " + ConfigKey.PRETRAIN_OBJECTIVE.key()
                        + "=rtd)");
            }
            return null;
        }
        if (path == null) {
            throw new JobConfigException("Cannot prepare replaced-token data: " + ConfigKey.PRETRAIN_GENERATOR.key()
                    + " is not set (point it at a checkpoint with a masked-LM head, e.g. ELECTRA's generator)");
        }
        ModelSpec spec = Models.spec(config, path, maxLength);
        try {
            ModelCache.get(spec).head(HeadKind.MASKED_LM);
        } catch (CheckpointException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
        return spec;
    }

    private static java.nio.file.Path tokenizerFile(ModelSpec spec) {
        java.nio.file.Path file = spec.localDirectory().resolve(Checkpoint.TOKENIZER);
        if (!Files.isRegularFile(file)) {
            throw new JobConfigException("Cannot read the tokenizer of " + spec.modelId() + ": " + file
                    + " does not exist (point model.path at a HuggingFace checkpoint directory)");
        }
        return file;
    }

    private static boolean sameFile(java.nio.file.Path a, java.nio.file.Path b) {
        try {
            return Files.mismatch(a, b) == -1;
        } catch (IOException e) {
            throw new JobConfigException("Cannot compare tokenizers " + a + " and " + b + ": " + e.getMessage()
                    + " (check that both files are readable)", e);
        }
    }

    private static void run(SparkSession spark, JobConfig config, ModelSpec spec, ModelSpec generator,
                            PretrainSettings settings, long start) {
        boolean textFile = InputFormat.parse(config.require(ConfigKey.INPUT_FORMAT)) == InputFormat.TEXT;
        Dataset<Row> input = InputReader.read(spark, config,
                textFile ? Map.of("lineSep", PretrainCorpus.TEXT_DOCUMENT_SEPARATOR) : Map.of());
        int column = TaskJob.textColumn(config, input);
        OutputWriter output = OutputWriter.prepare(spark, config);
        int partitions = 4 * Math.max(1, spark.sparkContext().defaultParallelism());

        JavaRDD<TokenizedDocument> tokenized = PretrainCorpus.tokenize(input, column, textFile, spec,
                settings.maxLength()).persist(StorageLevel.MEMORY_AND_DISK());
        PretrainCorpus.Summary corpus = PretrainCorpus.summarize(tokenized);
        PretrainConfig.requireDocuments(settings.objective(), corpus.documents());
        JavaRDD<TokenizedDocument> numbered = PretrainCorpus.index(PretrainCorpus.nonEmpty(tokenized), partitions)
                .persist(StorageLevel.MEMORY_AND_DISK());
        PretrainStatsAccumulator stats = PretrainStatsAccumulator.register(spark);
        TaskCounters counters = TaskCounters.register(spark);
        JavaRDD<PretrainInstance> instances = PretrainInstances.build(numbered, corpus.documents(), settings,
                partitions);
        if (generator != null) {
            instances = PretrainGenerator.replace(instances, generator, TaskConfig.budget(config),
                    settings.masking().maskId(), settings.seed());
        }
        JavaRDD<Row> rows = PretrainRows.rows(instances, settings, stats, counters.rows());
        Dataset<Row> results = output.withPartitionColumn(spark.createDataFrame(rows, PretrainRows.schema(settings)));
        try (ProgressReporter progress = ProgressReporter.start(spark, NAME, counters)) {
            output.write(results);
        }
        tokenized.unpersist(false);
        numbered.unpersist(false);

        PretrainStats written = stats.value();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("documents", corpus.documents());
        details.put("documents_without_tokens", corpus.emptyDocuments());
        details.put("sentences", corpus.sentences());
        details.put("sentences_without_tokens", corpus.emptySentences());
        details.put("corpus_tokens", corpus.tokens());
        details.putAll(written.toMap(settings.objective().labelColumn()));
        details.put("lengths_chart", chart(spark, output, written, settings));
        RunReport report = RunReport.builder(NAME)
                .rows(corpus.documents() + corpus.emptyDocuments(), written.instances(), 0,
                        written.truncatedInstances())
                .tokens(written.tokens())
                .cluster(spark.sparkContext().master(), executors(spark))
                .partitions(input.rdd().getNumPartitions(), partitions)
                .seconds((System.nanoTime() - start) / 1e9)
                .model(generator != null ? generator.modelId() : spec.modelId(),
                        generator != null ? ModelCache.get(generator).checkpoint().weightsSha256() : null,
                        generator != null ? ModelCache.get(generator).encoder().engine().id() : null,
                        generator != null ? ModelCache.get(generator).encoder().precision().id() : null)
                .config(config.masked())
                .details("pretrain", details)
                .build();
        output.writeReport(spark, report.toJson());
        String labels = details.containsKey("label_1_share") ? ", label 1 share " + details.get("label_1_share")
                : details.containsKey("replaced_share_of_masked") ? ", replaced share of masked "
                + details.get("replaced_share_of_masked") : "";
        System.err.println(report.summary() + String.format(Locale.ROOT, "; mask rate %.4f%s", written.maskRate(),
                labels));
    }

    /**
     * Writes the histogram of instance lengths beside the output; a chart that cannot be drawn (no fonts on a bare
     * server) is logged and reported, not fatal. Returns the chart's file name, or the reason it is missing.
     */
    private static String chart(SparkSession spark, OutputWriter output, PretrainStats stats, PretrainSettings settings) {
        try {
            byte[] png = Charts.histogram("pre-training instances by length", "tokens (special tokens included)",
                    "instances", stats.lengths(), Math.max(1, settings.maxLength() / 32));
            HadoopFiles.write(spark, new Path(output.path(), ExistingOutput.LENGTHS_CHART), png);
            return ExistingOutput.LENGTHS_CHART;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Cannot draw the chart of instance lengths: {}", e.toString(), e);
            return "not drawn: " + e;
        }
    }

    private static int executors(SparkSession spark) {
        int all = spark.sparkContext().statusTracker().getExecutorInfos().length;
        return spark.sparkContext().isLocal() ? 1 : Math.max(0, all - 1);
    }
}
