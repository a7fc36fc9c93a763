package dev.sparkencoders.jobs.bench;

import ai.djl.engine.Engine;
import dev.sparkencoders.encoder.CpuFlags;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the figures were measured on: CPU model and SIMD flags, cores, memory, load, JVM and engine versions. */
final class Machine {

    private Machine() {}

    static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> cpuinfo = lines("/proc/cpuinfo");
        String model = cpuinfo.stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        long processors = cpuinfo.stream().filter(l -> l.startsWith("processor")).count();
        m.put("cpu", model);
        m.put("cores", Runtime.getRuntime().availableProcessors() + " available to the JVM ("
                + processors + " in /proc/cpuinfo)");
        m.put("simd flags", CpuFlags.fromCpuinfo(cpuinfo).describe());
        long memKb = lines("/proc/meminfo").stream().filter(l -> l.startsWith("MemTotal:")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(-1L);
        m.put("memory", memKb < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", memKb / 1024.0 / 1024.0));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("load average at start", loadAverage());
        return m;
    }

    static String engine() {
        String pytorch;
        try {
            Engine engine = Engine.getEngine("PyTorch");
            pytorch = "PyTorch " + engine.getVersion() + " (DJL " + Engine.getDjlVersion() + ")";
        } catch (RuntimeException e) {
            pytorch = "PyTorch (version unknown: " + e.getMessage() + ")";
        }
        if (!OrtPeerPart.available()) {
            return pytorch + "; ONNX Runtime not on the class path";
        }
        try {
            return pytorch + "; ONNX Runtime " + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            return pytorch + "; ONNX Runtime (version unknown: " + e.getMessage() + ")";
        }
    }

    /** The 1, 5 and 15 minute load averages: above zero means other work competed with the bench. */
    static String loadAverage() {
        List<String> l = lines("/proc/loadavg");
        if (l.isEmpty()) {
            return "unknown";
        }
        String[] f = l.get(0).split("\\s+");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : l.get(0);
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
