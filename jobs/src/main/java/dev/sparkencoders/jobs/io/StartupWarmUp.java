package dev.sparkencoders.jobs.io;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initializes, on a daemon thread while the session starts, a Spark class whose first use otherwise stalls the
 * driver's main thread: {@code org.apache.spark.sql.catalyst.ScalaReflection}, whose initializer builds Scala's
 * runtime reflection universe (about 0.7 s on 2 cores). Code generation first needs it when the output is planned,
 * to encode a method name. A class is initialized once per JVM, and a thread that needs it meanwhile waits for the
 * initialization under way, so the work is never done twice.
 *
 * <pre>{@code
 * StartupWarmUp.start();   // then build the session
 * }</pre>
 */
final class StartupWarmUp {

    static final String CLASS = "org.apache.spark.sql.catalyst.ScalaReflection$";

    private static final Logger LOG = LoggerFactory.getLogger(StartupWarmUp.class);

    private StartupWarmUp() {}

    /** Starts the initialization; the job goes on at once. */
    static void start() {
        Thread thread = new Thread(StartupWarmUp::initialize, "spark-encoders-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private static void initialize() {
        try {
            Class.forName(CLASS, true, StartupWarmUp.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // the job's own first use initializes it (or reports the same error) where it needs it
            LOG.debug("Cannot initialize {} ahead of the job: {}", CLASS, e.toString());
        }
    }
}
