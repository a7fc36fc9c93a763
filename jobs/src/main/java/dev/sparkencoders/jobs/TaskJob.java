package dev.sparkencoders.jobs;

import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.Job;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.config.Models;
import dev.sparkencoders.jobs.config.TaskConfig;
import dev.sparkencoders.jobs.head.SavedHead;
import dev.sparkencoders.jobs.io.ExecutorMemoryCheck;
import dev.sparkencoders.jobs.io.InputFormat;
import dev.sparkencoders.jobs.io.InputReader;
import dev.sparkencoders.jobs.io.InputSpread;
import dev.sparkencoders.jobs.io.OutputWriter;
import dev.sparkencoders.jobs.io.ProgressReporter;
import dev.sparkencoders.jobs.io.RunReport;
import dev.sparkencoders.jobs.io.SparkSessions;
import dev.sparkencoders.jobs.io.TableOutput;
import dev.sparkencoders.ml.TextEmbedder;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.ModelCache;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.spark.ClassifyTask;
import dev.sparkencoders.spark.EmbedTask;
import dev.sparkencoders.spark.FillMaskTask;
import dev.sparkencoders.spark.NerTask;
import dev.sparkencoders.spark.PairMode;
import dev.sparkencoders.spark.PairsTask;
import dev.sparkencoders.spark.QuestionAnswerTask;
import dev.sparkencoders.spark.ReplacedTokensTask;
import dev.sparkencoders.spark.TaskCounters;
import dev.sparkencoders.spark.TaskSettings;
import dev.sparkencoders.spark.TextTask;
import dev.sparkencoders.spark.ZeroShotEmbeddingTask;
import dev.sparkencoders.spark.ZeroShotMethod;
import dev.sparkencoders.spark.ZeroShotNliTask;
import dev.sparkencoders.text.AggregationStrategy;
import org.apache.spark.sql.Dataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

/**
 * The pipeline every text job shares: read the input, check columns, output and model on the driver, run the
 * job's {@link TextTask} over the partitions, write the input columns plus the task's columns plus {@code error},
 * then write the run report from the counts of the tasks that wrote it.
 *
 * <pre>
 * ./spark-encoders classify --set model.path=/models/sentiment --set input.path=reviews.parquet --set input.format=parquet --set output.path=out/
 * </pre>
 */
final class TaskJob implements Job {

    private static final Logger LOG = LoggerFactory.getLogger(TaskJob.class);

    /** Builds a job's task from its configuration, the input and the loaded model (on the driver). */
    interface TaskFactory {
        TextTask create(JobConfig config, Dataset<Row> input, EncoderModel model);

        /**
         * The model the task runs on, read before Spark starts and the model is loaded: by default the one the
         * model.* settings name.
         */
        default ModelSpec spec(JobConfig config) {
            return Models.spec(config);
        }

    }

    private final String name;
    private final TaskFactory factory;

    TaskJob(String name, TaskFactory factory) {
        this.name = name;
        this.factory = factory;
    }

    static TaskJob embed() {
        return new TaskJob("embed", (config, input, model) -> {
            try {
                return new EmbedTask(textColumn(config, input),
                        EmbedTask.VectorType.parse(config.require(ConfigKey.OUTPUT_VECTOR_TYPE)),
                        TaskConfig.longText(config, model), config.get(ConfigKey.EMBED_PROMPT));
            } catch (IllegalArgumentException e) {
                throw new JobConfigException(e.getMessage(), e);
            }
        });
    }

    static TaskJob classify() {
        return new TaskJob("classify", new ClassifyFactory());
    }

    /**
     * classify: the checkpoint's classification head, or with head.path a saved Spark ML PipelineModel, which names
     * the model itself when it starts with a TextEmbedder.
     */
    private static final class ClassifyFactory implements TaskFactory {

