package dev.sparkencoders.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The CPU's feature flags from a {@code /proc/cpuinfo} "flags" line, and the SIMD ones the figures depend on:
 * avx2, fma, avx512f, avx512_vnni, avx512_bf16 and every amx_* flag.
 *
 * <pre>{@code
 * if (CpuFlags.ofThisMachine().bf16()) { ... }
 * }</pre>
 */
public record CpuFlags(Set<String> flags) {

    /** The SIMD flags reported, in this order (amx_* ones follow). */
    public static final List<String> SIMD = List.of("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16");

    /** Parses "flags : fpu vme ... avx2 ..." (or the bare list after the colon). */
    public static CpuFlags parse(String flagsLine) {
        String list = flagsLine.contains(":") ? flagsLine.substring(flagsLine.indexOf(':') + 1) : flagsLine;
        Set<String> flags = new TreeSet<>(Arrays.asList(list.trim().split("\\s+")));
        flags.remove("");
        return new CpuFlags(Set.copyOf(flags));
    }

    /** The first "flags" line of a /proc/cpuinfo text, or no flags when there is none. */
    public static CpuFlags fromCpuinfo(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("flags")).findFirst().map(CpuFlags::parse)
                .orElse(new CpuFlags(Set.of()));
    }

    /** This machine's flags from /proc/cpuinfo (none where it cannot be read, e.g. not on Linux). */
    public static CpuFlags ofThisMachine() {
        try {
            return fromCpuinfo(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return new CpuFlags(Set.of());
        }
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }

    /** Whether the CPU has bf16 dot products (avx512_bf16 or AMX bf16 tiles). */
    public boolean bf16() {
        return has("avx512_bf16") || has("amx_bf16");
    }

    /** The SIMD flags present, {@link #SIMD} order then amx_* alphabetically. */
    public List<String> simd() {
        List<String> out = new ArrayList<>(SIMD.stream().filter(this::has).toList());
        flags.stream().filter(f -> f.startsWith("amx")).sorted().forEach(out::add);
        return out;
    }

    /** "avx2, fma (no avx512f, avx512_vnni, avx512_bf16, amx_*)". */
    public String describe() {
        List<String> present = simd();
        List<String> absent = new ArrayList<>(SIMD.stream().filter(f -> !has(f)).toList());
        if (present.stream().noneMatch(f -> f.startsWith("amx"))) {
            absent.add("amx_*");
        }
        String yes = present.isEmpty() ? "none of the SIMD flags below" : String.join(", ", present);
        return absent.isEmpty() ? yes : yes + " (no " + String.join(", ", absent) + ")";
    }
}
