package dev.sparkencoders.importer;

import dev.sparkencoders.model.Folders;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a directory all at once: files go into a hidden sibling of the target, are flushed to disk, and the
 * sibling is renamed onto the target. A crash never leaves a half-written checkpoint, and of several processes
 * writing the same target (executors importing the bundled model) exactly one wins.
 *
 * <pre>{@code
 * boolean mine = StagedDirectory.publish(target, dir -> Files.writeString(dir.resolve("config.json"), json));
 * }</pre>
 */
final class StagedDirectory {

    /** Fills the staging directory. */
    @FunctionalInterface
    interface Contents {
        void writeInto(Path dir) throws IOException;
    }

    private StagedDirectory() {}

    /**
     * Writes {@code contents} and renames it onto {@code target}, replacing an empty directory; returns false,
     * leaving nothing behind, when {@code target} exists and is not empty (someone else published first).
     */
    static boolean publish(Path target, Contents contents) throws IOException {
        target = target.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) {
            throw new IOException("the output must be a directory below a parent, not " + target);
        }
        Files.createDirectories(parent);
        // createDirectory, not createTempDirectory: the result keeps the umask's permissions, not 0700
        Path staging = Files.createDirectory(parent.resolve("." + target.getFileName() + ".staging-" + UUID.randomUUID()));
        boolean published = false;
        try {
            contents.writeInto(staging);
            syncTree(staging);
            published = move(staging, target);
            if (published) {
                syncQuietly(parent);
            }
            return published;
        } finally {
            if (!published) {
                Folders.deleteQuietly(staging);
            }
        }
    }

    private static boolean move(Path staging, Path target) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                return true;
            } catch (FileSystemException e) {
                // Linux reports a non-empty target as a plain FileSystemException ("Directory not empty"), other
                // systems as FileAlreadyExistsException or DirectoryNotEmptyException: decide by looking.
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
                if (attempt > 0 || !isEmptyDirectory(target)) {
                    return false;
                }
                try {
                    Files.delete(target); // POSIX rename replaces an empty directory itself; Windows does not
                } catch (IOException ignored) {
                    return false; // filled or removed meanwhile: the retry or the caller sees which
                }
            }
        }
    }

    /** Flushes every file under {@code dir} to disk so the rename publishes complete data. */
    private static void syncTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                } else {
                    syncQuietly(p);
                }
            }
        }
    }

    /** fsync of a directory; not supported everywhere, so failures are ignored. */
    private static void syncQuietly(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    static boolean isEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
