package dev.sparkencoders.model;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;

/**
 * Element types of the safetensors format that can be read as float32. Half precision types are upcast in Java:
 * handing BF16 data to the PyTorch engine aborts the JVM and F16 matmuls are very slow on CPU.
 */
public enum SafetensorsDtype {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int bytes;

    SafetensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** Parses a header dtype name; empty when this project cannot read the type. */
    public static Optional<SafetensorsDtype> parse(String name) {
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Reads {@code out.length} little-endian values of this type from {@code in} as float32. */
    void decode(ByteBuffer in, float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (this) {
                case F32 -> in.getFloat();
                case F16 -> halfToFloat(in.getShort());
                case BF16 -> Float.intBitsToFloat((in.getShort() & 0xffff) << 16);
                case F64 -> (float) in.getDouble();
                case I64 -> (float) in.getLong();
                case I32 -> (float) in.getInt();
                case I16 -> (float) in.getShort();
                case I8 -> (float) in.get();
                case U8 -> (float) (in.get() & 0xff);
                case BOOL -> in.get() == 0 ? 0f : 1f;
            };
        }
    }

    /** IEEE 754 binary16 to binary32, including subnormals, infinities and NaN. */
    public static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
