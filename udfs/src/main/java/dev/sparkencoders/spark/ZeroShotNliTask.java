package dev.sparkencoders.spark;

import dev.sparkencoders.encoder.HeadKind;
import dev.sparkencoders.runtime.BatchRunner;
import dev.sparkencoders.runtime.EncoderModel;
import dev.sparkencoders.runtime.RowResult;
import dev.sparkencoders.runtime.Tasks;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Zero-shot classification with a natural-language-inference cross-encoder, as HuggingFace's zero-shot pipeline
 * defines it: the text is the premise and each label, put into the template, a hypothesis. Single-label: the softmax
 * over the labels of the entailment logits. Multi-label: for each label on its own, the softmax of its
 * [contradiction, entailment] logits, the entailment side. Same columns as {@link ClassifyTask}.
 *
 * <pre>{@code
 * ZeroShotNliTask.forModel(0, model, List.of("billing", "delivery"), "This text is about {}.", false, 0.0);
 * }</pre>
 *
 * @param entailment    index of the model's entailment label (the one whose name starts with "entail")
 * @param contradiction index of the logit set against entailment in multi-label mode: 0, or the last label when
 *                      entailment is 0
 */
public record ZeroShotNliTask(int textIndex, List<String> labels, String template, boolean multiLabel,
                              double threshold, int entailment, int contradiction) implements TextTask {

    public ZeroShotNliTask {
        ZeroShotLabels.check(labels, template);
        labels = List.copyOf(labels);
    }

    /** Whether the model's {@code id2label} names an entailment label, so that it can classify zero-shot. */
    public static boolean isNli(EncoderModel model) {
        return entailmentIndex(model.checkpoint().config().labels()) >= 0;
    }

    /** The task for this NLI model; refuses a model without an entailment label in one sentence. */
    public static ZeroShotNliTask forModel(int textIndex, EncoderModel model, List<String> labels, String template,
                                           boolean multiLabel, double threshold) {
        List<String> names = model.checkpoint().config().labels();
        int entailment = entailmentIndex(names);
        if (entailment < 0) {
            throw new IllegalArgumentException("Cannot classify zero-shot by inference with this model: its labels "
                    + names + " have no entailment label (use an NLI model, or zero-shot.method=embedding)");
        }
        return new ZeroShotNliTask(textIndex, labels, template, multiLabel, threshold, entailment,
                entailment == 0 ? names.size() - 1 : 0);
    }

    private static int entailmentIndex(List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).toLowerCase(Locale.ROOT).startsWith("entail")) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public List<StructField> resultFields() {
        return ClassifyTask.FIELDS;
    }

    @Override
    public void validate(EncoderModel model) {
        model.head(HeadKind.SEQUENCE_CLASSIFICATION);
    }

    @Override
    public List<RowResult<Object[]>> process(BatchRunner runner, List<Row> rows) {
        List<String> hypotheses = ZeroShotLabels.descriptions(labels, template);
        List<String[]> pairs = new ArrayList<>(rows.size() * labels.size());
        for (Row row : rows) {
            String text = TextTask.text(row, textIndex);
            for (String hypothesis : hypotheses) {
                pairs.add(new String[] {text, hypothesis});
            }
        }
        List<RowResult<float[]>> logits = runner.run(pairs,
                p -> runner.model().tokenizer().encodePair(p[0], p[1]), Tasks.classLogits());
        List<RowResult<Object[]>> out = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            out.add(row(logits.subList(r * labels.size(), (r + 1) * labels.size())));
        }
        return out;
    }

    private RowResult<Object[]> row(List<RowResult<float[]>> perLabel) {
        int tokens = 0;
        boolean truncated = false;
        double[] entailmentLogits = new double[perLabel.size()];
        float[] probabilities = new float[perLabel.size()];
        for (int l = 0; l < perLabel.size(); l++) {
            RowResult<float[]> pair = perLabel.get(l);
            if (!pair.ok()) {
                return RowResult.failed(pair.error());
            }
            tokens += pair.tokens();
            truncated |= pair.truncated();
            entailmentLogits[l] = pair.value()[entailment];
            probabilities[l] = Softmax.floats(
                    new double[] {pair.value()[contradiction], pair.value()[entailment]})[1];
        }
        float[] scores = multiLabel ? probabilities : Softmax.floats(entailmentLogits);
        return new RowResult<>(ClassifyTask.columns(scores, labels, threshold), null, tokens, truncated);
    }
}
