package dev.sparkencoders.jobs.evaluate;

import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;

import java.util.Arrays;
import java.util.Locale;

/**
 * The settings of {@code evaluate.task=intent}, read and checked from the job's configuration before any work.
 *
 * @param trainPath    the training CSV ({@code evaluate.train-path})
 * @param testPath     the test CSV ({@code evaluate.test-path}), used for the reported figures only
 * @param textCol      the column holding the text ({@code input.text-col}, default {@value IntentData#TEXT})
 * @param labelCol     the column holding the gold label ({@code evaluate.label-col})
 * @param maxIter      iterations of every logistic regression ({@code evaluate.max-iter})
 * @param regParams    one regularisation, or several to tune per method on a hold-out ({@code evaluate.reg-param})
 * @param outputFormat the format of the predictions ({@code output.format}, lower case)
 */
record IntentSettings(String trainPath, String testPath, String textCol, String labelCol, int maxIter,
                      double[] regParams, String outputFormat) {

    static IntentSettings from(JobConfig config) {
        String textCol = config.get(ConfigKey.INPUT_TEXT_COL) != null ? config.get(ConfigKey.INPUT_TEXT_COL)
                : IntentData.TEXT;
        double[] regParams = regParams(config);
        return new IntentSettings(config.require(ConfigKey.EVALUATE_TRAIN_PATH),
                config.require(ConfigKey.EVALUATE_TEST_PATH), textCol, config.require(ConfigKey.EVALUATE_LABEL_COL),
                config.positiveInt(ConfigKey.EVALUATE_MAX_ITER), regParams,
                config.require(ConfigKey.OUTPUT_FORMAT).toLowerCase(Locale.ROOT));
    }

    /** Whether the regularisation is tuned on a hold-out of the training rows. */
    boolean tuned() {
        return regParams.length > 1;
    }

    private static double[] regParams(JobConfig config) {
        String value = config.require(ConfigKey.EVALUATE_REG_PARAM);
        try {
            double[] params = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToDouble(Double::parseDouble).toArray();
            if (params.length > 0 && Arrays.stream(params).allMatch(p -> p >= 0 && Double.isFinite(p))) {
                return params;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message below
        }
        throw new JobConfigException("Cannot use " + ConfigKey.EVALUATE_REG_PARAM.key() + "=" + value
                + ": expected a non-negative number or a comma-separated list of them");
    }
}
