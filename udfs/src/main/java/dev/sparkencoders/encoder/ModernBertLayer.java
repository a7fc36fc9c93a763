package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * One ModernBERT layer, pre-LayerNorm: x + Wo(attention(attn_norm(x))), then x + mlp.Wo(act(a) * g) where a and g
 * are the first and second halves of mlp.Wi(mlp_norm(x)) (GeGLU). Attention rotates queries and keys by their
 * positions (rotate-half convention) and scales scores by 1/sqrt(head size); the additive bias it is given holds the
 * padding mask, and for a local layer the sliding window too. {@code attentionNorm} is null for layer 0, whose
 * attn_norm is the identity. Intermediate arrays are closed as soon as they are used.
 */
record ModernBertLayer(Norm attentionNorm, Dense qkv, Dense attentionOut, Norm mlpNorm, Dense mlpIn, Dense mlpOut,
                       int heads, long intermediate, FeedForwardActivation activation) {

    /**
     * x [B, L, H], the additive attention bias ([B, 1, 1, L] or [B, 1, L, L]) and the rotary cos/sin [L, head size]
     * of this layer's base, to the layer's output [B, L, H].
     */
    NDArray forward(NDArray x, NDArray attentionBias, NDArray cos, NDArray sin) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        long hidden = x.getShape().get(2);
        long headSize = hidden / heads;

        NDArray normed = attentionNorm == null ? x : attentionNorm.apply(x);
        NDArray context;
        try (NDArray projected = qkv.apply(normed);
             NDArray split = projected.reshape(batch, length, 3, heads, headSize).transpose(2, 0, 3, 1, 4);
             NDArray q = split.get(0);
             NDArray k = split.get(1);
             NDArray v = split.get(2);
             NDArray rq = rotate(q, cos, sin);
             NDArray rk = rotate(k, cos, sin);
             NDArray kt = rk.transpose(0, 1, 3, 2);
             NDArray scores = rq.matMul(kt).muli((float) (1 / Math.sqrt(headSize))).addi(attentionBias);
             NDArray probs = scores.softmax(-1);
             NDArray perHead = probs.matMul(v);
             NDArray merged = perHead.transpose(0, 2, 1, 3)) {
            context = merged.reshape(batch, length, hidden);
        } finally {
            if (normed != x) {
                normed.close();
            }
        }
        NDArray attended;
        try (context; NDArray out = attentionOut.apply(context)) {
            attended = out.add(x);
        }
        try (NDArray normedMlp = mlpNorm.apply(attended);
             NDArray inner = mlpIn.apply(normedMlp);
             NDArray input = inner.get("..., :" + intermediate);
             NDArray gate = inner.get("..., " + intermediate + ":");
             NDArray activated = activation.apply(input);
             NDArray gated = activated.mul(gate)) {
            return mlpOut.apply(gated).addi(attended);
        } finally {
            attended.close();
        }
    }

    /** x * cos + rotate_half(x) * sin, where rotate_half([a, b]) = [-b, a] over the last axis. */
    private static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(x.getShape().dimension() - 1) / 2;
        try (NDArray first = x.get("..., :" + half);
             NDArray second = x.get("..., " + half + ":");
             NDArray negated = second.neg();
             NDArray turned = NDArrays.concat(new NDList(negated, first), -1).muli(sin)) {
            return x.mul(cos).addi(turned);
        }
    }
}
