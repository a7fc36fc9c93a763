package dev.sparkencoders.jobs.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A job's resolved configuration. Precedence, highest first: {@code --set key=value} on the command line, then
 * the {@code --config FILE} (Java properties syntax: {@code key = value}, {@code #} comments), then the defaults
 * of {@link ConfigKey}. Unknown keys are refused; {@code spark.*} keys go to Spark. A key's former spelling
 * ({@link ConfigKey#formerKey()}) still works, with a warning naming the new key. Values are trimmed, unless
 * wrapped in double quotes.
 *
 * <pre>{@code
 * JobConfig config = JobConfig.resolve(CommandLine.parse("embed", "--set", "input.path=docs.txt"));
 * String path = config.require(ConfigKey.INPUT_PATH);
 * }</pre>
 */
public final class JobConfig {

    /**
     * A key is secret when one of its dot-, dash- or underscore-separated words ends with one of these
     * (fs.s3a.secret.key, javax.jdo.option.ConnectionPassword, fs.s3a.session.token, ...); "max-tokens" is not.
     */
    private static final List<String> SECRET_WORDS = List.of("secret", "password", "passwd", "token", "credential",
            "credentials", "accesskey", "apikey", "signature", "sas");

    /** ... or when it names a key of these kinds (fs.s3a.access.key, fs.azure.account.key.ACCOUNT, ...). */
    private static final Pattern SECRET_KEY = Pattern.compile("(access|account|encryption|private|api)[.\\-_]key");
    /** The user:password part of scheme://user:password@host; group 1 is everything before the password. */
    private static final Pattern URI_PASSWORD = Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://[^/:@\\s]*:)[^/@\\s]+@");

    private static final Logger LOG = LoggerFactory.getLogger(JobConfig.class);

    private final Map<String, String> values;
    private final Set<String> given;
    private final List<String> deprecations;

    private JobConfig(Map<String, String> values, Set<String> given, List<String> deprecations) {
        this.values = values;
        this.given = given;
        this.deprecations = deprecations;
    }

    public static JobConfig resolve(CommandLine commandLine) {
        Map<String, String> values = new TreeMap<>();
        Set<String> given = new TreeSet<>();
        Set<String> deprecations = new LinkedHashSet<>();
        for (ConfigKey key : ConfigKey.values()) {
            key.defaultValue().ifPresent(v -> values.put(key.key(), v));
        }
        if (commandLine.configFile() != null) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(commandLine.configFile(), StandardCharsets.UTF_8)) {
                file.load(reader);
            } catch (IOException e) {
                throw new JobConfigException("Cannot read config file " + commandLine.configFile() + ": "
                        + e.getMessage() + " (check the --config path)", e);
            }
            Map<String, String> fromFile = new TreeMap<>();
            file.stringPropertyNames().forEach(k -> fromFile.put(k, file.getProperty(k)));
            putAll(values, given, deprecations, fromFile, "in " + commandLine.configFile());
        }
        putAll(values, given, deprecations, commandLine.sets(), "in --set");
        deprecations.forEach(LOG::warn);
        return new JobConfig(values, given, List.copyOf(deprecations));
    }

    /**
     * Puts the settings of one source: keys in their former spelling first, so that the current spelling wins
     * when a source gives both.
     */
    private static void putAll(Map<String, String> values, Set<String> given, Set<String> deprecations,
                               Map<String, String> settings, String where) {
        List<Map.Entry<String, String>> ordered = new ArrayList<>(settings.entrySet());
        ordered.sort(Comparator.comparing(e -> ConfigKey.byKey(e.getKey()).isPresent()));
        for (Map.Entry<String, String> setting : ordered) {
            String key = canonical(setting.getKey(), where, deprecations);
            values.put(key, unquoted(setting.getValue().trim()));
            given.add(key);
        }
    }

    /**
     * Values are trimmed; one wrapped in double quotes is taken as it stands between them, so that a prefix keeps
     * its trailing space ({@code model.query-prefix="query: "}).
     */
    private static String unquoted(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    /** The key as {@link ConfigKey} spells it now; a former spelling is translated and noted for a warning. */
    private static String canonical(String key, String where, Set<String> deprecations) {
        if (ConfigKey.byKey(key).isPresent() || key.startsWith("spark.")) {
            return key;
        }
        ConfigKey renamed = ConfigKey.byFormerKey(key).orElseThrow(() -> new JobConfigException("Cannot use config"
                + " key '" + key + "' " + where + ": unknown key (known keys: "
                + Arrays.stream(ConfigKey.values()).map(ConfigKey::key).toList() + ", and spark.*)"));
        deprecations.add("Config key '" + key + "' is deprecated and will be removed in the next release: use '"
                + renamed.key() + "' instead");
        return renamed.key();
    }

    /**
     * One warning per former key spelling the configuration used (each logged once, when it was resolved), naming
     * the key to use instead.
     */
    public List<String> deprecations() {
        return deprecations;
    }

    /** The value, or null when the key is unset or empty. */
    public String get(ConfigKey key) {
        String v = values.get(key.key());
        return v == null || v.isEmpty() ? null : v;
    }

    /** Whether the config file or the command line gives the key a non-empty value (a default does not count). */
    public boolean isGiven(ConfigKey key) {
        return given.contains(key.key()) && get(key) != null;
    }

    public String require(ConfigKey key) {
        String v = get(key);
        if (v == null) {
            throw new JobConfigException("Cannot start: " + key.key() + " is not set (" + key.doc()
                    + " Pass --set " + key.key() + "=... or put it in the --config file)");
        }
        return v;
    }

    public int positiveInt(ConfigKey key) {
        return atLeast(key, 1, "a positive integer");
    }

    public int nonNegativeInt(ConfigKey key) {
        return atLeast(key, 0, "an integer >= 0");
    }

    private int atLeast(ConfigKey key, int min, String expected) {
        String v = require(key);
        try {
            int n = Integer.parseInt(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message below, which names the key and the value
        }
        throw new JobConfigException("Cannot use " + key.key() + "=" + v + ": expected " + expected);
    }

    /** A finite number, e.g. a threshold or a temperature. */
    public double number(ConfigKey key) {
        String v = require(key);
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message below, which names the key and the value
        }
        throw new JobConfigException("Cannot use " + key.key() + "=" + v + ": expected a number");
    }

    public double unitInterval(ConfigKey key) {
        String v = require(key);
        try {
            double d = Double.parseDouble(v);
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message below, which names the key and the value
        }
        throw new JobConfigException("Cannot use " + key.key() + "=" + v + ": expected a number from 0 to 1");
    }

    public Boolean bool(ConfigKey key) {
        String v = get(key);
        if (v == null) {
            return null;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new JobConfigException("Cannot use " + key.key() + "=" + v + ": expected true or false");
        };
    }

    /** Every {@code spark.*} setting, for the SparkSession. */
    public Map<String, String> sparkSettings() {
        Map<String, String> spark = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("spark.")) {
                spark.put(k, v);
            }
        });
        return spark;
    }

    /**
     * All resolved values with secrets masked, for logs and run reports: the whole value of a secret key, and the
     * password of any URI written with one ({@code jdbc:postgresql://etl:*****@db/corpus}).
     */
    public Map<String, String> masked() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, isSecret(k) ? "*****" : maskUriPasswords(v)));
        return out;
    }

    static String maskUriPasswords(String value) {
        return value == null ? null : URI_PASSWORD.matcher(value).replaceAll("$1*****@");
    }

    static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_KEY.matcher(lower).find() || Arrays.stream(lower.split("[.\\-_]"))
                .anyMatch(word -> SECRET_WORDS.stream().anyMatch(word::endsWith));
    }
}
