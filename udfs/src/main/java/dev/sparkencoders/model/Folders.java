package dev.sparkencoders.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Removing a folder and everything in it, the one way the project does it (cache entries, staging folders, bench
 * outputs, test fixtures). Callers decide whether a failure matters.
 *
 * <pre>{@code
 * Folders.deleteTree(staging);    // nothing happens when staging does not exist
 * Folders.deleteQuietly(leftover); // best effort, for folders nothing reads again
 * }</pre>
 */
public final class Folders {

    private Folders() {
    }

    /**
     * Deletes {@code dir} and everything under it, deepest entries first; a missing {@code dir} is not an error.
     *
     * @throws IOException when an entry cannot be listed or deleted (what was deleted before stays deleted)
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Deletes {@code dir} as {@link #deleteTree(Path)} does, ignoring a failure: for staging folders and stale
     * leftovers that no reader ever uses, which the next clean-up (or a user) removes.
     */
    public static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException ignored) {
            // what stays behind is never read
        }
    }
}
