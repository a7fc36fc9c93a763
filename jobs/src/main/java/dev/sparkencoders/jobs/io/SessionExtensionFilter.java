package dev.sparkencoders.jobs.io;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds a session without Spark ML's own session extension,
 * {@code org.apache.spark.sql.ml.InternalFunctionRegistration}: spark-mllib (on the class path for the Spark ML
 * transformers) registers it through Java's service loader, and building its functions' encoders through Scala's
 * runtime reflection took about a second of every job's start-up on 2 cores. It registers {@code vector_to_array},
 * {@code array_to_vector} and {@code aggregate_metrics} for Spark Connect's ML client, which these jobs do not serve;
 * the Scala/Java functions of {@code org.apache.spark.ml.functions} do not need it. Other session extensions
 * (service-loaded or in {@code spark.sql.extensions}) load as before.
 *
 * <pre>{@code
 * SparkSession spark = SessionExtensionFilter.withoutMlExtension(builder::getOrCreate);
 * }</pre>
 */
final class SessionExtensionFilter extends ClassLoader {

    static final String SERVICE = "META-INF/services/org.apache.spark.sql.SparkSessionExtensionsProvider";
    static final String ML_EXTENSION = "org.apache.spark.sql.ml.InternalFunctionRegistration";

    SessionExtensionFilter(ClassLoader parent) {
        super(parent);
    }

    /** Runs {@code build} with a context class loader that hides Spark ML's extension from the service loader. */
    static <T> T withoutMlExtension(Supplier<T> build) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader parent = previous != null ? previous : SessionExtensionFilter.class.getClassLoader();
        thread.setContextClassLoader(new SessionExtensionFilter(parent));
        try {
            return build.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        Enumeration<URL> all = super.getResources(name);
        if (!SERVICE.equals(name)) {
            return all;
        }
        List<URL> kept = new ArrayList<>();
        for (URL url : Collections.list(all)) {
            if (!listsOnlyTheMlExtension(url)) {
                kept.add(url);
            }
        }
        return Collections.enumeration(kept);
    }

    private static boolean listsOnlyTheMlExtension(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            List<String> providers = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(line -> line.replaceFirst("#.*", "").trim()).filter(line -> !line.isEmpty()).toList();
            return providers.equals(List.of(ML_EXTENSION));
        }
    }
}
