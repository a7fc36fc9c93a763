package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;

/**
 * One post-LayerNorm transformer encoder layer: self-attention with the padding mask, residual + LayerNorm,
 * feed-forward, residual + LayerNorm (BERT, RoBERTa, ALBERT, ELECTRA and DistilBERT all use this order). Query,
 * key and value are one fused projection whose query part is pre-scaled by 1/sqrt(head size) at load time.
 * Intermediate arrays are closed as soon as they are used.
 */
record TransformerLayer(Dense qkv, Dense attentionOut, Norm attentionNorm, Dense ffnIn, Dense ffnOut, Norm outputNorm,
                        int heads, FeedForwardActivation activation) {

    /** x [B, L, H] and the additive attention bias [B, 1, 1, L] to the layer's output [B, L, H]. */
    NDArray forward(NDArray x, NDArray attentionBias) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        long hidden = x.getShape().get(2);
        long headSize = hidden / heads;

        NDArray context;
        try (NDArray projected = qkv.apply(x);
             NDArray split = projected.reshape(batch, length, 3, heads, headSize).transpose(2, 0, 3, 1, 4);
             NDArray q = split.get(0);
             NDArray k = split.get(1);
             NDArray v = split.get(2);
             NDArray kt = k.transpose(0, 1, 3, 2);
             NDArray scores = q.matMul(kt).addi(attentionBias);
             NDArray probs = scores.softmax(-1);
             NDArray perHead = probs.matMul(v);
             NDArray merged = perHead.transpose(0, 2, 1, 3)) {
            context = merged.reshape(batch, length, hidden);
        }
        NDArray attended;
        try (context; NDArray residual = attentionOut.apply(context).addi(x)) {
            attended = attentionNorm.apply(residual);
        }
        try (NDArray inner = ffnIn.apply(attended);
             NDArray activated = activation.apply(inner);
             NDArray residual = ffnOut.apply(activated).addi(attended)) {
            return outputNorm.apply(residual);
        } finally {
            attended.close();
        }
    }
}
