package dev.sparkencoders.spark.pretrain;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * A partition's iterator mapped {@code size} elements at a time, so a task batches a bounded chunk through a model
 * and never holds its whole partition.
 *
 * <pre>{@code
 * return Chunks.map(rows, 2048, chunk -> replaceChunk(chunk, runner));
 * }</pre>
 */
final class Chunks {

    private Chunks() {}

    static <T, R> Iterator<R> map(Iterator<T> input, int size, Function<List<T>, List<R>> function) {
        return new Iterator<>() {
            private Iterator<R> chunk = List.<R>of().iterator();

            @Override
            public boolean hasNext() {
                while (!chunk.hasNext() && input.hasNext()) {
                    List<T> next = new ArrayList<>(size);
                    while (input.hasNext() && next.size() < size) {
                        next.add(input.next());
                    }
                    chunk = function.apply(next).iterator();
                }
                return chunk.hasNext();
            }

            @Override
            public R next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return chunk.next();
            }
        };
    }
}
