package dev.sparkencoders.spark.pretrain;

import dev.sparkencoders.text.pretrain.PretrainInstance;
import dev.sparkencoders.text.pretrain.PretrainObjective;
import dev.sparkencoders.text.pretrain.PretrainSettings;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Instances as rows with the columns of BERT's {@code create_pretraining_data.py}: {@code input_ids},
 * {@code segment_ids}, {@code input_mask} (with padding only), {@code masked_lm_positions}, {@code masked_lm_ids},
 * {@code masked_lm_weights} and {@code next_sentence_label} (1 = random next) or {@code sentence_order_label}
 * (1 = swapped), or for ELECTRA's data {@code replaced_labels} (per token, 1 = a generator's sample replaced
 * it, with {@code input_ids} holding the samples), all integers but the weights (float). Unpadded, the arrays are as long as the instance and its
 * predictions and every weight is 1; with padding, as BERT's tool writes them: ids to the maximum length with the
 * pad id (mask 0), predictions to the maximum predictions with position 0, id 0 and weight 0.
 *
 * <pre>{@code
 * Dataset<Row> rows = spark.createDataFrame(PretrainRows.rows(instances, settings, stats), PretrainRows.schema(settings));
 * }</pre>
 */
public final class PretrainRows {

    public static final String INPUT_IDS = "input_ids";
    public static final String SEGMENT_IDS = "segment_ids";
    public static final String INPUT_MASK = "input_mask";
    public static final String MASKED_LM_POSITIONS = "masked_lm_positions";
    public static final String MASKED_LM_IDS = "masked_lm_ids";
    public static final String MASKED_LM_WEIGHTS = "masked_lm_weights";
    public static final String REPLACED_LABELS = "replaced_labels";

    private PretrainRows() {}

    public static StructType schema(PretrainSettings settings) {
        List<StructField> fields = new ArrayList<>();
        fields.add(ints(INPUT_IDS));
        fields.add(ints(SEGMENT_IDS));
        if (settings.pad()) {
            fields.add(ints(INPUT_MASK));
        }
        fields.add(ints(MASKED_LM_POSITIONS));
        fields.add(ints(MASKED_LM_IDS));
        fields.add(DataTypes.createStructField(MASKED_LM_WEIGHTS,
                DataTypes.createArrayType(DataTypes.FloatType, false), false));
        PretrainObjective objective = settings.objective();
        if (objective.labelColumn() != null) {
            fields.add(DataTypes.createStructField(objective.labelColumn(), DataTypes.IntegerType, false));
        }
        if (objective.replacesTokens()) {
            fields.add(ints(REPLACED_LABELS));
        }
        return DataTypes.createStructType(fields);
    }

    private static StructField ints(String name) {
        return DataTypes.createStructField(name, DataTypes.createArrayType(DataTypes.IntegerType, false), false);
    }

    /**
     * The rows of the instances, in their order; every instance (skipped chunks too) is added to {@code stats}, and
     * every row to {@code written} (for progress lines).
     */
    public static JavaRDD<Row> rows(JavaRDD<PretrainInstance> instances, PretrainSettings settings,
                                    PretrainStatsAccumulator stats, LongAccumulator written) {
        return instances.mapPartitions(it -> {
            List<Row> rows = new ArrayList<>();
            while (it.hasNext()) {
                PretrainInstance instance = it.next();
                stats.add(instance);
                if (!instance.skipped()) {
                    rows.add(row(instance, settings));
                    written.add(1);
                }
            }
            return rows.iterator();
        });
    }

    static Row row(PretrainInstance instance, PretrainSettings settings) {
        int n = instance.length();
        int length = settings.pad() ? Math.max(n, settings.maxLength()) : n;
        int[] ids = Arrays.copyOf(instance.inputIds(), length);
        int[] segments = Arrays.copyOf(instance.segmentIds(), length);
        int[] mask = new int[length];
        for (int i = 0; i < length; i++) {
            mask[i] = i < n ? 1 : 0;
            if (i >= n) {
                ids[i] = settings.padId();
            }
        }
        int p = instance.maskedPositions().length;
        int predictions = settings.pad() ? Math.max(p, settings.masking().maxPredictions()) : p;
        float[] weights = new float[predictions];
        Arrays.fill(weights, 0, p, 1f);
        List<Object> values = new ArrayList<>();
        values.add(ids);
        values.add(segments);
        if (settings.pad()) {
            values.add(mask);
        }
        values.add(Arrays.copyOf(instance.maskedPositions(), predictions));
        values.add(Arrays.copyOf(instance.maskedIds(), predictions));
        values.add(weights);
        if (settings.objective().labelColumn() != null) {
            values.add(instance.label());
        }
        if (settings.objective().replacesTokens()) {
            values.add(Arrays.copyOf(instance.replacedLabels(), length));
        }
        return RowFactory.create(values.toArray());
    }
}
