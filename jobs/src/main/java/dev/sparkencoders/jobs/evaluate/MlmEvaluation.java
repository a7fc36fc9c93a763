package dev.sparkencoders.jobs.evaluate;

import dev.sparkencoders.encoder.HeadKind;
import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import dev.sparkencoders.jobs.config.PretrainConfig;
import dev.sparkencoders.jobs.io.InputFormat;
import dev.sparkencoders.jobs.io.InputReader;
import dev.sparkencoders.jobs.io.ProgressReporter;
import dev.sparkencoders.model.CheckpointException;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.spark.pretrain.MaskedLmScoring;
import dev.sparkencoders.spark.pretrain.PretrainCorpus;
import dev.sparkencoders.spark.pretrain.PretrainInstances;
import dev.sparkencoders.text.VocabularyPieces;
import dev.sparkencoders.text.pretrain.PretrainObjective;
import dev.sparkencoders.text.pretrain.PretrainSettings;
import dev.sparkencoders.text.pretrain.TokenizedDocument;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Masked-LM evaluation: how well a checkpoint's masked-LM head fits a corpus. The corpus ({@code input.*}) is cut
 * into instances and masked exactly as the pretrain-data job does with the same {@code pretrain.*} settings (one
 * segment unless {@code pretrain.objective} says otherwise), and the head reads every instance: at each chosen
 * position, is the original token its top-1 / among its top-5, and what log-probability does it give it. The
 * pseudo-perplexity is {@code exp} of the mean negative log-probability of the originals over all chosen positions
 * ([MASK], random and unchanged, as BERT's loss counts them); it is the perplexity under BERT's 15% masking, not
 * the one-token-at-a-time pseudo-perplexity of Salazar et al. Figures are also given per kind of position and per
 * instance length, drawn in {@code mlm-by-length.png}.
 *
 * <pre>
 * ./spark-encoders evaluate --set evaluate.task=mlm --set model.path=models/bert-base-uncased --set input.path=held-out.txt --set output.path=out/mlm
 * </pre>
 */
final class MlmEvaluation {

    static final String CHART = "mlm-by-length.png";
    static final int BUCKET = 16;
    private static final String[] KINDS = {"mask", "random", "unchanged"};

    private final SparkSession spark;
    private final JobConfig config;
    private final EncoderFeatures features;
    private final EvaluationOutput output;

    MlmEvaluation(SparkSession spark, JobConfig config, EncoderFeatures features, EvaluationOutput output) {
        this.spark = spark;
        this.config = config;
        this.features = features;
        this.output = output;
    }

    /** The head and the pretrain.* settings, checked before any Spark work. */
    private PretrainSettings settings() {
        EncoderModel model = features.model();
        try {
            model.head(HeadKind.MASKED_LM);
        } catch (CheckpointException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
        PretrainObjective objective = config.isGiven(ConfigKey.PRETRAIN_OBJECTIVE) ? PretrainConfig.objective(config)
                : PretrainObjective.NONE;
        if (objective.replacesTokens()) {
            throw new JobConfigException("Cannot evaluate a masked-LM head on replaced tokens: pretrain.objective=rtd"
                    + " feeds a generator's samples to a discriminator (use nsp, sop or none)");
        }
        int maxLength = config.positiveInt(ConfigKey.PRETRAIN_MAX_LENGTH);
        if (maxLength > model.tokenizer().maxLength()) {
            throw new JobConfigException("Cannot evaluate " + features.modelId() + " on instances of " + maxLength
                    + " tokens: the model reads " + model.tokenizer().maxLength() + " at most (lower "
                    + ConfigKey.PRETRAIN_MAX_LENGTH.key() + ")");
        }
        try {
            return PretrainConfig.settings(config, objective, model.tokenizer(),
                    VocabularyPieces.read(model.checkpoint().tokenizerFile()));
        } catch (CheckpointException e) {
            throw new JobConfigException(e.getMessage(), e);
        }
    }

    Map<String, Object> run() {
        PretrainSettings settings = settings();
        boolean textFile = InputFormat.parse(config.require(ConfigKey.INPUT_FORMAT)) == InputFormat.TEXT;
        Dataset<Row> input = InputReader.read(spark, config,
                textFile ? Map.of("lineSep", PretrainCorpus.TEXT_DOCUMENT_SEPARATOR) : Map.of());
        String column = config.get(ConfigKey.INPUT_TEXT_COL) != null ? config.get(ConfigKey.INPUT_TEXT_COL)
                : InputFormat.parse(config.require(ConfigKey.INPUT_FORMAT)).defaultTextColumn();
        int columnIndex = InputReader.stringColumn(input, column, ConfigKey.INPUT_TEXT_COL);
        int partitions = 4 * Math.max(1, spark.sparkContext().defaultParallelism());

        long start = System.nanoTime();
        JavaRDD<TokenizedDocument> tokenized = PretrainCorpus.tokenize(input, columnIndex, textFile, features.spec(),
                settings.maxLength()).persist(StorageLevel.MEMORY_AND_DISK());
        PretrainCorpus.Summary corpus = PretrainCorpus.summarize(tokenized);
        PretrainConfig.requireDocuments(settings.objective(), corpus.documents());
        JavaRDD<TokenizedDocument> numbered = PretrainCorpus.index(PretrainCorpus.nonEmpty(tokenized), partitions);
        JavaRDD<MaskedLmScoring.Score> scores = MaskedLmScoring.score(
                PretrainInstances.build(numbered, corpus.documents(), settings, partitions), features.spec(),
                features.budget());
        Tally tally;
        try (ProgressReporter progress = ProgressReporter.start(spark, "evaluate mlm", features.counters())) {
            tally = scores.aggregate(new Tally(settings.maxLength()), Tally::add, Tally::merge);
        }
        tokenized.unpersist(false);
        double seconds = EvaluateJob.seconds(start);
        if (tally.masked() == 0) {
            throw new JobConfigException("Cannot evaluate the masked-LM head: no token of the input was masked (check"
                    + " pretrain.mask-prob)");
        }

        Map<String, Object> report = new LinkedHashMap<>();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("path", config.require(ConfigKey.INPUT_PATH));
        data.put("documents", corpus.documents());
        data.put("documents_without_tokens", corpus.emptyDocuments());
        data.put("sentences", corpus.sentences());
        data.put("tokens", corpus.tokens());
        report.put("data", data);
        Map<String, Object> masking = new LinkedHashMap<>();
        masking.put("objective", settings.objective().name().toLowerCase(Locale.ROOT));
        masking.put("max_length", settings.maxLength());
        masking.put("mask_prob", settings.masking().maskProb());
        masking.put("max_predictions", settings.masking().maxPredictions());
        masking.put("whole_word", settings.masking().wholeWord());
        masking.put("dupe_factor", settings.dupeFactor());
        masking.put("seed", settings.seed());
        report.put("masking", masking);
        report.put("instances", tally.instances);
        report.putAll(tally.figures(-1));
        Map<String, Object> byKind = new LinkedHashMap<>();
        for (int kind = 0; kind < KINDS.length; kind++) {
            byKind.put(KINDS[kind], tally.figures(kind));
        }
        report.put("by_position_kind", byKind);
        List<Map<String, Object>> byLength = new ArrayList<>();
        List<String> buckets = new ArrayList<>();
        List<Double> top1 = new ArrayList<>();
        List<Double> top5 = new ArrayList<>();
        for (int b = 0; b < tally.bucketMasked.length; b++) {
            if (tally.bucketMasked[b] == 0) {
                continue;
            }
            String label = (b * BUCKET + 1) + "-" + ((b + 1) * BUCKET);
            Map<String, Object> bucket = new LinkedHashMap<>();
            bucket.put("tokens", label);
            bucket.put("instances", tally.bucketInstances[b]);
            bucket.put("masked_tokens", tally.bucketMasked[b]);
            bucket.put("top1_accuracy", round(tally.bucketTop1[b], tally.bucketMasked[b]));
            bucket.put("top5_accuracy", round(tally.bucketTop5[b], tally.bucketMasked[b]));
            bucket.put("pseudo_perplexity", EvaluateJob.round(Math.exp(tally.bucketNll[b] / tally.bucketMasked[b]), 3));
            byLength.add(bucket);
            buckets.add(label);
            top1.add((double) tally.bucketTop1[b] / tally.bucketMasked[b]);
            top5.add((double) tally.bucketTop5[b] / tally.bucketMasked[b]);
        }
        report.put("by_length", byLength);
        List<String> charts = new ArrayList<>();
        Map<String, String> chartErrors = new LinkedHashMap<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("top-1 accuracy", top1);
        series.put("top-5 accuracy", top5);
        EvaluateJob.chart(output, CHART, () -> Charts.bars("masked-token accuracy by instance length, "
                + features.modelId(), "tokens per instance (special tokens included)", "accuracy", buckets, series),
                charts, chartErrors);
        report.put("charts", charts);
        if (!chartErrors.isEmpty()) {
            report.put("chart_errors", chartErrors);
        }
        report.put("scoring_seconds", EvaluateJob.round(seconds, 3));
        report.put("summary", String.format(Locale.ROOT, "top-1 %.4f, top-5 %.4f, pseudo-perplexity %.3f over %,d"
                        + " masked tokens", (double) tally.top1[3] / tally.masked(),
                (double) tally.top5[3] / tally.masked(), Math.exp(tally.nll[3] / tally.masked()), tally.masked()));
        return report;
    }

    private static double round(long count, long total) {
        return EvaluateJob.round((double) count / total, 5);
    }

    /** Sums over scored instances: per kind of position (index 3 = all), and per length bucket. */
    static final class Tally implements java.io.Serializable {
        long instances;
        final long[] masked = new long[4];
        final long[] top1 = new long[4];
        final long[] top5 = new long[4];
        final double[] nll = new double[4];
        final long[] bucketInstances;
        final long[] bucketMasked;
        final long[] bucketTop1;
        final long[] bucketTop5;
        final double[] bucketNll;

        Tally(int maxLength) {
            int buckets = (maxLength + BUCKET - 1) / BUCKET + 1;
            bucketInstances = new long[buckets];
            bucketMasked = new long[buckets];
            bucketTop1 = new long[buckets];
            bucketTop5 = new long[buckets];
            bucketNll = new double[buckets];
        }

        long masked() {
            return masked[3];
        }

        Tally add(MaskedLmScoring.Score score) {
            instances++;
            int b = Math.min(bucketMasked.length - 1, Math.max(0, (score.length() - 1) / BUCKET));
            bucketInstances[b]++;
            for (int k = 0; k < score.ranks().length; k++) {
                int rank = score.ranks()[k];
                double loss = -score.logProbs()[k];
                for (int slot : new int[] {score.kinds()[k], 3}) {
                    masked[slot]++;
                    top1[slot] += rank == 0 ? 1 : 0;
                    top5[slot] += rank < 5 ? 1 : 0;
                    nll[slot] += loss;
                }
                bucketMasked[b]++;
                bucketTop1[b] += rank == 0 ? 1 : 0;
                bucketTop5[b] += rank < 5 ? 1 : 0;
                bucketNll[b] += loss;
            }
            return this;
        }

        Tally merge(Tally o) {
            instances += o.instances;
            for (int i = 0; i < 4; i++) {
                masked[i] += o.masked[i];
                top1[i] += o.top1[i];
                top5[i] += o.top5[i];
                nll[i] += o.nll[i];
            }
            for (int b = 0; b < bucketMasked.length; b++) {
                bucketInstances[b] += o.bucketInstances[b];
                bucketMasked[b] += o.bucketMasked[b];
                bucketTop1[b] += o.bucketTop1[b];
                bucketTop5[b] += o.bucketTop5[b];
                bucketNll[b] += o.bucketNll[b];
            }
            return this;
        }

        /** The figures of one kind of position, or of all with {@code kind} -1. */
        Map<String, Object> figures(int kind) {
            int slot = kind < 0 ? 3 : kind;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("masked_tokens", masked[slot]);
            if (masked[slot] > 0) {
                m.put("top1_accuracy", round(top1[slot], masked[slot]));
                m.put("top5_accuracy", round(top5[slot], masked[slot]));
                m.put("pseudo_perplexity", EvaluateJob.round(Math.exp(nll[slot] / masked[slot]), 4));
                m.put("mean_log_prob", EvaluateJob.round(-nll[slot] / masked[slot], 6));
            }
            return m;
        }
    }
}