        @Override
        public ModelSpec spec(JobConfig config) {
            TextEmbedder embedder = config.get(ConfigKey.HEAD_PATH) == null ? null : SavedHead.embedderOf(config);
            return embedder != null ? embedder.modelSpec() : Models.spec(config);
        }

        @Override
        public TextTask create(JobConfig config, Dataset<Row> input, EncoderModel model) {
            int text = textColumn(config, input);
            if (config.get(ConfigKey.HEAD_PATH) != null) {
                SavedHead head = SavedHead.read(config);
                EmbedTask embed = head.embedder() != null ? embedderTask(head.embedder(), text, model)
                        : new EmbedTask(text, EmbedTask.VectorType.VECTOR, TaskConfig.longText(config, model));
                return PipelineHeadTask.of(head, input.schema(), embed, model.checkpoint().config().hiddenSize());
            }
            Double threshold = config.get(ConfigKey.CLASSIFY_THRESHOLD) != null
                    ? config.unitInterval(ConfigKey.CLASSIFY_THRESHOLD) : null;
            if (config.get(ConfigKey.ZERO_SHOT_LABELS) != null) {
                return zeroShot(config, text, threshold, model);
            }
            return ClassifyTask.forModel(text, model, threshold, TaskConfig.longText(config, model));
        }

        private static TextTask zeroShot(JobConfig config, int text, Double threshold, EncoderModel model) {
            if (config.get(ConfigKey.HEAD_PATH) != null) {
                throw new JobConfigException("Cannot use both " + ConfigKey.ZERO_SHOT_LABELS.key() + " and "
                        + ConfigKey.HEAD_PATH.key() + ": zero-shot labels replace a trained head (unset one of them)");
            }
            List<String> labels = Arrays.stream(config.get(ConfigKey.ZERO_SHOT_LABELS).split(",")).map(String::trim)
                    .toList();
            String template = config.require(ConfigKey.ZERO_SHOT_TEMPLATE);
            boolean multiLabel = config.bool(ConfigKey.ZERO_SHOT_MULTI_LABEL);
            try {
                ZeroShotMethod method = ZeroShotMethod.parse(config.require(ConfigKey.ZERO_SHOT_METHOD)).resolve(model);
                if (method == ZeroShotMethod.NLI) {
                    return ZeroShotNliTask.forModel(text, model, labels, template, multiLabel,
                            threshold != null ? threshold : multiLabel ? 0.5 : 0.0);
                }
                if (multiLabel) {
                    throw new JobConfigException("Cannot score zero-shot labels one by one with embeddings: the"
                            + " cosines only rank the labels against each other (use an NLI model with"
                            + " zero-shot.method=nli, or unset zero-shot.multi-label)");
                }
                double temperature = config.number(ConfigKey.ZERO_SHOT_TEMPERATURE);
                return new ZeroShotEmbeddingTask(text, labels, template, temperature,
                        threshold != null ? threshold : 0.0, TaskConfig.longText(config, model));
            } catch (IllegalArgumentException e) {
                throw new JobConfigException(e.getMessage(), e);
            }
        }

        private static EmbedTask embedderTask(TextEmbedder embedder, int text, EncoderModel model) {
            try {
                return embedder.task(text, model);
            } catch (IllegalArgumentException e) {
                throw new JobConfigException(e.getMessage(), e);
            }
        }
    }

    static TaskJob ner() {
        return new TaskJob("ner", (config, input, model) -> {
            try {
                return NerTask.forModel(textColumn(config, input), model,
                        AggregationStrategy.parse(config.require(ConfigKey.NER_AGGREGATION)), TaskConfig.longText(config, model));
            } catch (IllegalArgumentException e) {
                throw new JobConfigException(e.getMessage(), e);
            }
        });
    }

    static TaskJob fillMask() {
        return new TaskJob("fill-mask", (config, input, model) ->
                new FillMaskTask(textColumn(config, input), config.positiveInt(ConfigKey.FILL_MASK_TOP_K)));
    }

