package dev.sparkencoders.jobs.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <job> [--config FILE] [--set key=value]...}, parsed.
 *
 * <pre>{@code
 * CommandLine cl = CommandLine.parse("embed", "--set", "input.path=docs.txt");
 * }</pre>
 */
public record CommandLine(String job, Path configFile, Map<String, String> sets) {

    public static final String USAGE = "usage: spark-encoders <job> [--config FILE] [--set key=value]...";

    public static CommandLine parse(String... args) {
        if (args.length == 0 || args[0].startsWith("-")) {
            throw new JobConfigException("Cannot start: no job given (" + USAGE + ")");
        }
        Path configFile = null;
        Map<String, String> sets = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--config") || arg.equals("--set")) && i + 1 >= args.length) {
                throw new JobConfigException("Cannot parse the command line: " + arg + " needs a value (" + USAGE + ")");
            }
            switch (arg) {
                case "--config" -> configFile = Path.of(args[++i]);
                case "--set" -> {
                    String pair = args[++i];
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new JobConfigException("Cannot parse --set '" + pair + "': expected key=value");
                    }
                    sets.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
                default -> throw new JobConfigException("Cannot parse the command line: unexpected argument '" + arg
                        + "' (" + USAGE + ")");
            }
        }
        return new CommandLine(args[0], configFile, sets);
    }
}
