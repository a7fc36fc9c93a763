package dev.sparkencoders.jobs.io;

import dev.sparkencoders.jobs.config.JobConfigException;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code output.table} split into catalog, namespace and table. Iceberg names without a catalog go to the built-in
 * catalog {@value #LOCAL_CATALOG}; Delta tables live in the session catalog ({@value #SESSION_CATALOG}).
 *
 * <pre>{@code
 * TableName.parse("nightly.embeddings", TableFormat.ICEBERG).sql(); // `local`.`nightly`.`embeddings`
 * }</pre>
 */
public record TableName(String catalog, String namespace, String table) {

    public static final String LOCAL_CATALOG = "local";
    public static final String SESSION_CATALOG = "spark_catalog";
    private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public static TableName parse(String name, TableFormat format) {
        List<String> parts = Arrays.asList(name.trim().split("\\.", -1));
        if (parts.size() < 2 || parts.size() > 3 || !parts.stream().allMatch(p -> PART.matcher(p).matches())) {
            throw new JobConfigException("Cannot use output.table=" + name + ": expected [catalog.]db.table, each part"
                    + " letters, digits and _ (e.g. local.nightly.embeddings)");
        }
        String catalog = parts.size() == 3 ? parts.get(0) : format == TableFormat.DELTA ? SESSION_CATALOG
                : LOCAL_CATALOG;
        if (format == TableFormat.DELTA && !catalog.equals(SESSION_CATALOG)) {
            throw new JobConfigException("Cannot use output.table=" + name + " for Delta: Delta tables are written"
                    + " through the session catalog (name them db.table)");
        }
        return new TableName(catalog, parts.get(parts.size() - 2), parts.get(parts.size() - 1));
    }

    /** The name quoted for Spark SQL. */
    public String sql() {
        return quote(catalog) + "." + quote(namespace) + "." + quote(table);
    }

    /** The namespace quoted for Spark SQL, with its catalog. */
    public String namespaceSql() {
        return quote(catalog) + "." + quote(namespace);
    }

    @Override
    public String toString() {
        return catalog + "." + namespace + "." + table;
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
