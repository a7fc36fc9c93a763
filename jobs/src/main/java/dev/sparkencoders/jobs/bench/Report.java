package dev.sparkencoders.jobs.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.sparkencoders.encoder.Precision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a bench run as {@code BENCHMARKS.md} (machine, command, targets with PASS/FAIL, one table per part) and
 * {@code bench.json} (the same figures, raw), and prints the Markdown to stdout. The "What helped / what did not"
 * section of an existing report is kept, so notes written there survive reruns.
 */
final class Report {

    static final String LESSONS = "## What helped / what did not";

    private Report() {}

    static void write(Results r) {
        Path md = r.settings.output().toAbsolutePath();
        String lessons = existingLessons(md);
        String markdown = markdown(r, lessons);
        try {
            Files.createDirectories(md.getParent());
            Files.writeString(md, markdown, StandardCharsets.UTF_8);
            Files.writeString(r.settings.json(), json(r), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the bench report " + md + ": " + e.getMessage(), e);
        }
        System.out.println(markdown);
        Benchmark.log("wrote " + md + " and " + r.settings.json() + String.format(Locale.ROOT, " (%.0f s)",
                r.totalSeconds));
    }

    static String markdown(Results r, String lessons) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Benchmarks\n\n");
        sb.append("<!-- Written by ./spark-encoders bench: rerun it to refresh the figures. Only the \"What helped /"
                + " what did not\" section is kept across reruns. -->\n\n");
        sb.append("Measured ").append(r.date).append(" with\n\n```bash\n").append(r.settings.command())
                .append("\n```\n\n");
        sb.append("Every figure is the median of ").append(r.settings.runs()).append(r.settings.runs() == 1 ? " run"
                        : " runs").append(" after one warm-up, with (min–max) across the runs; figures derived from"
                        + " other figures' medians (ratios) have no range. Parts run: ")
                .append(String.join(", ", r.settings.parts().stream().map(Part::id).toList()))
                .append(String.format(Locale.ROOT, ". The run took %.0f s.%n%n", r.totalSeconds));

        sb.append("## Machine\n\n");
        List<List<String>> machine = new ArrayList<>();
        r.machine.forEach((k, v) -> machine.add(List.of(k, v)));
        machine.add(List.of("engine", r.engine));
        machine.add(List.of("load average at end", r.loadAtEnd));
        table(sb, List.of("", ""), machine);
        sb.append("\nA load average well above zero at start or end means other processes competed for the cores"
                + " and the figures understate the machine.\n\n");

        sb.append("## Inputs\n\n");
        r.inputs.forEach((k, v) -> sb.append("- **").append(k).append("**: ").append(v).append('\n'));
        sb.append('\n');

        sb.append("## Targets (issues 14, 15 and 16)\n\n");
        List<List<String>> targets = new ArrayList<>();
        for (Target t : r.targets) {
            targets.add(List.of(t.name(), t.requirement(), t.measured(), "**" + t.status() + "**", t.basis()));
        }
        table(sb, List.of("target", "requirement", "measured", "result", "from"), targets);
        sb.append('\n');

        for (Table t : r.tables.values().stream().sorted(java.util.Comparator.comparing(x -> x.title)).toList()) {
            sb.append("## ").append(t.title).append("\n\n").append(t.description).append("\n\n");
            if (t.rows.isEmpty()) {
                sb.append("(nothing measured)\n\n");
            } else {
                table(sb, t.header(), t.cells());
                sb.append('\n');
            }
            for (String note : t.notes) {
                sb.append("- ").append(note).append('\n');
            }
            if (!t.notes.isEmpty()) {
                sb.append('\n');
            }
        }

        if (!r.notes.isEmpty()) {
            sb.append("## Notes\n\n");
            for (String note : r.notes) {
                sb.append("- ").append(note).append('\n');
            }
            sb.append('\n');
        }
        sb.append(lessons == null ? defaultLessons() : lessons);
        if (sb.charAt(sb.length() - 1) != '\n') {
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String defaultLessons() {
        return LESSONS + "\n\n"
                + "Fill in after a run on a quiet machine; this section is kept when the bench rewrites the file.\n\n"
                + "Helped (with the figure that shows it):\n\n"
                + "- [ ] length-sorted token-budget batching vs fixed-count batches (section 2, 'sorted ÷ naive')\n"
                + "- [ ] intra-op threads vs parallel tasks (section 1, layouts)\n"
                + "- [ ] batch.max-tokens / batch.max-rows per model\n"
                + "- [ ] ...\n\n"
                + "Did not help:\n\n"
                + "- [ ] ...\n";
    }

    /** The lessons section of the existing report, up to the next "## " heading, or null. */
    static String existingLessons(Path md) {
        if (!Files.isRegularFile(md)) {
            return null;
        }
        try {
            String text = Files.readString(md, StandardCharsets.UTF_8);
            int at = text.indexOf("\n" + LESSONS);
            if (at < 0) {
                return text.startsWith(LESSONS) ? section(text, 0) : null;
            }
            return section(text, at + 1);
        } catch (IOException e) {
            return null;
        }
    }

    private static String section(String text, int from) {
        int next = text.indexOf("\n## ", from + LESSONS.length());
        String s = next < 0 ? text.substring(from) : text.substring(from, next + 1);
        return s.endsWith("\n") ? s : s + "\n";
    }

    /** A Markdown table with columns padded to their widest cell, so it reads in a terminal too. */
    static void table(StringBuilder sb, List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = Math.max(3, header.get(c).length());
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], cell(row.get(c)).length());
            }
        }
        line(sb, header, width);
        List<String> rule = new ArrayList<>();
        for (int w : width) {
            rule.add("-".repeat(w));
        }
        line(sb, rule, width);
        for (List<String> row : rows) {
            line(sb, row, width);
        }
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width) {
        sb.append('|');
        for (int c = 0; c < width.length; c++) {
            String v = cell(cells.get(c));
            sb.append(' ').append(v).append(" ".repeat(width[c] - v.length())).append(" |");
        }
        sb.append('\n');
    }

    private static String cell(String v) {
        return v == null ? "" : v.replace("|", "\\|").replace('\n', ' ');
    }

    static String json(Results r) {
        JsonObject root = new JsonObject();
        root.addProperty("generated", r.date);
        root.addProperty("command", r.settings.command());
        root.addProperty("runs", r.settings.runs());
        root.addProperty("seconds", Math.round(r.totalSeconds * 10) / 10.0);
        JsonArray parts = new JsonArray();
        r.settings.parts().forEach(p -> parts.add(p.id()));
        root.add("parts", parts);
        JsonObject machine = new JsonObject();
        r.machine.forEach(machine::addProperty);
        machine.addProperty("engine", r.engine);
        machine.addProperty("load average at end", r.loadAtEnd);
        root.add("machine", machine);
        JsonObject inputs = new JsonObject();
        r.inputs.forEach(inputs::addProperty);
        root.add("inputs", inputs);
        JsonObject config = new JsonObject();
        for (Map.Entry<String, String> e : r.settings.config().entrySet()) {
            if (e.getKey().startsWith("bench.") || e.getKey().startsWith("batch.")) {
                config.addProperty(e.getKey(), e.getValue());
            }
        }
        root.add("settings", config);
        JsonObject roofline = new JsonObject();
        r.roofline.getOrDefault(Precision.FP32, Map.of()).forEach((cores, g) -> roofline.addProperty(
                String.valueOf(cores), g));
        root.add("roofline_gflops_by_cores", roofline);
        if (r.roofline.containsKey(Precision.INT8)) {
            JsonObject int8 = new JsonObject();
            r.roofline.get(Precision.INT8).forEach((cores, g) -> int8.addProperty(String.valueOf(cores), g));
            root.add("roofline_int8_gops_by_cores", int8);
        }
        JsonArray targets = new JsonArray();
        for (Target t : r.targets) {
            JsonObject o = new JsonObject();
            o.addProperty("name", t.name());
            o.addProperty("requirement", t.requirement());
            o.addProperty("value", t.value());
            o.addProperty("unit", t.unit());
            o.addProperty("status", t.status());
            o.addProperty("basis", t.basis());
            targets.add(o);
        }
        root.add("targets", targets);
        JsonObject tables = new JsonObject();
        for (Table t : r.tables.values()) {
            JsonObject o = new JsonObject();
            o.addProperty("title", t.title);
            JsonArray rows = new JsonArray();
            for (Table.Row row : t.rows) {
                JsonObject jr = new JsonObject();
                for (int i = 0; i < t.keyColumns.size(); i++) {
                    jr.addProperty(t.keyColumns.get(i), row.keys().get(i));
                }
                if (row.cores() > 0) {
                    jr.addProperty("cores", row.cores());
                }
                JsonObject metrics = new JsonObject();
                row.metrics().forEach((name, s) -> {
                    JsonObject m = new JsonObject();
                    m.addProperty("median", finite(s.median()));
                    m.addProperty("min", finite(s.min()));
                    m.addProperty("max", finite(s.max()));
                    m.addProperty("runs", s.runs());
                    metrics.add(name, m);
                });
                jr.add("metrics", metrics);
                rows.add(jr);
            }
            o.add("rows", rows);
            JsonArray notes = new JsonArray();
            t.notes.forEach(notes::add);
            o.add("notes", notes);
            tables.add(t.id, o);
        }
        root.add("tables", tables);
        JsonArray notes = new JsonArray();
        r.notes.forEach(notes::add);
        root.add("notes", notes);
        Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
        return gson.toJson(root) + "\n";
    }

    private static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }
}
