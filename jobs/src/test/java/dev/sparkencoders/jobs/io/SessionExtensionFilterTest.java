package dev.sparkencoders.jobs.io;

import org.apache.spark.sql.SparkSessionExtensionsProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Spark ML's session extension is kept out of the jobs' sessions, and nothing else is. */
class SessionExtensionFilterTest {

    @TempDir
    Path dir;

    @Test
    void hidesOnlySparkMlsExtensionFromTheServiceLoader() throws IOException {
        Path ml = serviceRoot("ml", "# Spark ML's file\n\n" + SessionExtensionFilter.ML_EXTENSION + "\n");
        Path other = serviceRoot("other", "com.example.TableFormatExtensions\n");
        Path both = serviceRoot("both", SessionExtensionFilter.ML_EXTENSION + "\ncom.example.More\n");
        try (URLClassLoader jars = new URLClassLoader(new URL[] {ml.toUri().toURL(), other.toUri().toURL(),
                both.toUri().toURL()}, null)) {
            assertEquals(3, Collections.list(jars.getResources(SessionExtensionFilter.SERVICE)).size());
            List<String> seen = new ArrayList<>();
            for (URL url : Collections.list(new SessionExtensionFilter(jars).getResources(
                    SessionExtensionFilter.SERVICE))) {
                try (InputStream in = url.openStream()) {
                    seen.add(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
                }
            }
            assertEquals(List.of("com.example.TableFormatExtensions",
                    SessionExtensionFilter.ML_EXTENSION + "\ncom.example.More"), seen,
                    "a file that lists other providers too is kept whole");
            String sources = "META-INF/services/org.apache.spark.sql.sources.DataSourceRegister";
            Files.createDirectories(ml.resolve(sources).getParent());
            Files.writeString(ml.resolve(sources), "com.example.Source\n");
            assertEquals(1, Collections.list(new SessionExtensionFilter(jars).getResources(sources)).size(),
                    "other resources pass through");
        }
    }

    @Test
    void sparkSessionsServiceLoaderFindsSparkMlsExtensionOnTheClassPathOnlyWithoutTheFilter() {
        ClassLoader classPath = SessionExtensionFilterTest.class.getClassLoader();
        assertEquals(List.of(SessionExtensionFilter.ML_EXTENSION), providers(classPath),
                "spark-mllib is on the class path and lists its extension");
        assertEquals(List.of(), providers(new SessionExtensionFilter(classPath)));
    }

    /** The providers Spark's session builder would load, as it looks them up (a service loader on {@code loader}). */
    private static List<String> providers(ClassLoader loader) {
        return ServiceLoader.load(SparkSessionExtensionsProvider.class, loader).stream()
                .map(provider -> provider.type().getName()).toList();
    }

    @Test
    void restoresTheContextClassLoader() {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        ClassLoader during = SessionExtensionFilter.withoutMlExtension(
                () -> Thread.currentThread().getContextClassLoader());
        assertEquals(SessionExtensionFilter.class, during.getClass());
        assertSame(before, Thread.currentThread().getContextClassLoader());
    }

    private Path serviceRoot(String name, String content) throws IOException {
        Path file = dir.resolve(name).resolve(SessionExtensionFilter.SERVICE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return dir.resolve(name);
    }
}
