package dev.sparkencoders.model;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Points {@link CacheDirectory} at a fresh temporary folder for a test class or for each test, and restores the
 * previous setting and deletes the folder afterwards, so tests never read or write the user's cache.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TemporaryCacheDirectory CACHE = TemporaryCacheDirectory.perClass();
 * // CACHE.path() is the cache root while the class runs
 * }</pre>
 */
public final class TemporaryCacheDirectory
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final boolean perTest;
    private Path path;
    private String previous;

    private TemporaryCacheDirectory(boolean perTest) {
        this.perTest = perTest;
    }

    /** One cache for every test of the class (register as a static field). */
    public static TemporaryCacheDirectory perClass() {
        return new TemporaryCacheDirectory(false);
    }

    /** A new, empty cache for each test. */
    public static TemporaryCacheDirectory perTest() {
        return new TemporaryCacheDirectory(true);
    }

    /** The cache root in use. */
    public Path path() {
        return path;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (!perTest) {
            point();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (!perTest) {
            restore();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (perTest) {
            point();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (perTest) {
            restore();
        }
    }

    private void point() throws IOException {
        path = Files.createTempDirectory("spark-encoders-cache-");
        previous = System.setProperty(CacheDirectory.PROPERTY, path.toString());
    }

    private void restore() throws IOException {
        if (previous == null) {
            System.clearProperty(CacheDirectory.PROPERTY);
        } else {
            System.setProperty(CacheDirectory.PROPERTY, previous);
        }
        Folders.deleteTree(path);
    }
}
