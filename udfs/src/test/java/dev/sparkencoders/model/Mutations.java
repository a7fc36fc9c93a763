package dev.sparkencoders.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Byte-level mutations of fuzz inputs and the "interesting" numbers that make lying lengths: boundaries of the
 * integer types, values near the input's own size, and huge ones. Each mutation returns a new array and a short
 * description for the fuzz report.
 *
 * <pre>{@code
 * Mutations.Result m = Mutations.random(bytes, random);   // bit flips, truncation, insertion, ...
 * long lie = Mutations.interestingLong(random, bytes.length);
 * }</pre>
 */
public final class Mutations {

    private Mutations() {}

    public record Result(byte[] bytes, String description) {}

    private static final long[] INTERESTING = {
            0, 1, 2, 3, 4, 7, 8, 16, 63, 64, 127, 128, 255, 256, 1023, 1024, 4096, 32767, 32768, 65535, 65536,
            Integer.MAX_VALUE - 8, Integer.MAX_VALUE, 1L << 31, (1L << 32) - 1, 1L << 32, 1L << 40, 1L << 53,
            1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, -1, -2, -8, Integer.MIN_VALUE};

    /** A boundary value, a value near {@code size}, or a random one. */
    public static long interestingLong(Random random, long size) {
        return switch (random.nextInt(4)) {
            case 0, 1 -> INTERESTING[random.nextInt(INTERESTING.length)];
            case 2 -> size + random.nextInt(17) - 8;
            default -> random.nextLong() >> random.nextInt(64);
        };
    }

    /** One random byte-level mutation. */
    public static Result random(byte[] in, Random random) {
        if (in.length == 0) {
            return randomBytes(random);
        }
        int at = random.nextInt(in.length);
        return switch (random.nextInt(9)) {
            case 0 -> {
                byte[] out = in.clone();
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int p = random.nextInt(out.length);
                    out[p] ^= (byte) (1 << random.nextInt(8));
                }
                yield new Result(out, "flip " + flips + " bits");
            }
            case 1 -> {
                byte[] out = in.clone();
                byte[] values = {0, (byte) 0xff, 0x7f, (byte) 0x80, 1, (byte) 0xfe};
                out[at] = values[random.nextInt(values.length)];
                yield new Result(out, "set byte " + at + " to " + (out[at] & 0xff));
            }
            case 2 -> new Result(Arrays.copyOf(in, at), "truncate to " + at);
            case 3 -> {
                byte[] extra = new byte[1 + random.nextInt(64)];
                random.nextBytes(extra);
                yield new Result(splice(in, at, 0, extra), "insert " + extra.length + " random bytes at " + at);
            }
            case 4 -> {
                int n = 1 + random.nextInt(Math.min(64, in.length - at));
                yield new Result(splice(in, at, n, new byte[0]), "delete " + n + " bytes at " + at);
            }
            case 5 -> {
                int n = 1 + random.nextInt(Math.min(32, in.length - at));
                int from = random.nextInt(in.length - n + 1);
                byte[] out = in.clone();
                System.arraycopy(in, from, out, at, Math.min(n, in.length - at));
                yield new Result(out, "copy " + n + " bytes from " + from + " to " + at);
            }
            case 6 -> {
                byte[] out = in.clone();
                int width = random.nextBoolean() ? 4 : 8;
                long v = interestingLong(random, in.length);
                ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
                int p = Math.max(0, Math.min(at, out.length - width));
                if (out.length >= width) {
                    if (width == 4) {
                        b.putInt(p, (int) v);
                    } else {
                        b.putLong(p, v);
                    }
                }
                yield new Result(out, "write " + width + "-byte " + v + " at " + p);
            }
            case 7 -> {
                byte[] out = Arrays.copyOf(in, in.length + 1 + random.nextInt(256));
                for (int i = in.length; i < out.length; i++) {
                    out[i] = (byte) random.nextInt(256);
                }
                yield new Result(out, "append " + (out.length - in.length) + " random bytes");
            }
            default -> {
                byte[] out = in.clone();
                int n = 1 + random.nextInt(Math.min(128, in.length - at));
                byte[] noise = new byte[n];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, out, at, n);
                yield new Result(out, "overwrite " + n + " bytes at " + at + " with noise");
            }
        };
    }

    /** Applies one to {@code max} random mutations. */
    public static Result randomChain(byte[] in, Random random, int max) {
        byte[] bytes = in;
        StringBuilder description = new StringBuilder();
        int n = 1 + random.nextInt(max);
        for (int i = 0; i < n; i++) {
            Result r = random(bytes, random);
            bytes = r.bytes();
            description.append(i == 0 ? "" : ", ").append(r.description());
        }
        return new Result(bytes, description.toString());
    }

    public static Result randomBytes(Random random) {
        byte[] out = new byte[random.nextInt(2048)];
        random.nextBytes(out);
        return new Result(out, "random " + out.length + " bytes");
    }

    public static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
        byte[] out = new byte[in.length - remove + insert.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
        return out;
    }

    public static <T> T pick(Random random, List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