    static TaskJob replacedTokens() {
        return new TaskJob("replaced-tokens", (config, input, model) ->
                new ReplacedTokensTask(textColumn(config, input), TaskConfig.longText(config, model)));
    }

    static TaskJob questionAnswering() {
        return new TaskJob("qa", (config, input, model) -> {
            int question = InputReader.stringColumn(input, config.require(ConfigKey.QA_QUESTION_COL),
                    ConfigKey.QA_QUESTION_COL);
            int context = InputReader.stringColumn(input, config.require(ConfigKey.QA_CONTEXT_COL),
                    ConfigKey.QA_CONTEXT_COL);
            try {
                Integer stride = config.get(ConfigKey.QA_DOC_STRIDE) == null ? null
                        : config.nonNegativeInt(ConfigKey.QA_DOC_STRIDE);
                return new QuestionAnswerTask(question, context, stride,
                        config.positiveInt(ConfigKey.QA_MAX_ANSWER_TOKENS),
                        config.number(ConfigKey.QA_NULL_THRESHOLD), config.positiveInt(ConfigKey.QA_TOP_K));
            } catch (IllegalArgumentException e) {
                throw new JobConfigException(e.getMessage(), e);
            }
        });
    }

    static TaskJob pairs() {
        return new TaskJob("pairs", (config, input, model) -> {
            int first = InputReader.stringColumn(input, config.require(ConfigKey.PAIRS_TEXT_A_COL), ConfigKey.PAIRS_TEXT_A_COL);
            int second = InputReader.stringColumn(input, config.require(ConfigKey.PAIRS_TEXT_B_COL), ConfigKey.PAIRS_TEXT_B_COL);
            try {
                return new PairsTask(first, second, PairMode.resolve(config.require(ConfigKey.PAIRS_MODE), model));
            } catch (IllegalArgumentException e) {
                throw new JobConfigException(e.getMessage(), e);
            }
        });
    }

    /** The index of input.id-col, or -1 when unset. */
    static int idColumn(JobConfig config, Dataset<Row> input) {
        String id = config.get(ConfigKey.INPUT_ID_COL);
        if (id == null) {
            return -1;
        }
        if (!Arrays.asList(input.columns()).contains(id)) {
            throw new JobConfigException("Cannot find id column '" + id + "' in the input: it has columns "
                    + Arrays.toString(input.columns()) + " (set input.id-col)");
        }
        return input.schema().fieldIndex(id);
    }

    static int textColumn(JobConfig config, Dataset<Row> input) {
        String column = config.get(ConfigKey.INPUT_TEXT_COL) != null ? config.get(ConfigKey.INPUT_TEXT_COL)
                : InputFormat.parse(config.require(ConfigKey.INPUT_FORMAT)).defaultTextColumn();
        return InputReader.stringColumn(input, column, ConfigKey.INPUT_TEXT_COL);
    }

    /** The model as the driver loaded it to validate it, and how many loads that took (0 when cached). */
    private record ValidatedModel(ModelSpec spec, EncoderModel model, long loads) {

        static ValidatedModel load(ModelSpec spec, JobConfig config) {
            long before = ModelCache.loads();
            EncoderModel model = Models.validate(spec, config);
            return new ValidatedModel(spec, model, ModelCache.loads() - before);
        }
    }

    /**
     * Loads the model on a second thread while Spark starts (each takes seconds), then runs the job. A bad model
     * stops the session and fails the job with the model's one sentence before any task runs.
     */
    @Override
    public void run(JobConfig config) {
        long start = System.nanoTime();
        ModelSpec spec = factory.spec(config);
        CompletableFuture<ValidatedModel> loading = CompletableFuture.supplyAsync(() -> ValidatedModel.load(spec, config),
                runnable -> {
                    Thread thread = new Thread(runnable, "spark-encoders-model-load");
                    thread.setDaemon(true);
                    thread.start();
                });
        SparkSession spark = SparkSessions.create(name, config);
        try {
            run(spark, config, loaded(loading), start);
        } finally {
            spark.stop();
        }
    }

