package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/**
 * One post-LayerNorm transformer encoder layer (BERT style): self-attention with the padding mask, residual +
 * LayerNorm, feed-forward, residual + LayerNorm. Query, key and value are one fused projection whose query part
 * is pre-scaled by 1/sqrt(head size) at load time. Intermediate arrays are closed as soon as they are used.
 */
record TransformerLayer(
        NDArray qkvWeight, NDArray qkvBias,
        NDArray attentionOutWeight, NDArray attentionOutBias,
        NDArray attentionNormWeight, NDArray attentionNormBias,
        NDArray intermediateWeight, NDArray intermediateBias,
        NDArray outputWeight, NDArray outputBias,
        NDArray outputNormWeight, NDArray outputNormBias,
        int heads, float eps, FeedForwardActivation activation) {

    /** x [B, L, H] and the additive attention bias [B, 1, 1, L] to the layer's output [B, L, H]. */
    NDArray forward(NDArray x, NDArray attentionBias) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        long hidden = x.getShape().get(2);
        long headSize = hidden / heads;

        NDArray context;
        try (NDArray qkv = Linear.linear(x, qkvWeight, qkvBias).singletonOrThrow();
             NDArray split = qkv.reshape(batch, length, 3, heads, headSize).transpose(2, 0, 3, 1, 4);
             NDArray q = split.get(0);
             NDArray k = split.get(1);
             NDArray v = split.get(2);
             NDArray kt = k.transpose(0, 1, 3, 2);
             NDArray scores = q.matMul(kt).addi(attentionBias);
             NDArray probs = scores.softmax(-1);
             NDArray heads = probs.matMul(v);
             NDArray merged = heads.transpose(0, 2, 1, 3)) {
            context = merged.reshape(batch, length, hidden);
        }
        NDArray attended;
        try (context;
             NDArray residual = Linear.linear(context, attentionOutWeight, attentionOutBias).singletonOrThrow().addi(x)) {
            attended = layerNorm(residual, attentionNormWeight, attentionNormBias);
        }
        try (NDArray inner = Linear.linear(attended, intermediateWeight, intermediateBias).singletonOrThrow();
             NDArray activated = activation.apply(inner);
             NDArray residual = Linear.linear(activated, outputWeight, outputBias).singletonOrThrow().addi(attended)) {
            return layerNorm(residual, outputNormWeight, outputNormBias);
        } finally {
            attended.close();
        }
    }

    private NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().get(2)), weight, bias, eps).singletonOrThrow();
    }
}
