package dev.sparkencoders.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.sparkencoders.model.HiddenActivation;

/** Activations as NDArray operations: the feed-forward's (from hidden_act) and those heads use. */
enum FeedForwardActivation {
    GELU {
        @Override
        NDArray apply(NDArray x) {
            return Activation.gelu(x);
        }
    },
    GELU_TANH {
        @Override
        NDArray apply(NDArray x) {
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            NDArray tanh;
            try (NDArray inner = x.pow(3).muli(0.044715f).addi(x).muli((float) Math.sqrt(2 / Math.PI))) {
                tanh = inner.tanh();
            }
            return tanh.addi(1f).muli(x).muli(0.5f);
        }
    },
    RELU {
        @Override
        NDArray apply(NDArray x) {
            return Activation.relu(x);
        }
    },
    TANH {
        @Override
        NDArray apply(NDArray x) {
            return x.tanh();
        }
    };

    abstract NDArray apply(NDArray x);

    static FeedForwardActivation of(HiddenActivation activation) {
        return valueOf(activation.name());
    }
}