    private static ValidatedModel loaded(CompletableFuture<ValidatedModel> loading) {
        try {
            return loading.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void run(SparkSession spark, JobConfig config, ValidatedModel validated, long start) {
        ModelSpec spec = validated.spec();
        EncoderModel model = validated.model();
        // In local mode the driver is the executor: the model it loaded to validate is the one the tasks use.
        long driverLoads = spark.sparkContext().isLocal() ? validated.loads() : 0;
        ExecutorMemoryCheck.shortfall(spark.sparkContext().getConf(), model.checkpoint().weightsFile().toFile().length())
                .ifPresent(LOG::warn);
        InputSpread spread = InputSpread.read(spark, config);
        if (spread.partitions() != spread.inputPartitions()) {
            LOG.info("Spread the input's {} split(s) over {} tasks (in input order) so every core has work",
                    spread.inputPartitions(), spread.partitions());
        }
        Dataset<Row> input = spread.rows();
        OutputWriter output = TableOutput.configured(config) ? null : OutputWriter.prepare(spark, config);
        TaskSettings settings = TaskConfig.settings(config, spec);
        TextTask task = factory.create(config, input, model);
        try {
            task.validate(model);
        } catch (CheckpointException | IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage(), e);
        }

        String modelId = spec.modelId();
        String weightsSha256 = model.checkpoint().weightsSha256();
        TableOutput table = output == null ? TableOutput.prepare(spark, config, modelId, weightsSha256) : null;
        TaskCounters counters = TaskCounters.register(spark);
        int idIndex = idColumn(config, input);
        // Parquet keeps column metadata in the file footer: every result column names the model and its weights.
        Metadata provenance = new MetadataBuilder().putString("spark_encoders.model", modelId)
                .putString("spark_encoders.weights_sha256", weightsSha256).build();
        UnaryOperator<Dataset<Row>> encode = rows -> {
            Dataset<Row> results = settings.run(rows, task, idIndex, counters);
            for (var field : task.resultFields()) {
                results = results.withMetadata(field.name(), provenance);
            }
            return task instanceof ResultTransform transform ? transform.transform(results) : results;
        };
        TableOutput.Written written = null;
        try (ProgressReporter progress = ProgressReporter.start(spark, name, counters)) {
            if (table != null) {
                String id = idIndex < 0 ? null : input.columns()[idIndex];
                written = table.write(table.withInputHash(input, id), id, encode, spread.partitions());
            } else {
                output.write(output.withPartitionColumn(encode.apply(input)));
            }
        }

        // Counted by the tasks of the stages that wrote the output: a task adds its counts once, when it succeeds.
        long rows = counters.rows().value();
        long unchanged = written == null ? 0 : written.unchanged();
        RunReport report = RunReport.builder(name)
                .rows(rows + unchanged, rows + unchanged, counters.rowsFailed().value(), counters.rowsTruncated().value())
                .encoded(rows, unchanged)
                .tokens(counters.tokens().value())
                .modelLoads(driverLoads + counters.modelLoads().value())
                .cluster(spark.sparkContext().master(), executors(spark))
                .partitions(spread.inputPartitions(), spread.partitions())
                .seconds((System.nanoTime() - start) / 1e9)
                .model(modelId, weightsSha256, model.encoder().engine().id(), model.encoder().precision().id())
                .config(config.masked())
                .build();
        if (table != null) {
            table.recordRun(report);
        } else {
            output.writeReport(spark, report.toJson());
        }
        System.err.println(report.summary());
    }


    /** Executors that ran tasks: the driver itself in local mode, else every executor but the driver. */
    private static int executors(SparkSession spark) {
        int all = spark.sparkContext().statusTracker().getExecutorInfos().length;
        return spark.sparkContext().isLocal() ? 1 : Math.max(0, all - 1);
    }
}
