package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.jobs.Main;

/**
 * {@link Main} as the launcher runs it, then one last stderr line with this process's peak RSS (VmHWM, kB), so the
 * bench can read the peak memory of the embed child processes it times.
 */
public final class MeasuredMain {

    static final String MARKER = "spark-encoders-bench: VmHWM_kB=";

    private MeasuredMain() {}

    public static void main(String[] args) {
        int code = Main.run(args);
        System.err.println(MARKER + MemoryProbe.peakKb());
        System.err.flush();
        if (code != 0) {
            System.exit(code);
        }
    }
}
