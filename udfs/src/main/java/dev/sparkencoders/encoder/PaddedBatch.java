package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.text.TokenizedText;

import java.util.List;

/**
 * A batch of tokenized rows padded to the batch's longest row (not to the model maximum), as NDArrays of one
 * per-batch manager: token ids and segment ids [B, L] (int64) and the attention mask [B, L] (float32, 1 = token).
 */
public record PaddedBatch(NDArray ids, NDArray typeIds, NDArray mask, int[] lengths) {

    public static PaddedBatch of(NDManager manager, List<TokenizedText> rows, long padId) {
        int batch = rows.size();
        int width = rows.stream().mapToInt(TokenizedText::length).max().orElse(0);
        long[] ids = new long[batch * width];
        long[] types = new long[batch * width];
        float[] mask = new float[batch * width];
        int[] lengths = new int[batch];
        for (int r = 0; r < batch; r++) {
            TokenizedText row = rows.get(r);
            lengths[r] = row.length();
            for (int c = 0; c < width; c++) {
                int at = r * width + c;
                boolean token = c < row.length();
                ids[at] = token ? row.ids()[c] : padId;
                types[at] = token ? row.typeIds()[c] : 0;
                mask[at] = token ? 1f : 0f;
            }
        }
        Shape shape = new Shape(batch, width);
        return new PaddedBatch(manager.create(ids, shape), manager.create(types, shape), manager.create(mask, shape),
                lengths);
    }

    /**
     * The segment ids the model sees: the tokenizer's, or zeros for a model with a single segment embedding
     * (RoBERTa, XLM-RoBERTa, CamemBERT), as HuggingFace's tokenizers for those return no token_type_ids whatever
     * numbers their post-processor gives the second text.
     */
    public NDArray segmentIds(ModelConfig config) {
        return config.typeVocabSize() > 1 ? typeIds : typeIds.zerosLike();
    }

    public int size() {
        return lengths.length;
    }

    public int width() {
        return (int) ids.getShape().get(1);
    }

    /** Additive attention bias [B, 1, 1, L]: 0 for tokens, a large negative number for padding. */
    NDArray attentionBias() {
        return mask.sub(1f).mul(1e30f).reshape(size(), 1, 1, width());
    }
}
