package dev.sparkencoders.jobs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory from {@code /proc}: the peak (VmHWM) and current (VmRSS) resident set of this process or of a
 * child, in kB; -1 where {@code /proc} is not available. The peak of this process can be reset between parts
 * (writing 5 to {@code /proc/self/clear_refs}, Linux 4.0+), so each part reports its own peak.
 */
public final class MemoryProbe {

    private MemoryProbe() {}

    /** Peak resident set of this process, kB. */
    public static long peakKb() {
        return field(Path.of("/proc/self/status"), "VmHWM:");
    }

    static long residentKb() {
        return field(Path.of("/proc/self/status"), "VmRSS:");
    }

    /** Current resident set of process {@code pid}, kB, or -1 once it is gone. */
    static long residentKb(long pid) {
        return field(Path.of("/proc/" + pid + "/status"), "VmRSS:");
    }

    /** Peak resident set of process {@code pid}, kB, or -1 once it is gone. */
    static long peakKb(long pid) {
        return field(Path.of("/proc/" + pid + "/status"), "VmHWM:");
    }

    /** Resets this process's peak to its current resident set; false where the kernel does not allow it. */
    static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long field(Path status, String name) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
