package dev.sparkencoders.jobs.io;

import dev.sparkencoders.jobs.config.ConfigKey;
import dev.sparkencoders.jobs.config.JobConfig;
import dev.sparkencoders.jobs.config.JobConfigException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * Writes a job's results into an Iceberg or Delta table ({@code output.table}) instead of a folder. The table is
 * created on the first run with the job's columns plus {@value #INPUT_HASH_COL} (SHA-256 of the input), and carries
 * the model and its weights' SHA-256 as table properties; a run with other weights is refused unless
 * {@code output.model-change=replace}.
 *
 * <p>With {@code output.mode=incremental} (and {@code input.id-col}) only input rows whose id and text hash are not
 * yet in the table without an error are encoded, in slices of {@code output.commit-rows} rows, each MERGEd by id in
 * its own commit; rows that failed (an {@code error}) count as not done. A run killed after some commits keeps them, and running the same command again encodes only the
 * rest. Readers see whole commits only.
 *
 * <pre>{@code
 * TableOutput table = TableOutput.prepare(spark, config, modelId, weightsSha256);
 * Dataset<Row> hashed = table.withInputHash(input, "id");
 * TableOutput.Written written = table.write(hashed, "id", rows -> encode(rows), partitions);
 * }</pre>
 */
public final class TableOutput {

    /**
     * The column holding the SHA-256 (hex) of the row's input columns other than the id (its text, or text pair),
     * as JSON: what incremental runs compare.
     */
    public static final String INPUT_HASH_COL = "input_sha256";
    static final String MODEL_PROPERTY = "spark-encoders.model";
    static final String WEIGHTS_PROPERTY = "spark-encoders.weights-sha256";
    static final String LAST_RUN_PREFIX = "spark-encoders.last-run.";
    private static final String CHUNK_COL = "_spark_encoders_commit";
    private static final String BATCH_VIEW = "spark_encoders_batch";
    private static final String INPUT_VIEW = "spark_encoders_input";
    private static final Logger LOG = LoggerFactory.getLogger(TableOutput.class);

    /** What {@code output.mode} asks of a table. */
    enum Mode { CREATE, OVERWRITE, INCREMENTAL }

    /** {@code output.model-change}. */
    enum ModelChange { REFUSE, REPLACE }

    /** What a run wrote: rows encoded, rows found unchanged in the table, commits made. */
    public record Written(long encoded, long unchanged, int commits) {}

    private final SparkSession spark;
    private final TableName name;
    private final TableFormat format;
    private final Mode mode;
    private final Map<String, String> provenance;
    private final int commitRows;
    private final boolean deleteMissing;
    private final boolean replaceAll;
    private boolean exists;

    private TableOutput(SparkSession spark, TableName name, TableFormat format, Mode mode,
                        Map<String, String> provenance, int commitRows, boolean deleteMissing, boolean replaceAll,
                        boolean exists) {
        this.spark = spark;
        this.name = name;
        this.format = format;
        this.mode = mode;
        this.provenance = provenance;
        this.commitRows = commitRows;
        this.deleteMissing = deleteMissing;
        this.replaceAll = replaceAll;
        this.exists = exists;
    }

    /** True when the job writes a table. */
    public static boolean configured(JobConfig config) {
        return config.get(ConfigKey.OUTPUT_TABLE) != null;
    }

    /**
     * The SparkSession settings a table output needs, before the session starts: the format's SQL extension, Delta's
     * session catalog, and the built-in Iceberg catalog {@value TableName#LOCAL_CATALOG} (a Hadoop catalog in
     * {@code output.warehouse}) unless {@code spark.sql.catalog.local} is configured. Iceberg's Arrow-based vectorized
     * reads are off (a job reads ids and hashes, and the rows a MERGE rewrites): on some JVMs, Java 21 among them,
     * its shaded Netty fails to cast its direct buffers. Empty without a table.
     */
    public static Map<String, String> sparkSettings(JobConfig config) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (!configured(config)) {
            return settings;
        }
        TableFormat format = TableFormat.parse(config.require(ConfigKey.OUTPUT_TABLE_FORMAT));
        TableName name = TableName.parse(config.require(ConfigKey.OUTPUT_TABLE), format);
        settings.put("spark.sql.extensions", format.extension());
        String warehouse = warehouse(config);
        if (format == TableFormat.DELTA) {
            settings.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        } else {
            settings.put("spark.sql.iceberg.vectorization.enabled", "false");
        }
        if (format == TableFormat.ICEBERG && name.catalog().equals(TableName.LOCAL_CATALOG)
                && !config.sparkSettings().containsKey("spark.sql.catalog." + TableName.LOCAL_CATALOG)) {
            String catalog = "spark.sql.catalog." + TableName.LOCAL_CATALOG;
            settings.put(catalog, "org.apache.iceberg.spark.SparkCatalog");
            settings.put(catalog + ".type", "hadoop");
            settings.put(catalog + ".warehouse", warehouse);
        }
        return settings;
    }

    /**
     * Checks the table settings and what the table holds, before any work: the mode, the id column an incremental
     * run needs, and the model the table was written with.
     */
    public static TableOutput prepare(SparkSession spark, JobConfig config, String modelId, String weightsSha256) {
        TableFormat format = TableFormat.parse(config.require(ConfigKey.OUTPUT_TABLE_FORMAT));
        TableName name = TableName.parse(config.require(ConfigKey.OUTPUT_TABLE), format);
        format.requireOnClassPath(name.toString());
        Mode mode = mode(config);
        if (mode == Mode.INCREMENTAL && config.get(ConfigKey.INPUT_ID_COL) == null) {
            throw new JobConfigException("Cannot run output.mode=incremental: it needs input.id-col, the column that"
                    + " identifies a row from one run to the next (set input.id-col)");
        }
        if (config.get(ConfigKey.OUTPUT_PARTITION_BY) != null) {
            throw new JobConfigException("Cannot use output.partition-by with output.table: partition the table"
                    + " itself, or write a folder with output.path");
        }
        if ("vector".equalsIgnoreCase(config.get(ConfigKey.OUTPUT_VECTOR_TYPE))) {
            throw new JobConfigException("Cannot write Spark ML vectors to table " + name + ": table formats store"
                    + " no Spark user-defined types (use output.vector-type=array)");
        }
        ModelChange change = modelChange(config);
        register(spark, name, format, warehouse(config));
        boolean exists = spark.catalog().tableExists(name.toString());
        boolean replaceAll = false;
        if (exists) {
            if (mode == Mode.CREATE) {
                throw new JobConfigException("Cannot write table " + name + ": it exists (set output.mode=incremental"
                        + " to add what changed, or output.mode=overwrite to replace it)");
            }
            Map<String, String> properties = properties(spark, name);
            String written = properties.get(WEIGHTS_PROPERTY);
            if (written != null && !written.equals(weightsSha256)) {
                if (change == ModelChange.REFUSE) {
                    throw new JobConfigException("Cannot write table " + name + ": it holds results of model "
                            + properties.get(MODEL_PROPERTY) + " (weights " + written + ") and this run uses " + modelId
                            + " (weights " + weightsSha256 + ") (write another table, or set"
                            + " output.model-change=replace to re-encode every row)");
                }
                LOG.warn("Table {} holds results of other model weights ({}): every row is encoded again and replaces"
                        + " them in one commit (output.model-change=replace)", name, written);
                replaceAll = true;
            }
        }
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put(MODEL_PROPERTY, modelId);
        provenance.put(WEIGHTS_PROPERTY, weightsSha256);
        return new TableOutput(spark, name, format, mode, provenance, config.positiveInt(ConfigKey.OUTPUT_COMMIT_ROWS),
                Boolean.TRUE.equals(config.bool(ConfigKey.INCREMENTAL_DELETE_MISSING)), replaceAll, exists);
    }

    public TableName name() {
        return name;
    }

    /** The input with {@value #INPUT_HASH_COL} appended: the hash of every column but {@code idColumn} (may be null). */
    public Dataset<Row> withInputHash(Dataset<Row> input, String idColumn) {
        Column[] columns = Arrays.stream(input.columns()).filter(c -> !c.equals(idColumn)).map(functions::col)
                .toArray(Column[]::new);
        return input.withColumn(INPUT_HASH_COL, sha2(to_json(struct(columns)), 256));
    }

    /**
     * Encodes what the table needs and writes it. {@code input} carries {@value #INPUT_HASH_COL}; {@code encode}
     * turns rows into result rows (input columns, results, error); {@code partitions} is the number of tasks a slice
     * is spread over.
     */
    public Written write(Dataset<Row> input, String idColumn, UnaryOperator<Dataset<Row>> encode, int partitions) {
        if (mode != Mode.INCREMENTAL || replaceAll) {
            writeAll(encode.apply(input));
            return new Written(spark.table(name.sql()).count(), 0, 1);
        }
        input.createOrReplaceTempView(INPUT_VIEW);
        Dataset<Row> pending = input;
        if (exists) {
            Dataset<Row> done = spark.table(name.sql()).where(col("error").isNull())
                    .select(col(idColumn), col(INPUT_HASH_COL)).distinct();
            pending = input.alias("input").join(done.alias("done"),
                    col("input." + idColumn).equalTo(col("done." + idColumn))
                            .and(col("input." + INPUT_HASH_COL).equalTo(col("done." + INPUT_HASH_COL))), "left_anti");
        }
        // Kept for the slices below. Were it computed again after a commit, the rows that commit wrote would drop out
        // of it, as they should.
        pending = pending.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long inputRows = input.count();
            long todo = pending.count();
            requireUniqueIds(pending, idColumn);
            int commits = (int) Math.max(1, (todo + commitRows - 1) / commitRows);
            LOG.info("Table {}: {} of {} rows are new or changed, encoded in {} commit(s) of up to {} rows", name, todo,
                    inputRows, todo == 0 ? 0 : commits, commitRows);
            Dataset<Row> sliced = pending.withColumn(CHUNK_COL, pmod(xxhash64(col(idColumn)), lit(commits)));
            int made = 0;
            for (int slice = 0; slice < commits && todo > 0; slice++) {
                Dataset<Row> rows = sliced.where(col(CHUNK_COL).equalTo(slice)).drop(CHUNK_COL)
                        .repartition(Math.max(1, partitions));
                // Encoded once and kept on the executors: MERGE may read its source more than once.
                Dataset<Row> results = encode.apply(rows).localCheckpoint(true);
                if (!exists) {
                    create(results);
                } else {
                    merge(results, idColumn);
                }
                made++;
                LOG.info("Table {}: commit {} of {} done", name, made, commits);
            }
            if (deleteMissing && exists) {
                spark.sql("MERGE INTO " + name.sql() + " t USING (SELECT DISTINCT " + TableName.quote(idColumn)
                        + " FROM " + INPUT_VIEW + ") s ON t." + TableName.quote(idColumn) + " = s."
                        + TableName.quote(idColumn) + " WHEN NOT MATCHED BY SOURCE THEN DELETE");
                made++;
            }
            return new Written(todo, inputRows - todo, made);
        } finally {
            pending.unpersist();
        }
    }

    /**
     * Records what a run did in the table's properties {@code spark-encoders.last-run.*}: when it finished, rows
     * encoded, unchanged and failed, seconds.
     */
    public void recordRun(RunReport report) {
        Map<String, String> run = new LinkedHashMap<>();
        run.put(LAST_RUN_PREFIX + "finished-at", Instant.now().toString());
        run.put(LAST_RUN_PREFIX + "rows-encoded", Long.toString(report.rowsEncoded()));
        run.put(LAST_RUN_PREFIX + "rows-unchanged", Long.toString(report.rowsUnchanged()));
        run.put(LAST_RUN_PREFIX + "rows-failed", Long.toString(report.rowsFailed()));
        run.put(LAST_RUN_PREFIX + "seconds", String.format(Locale.ROOT, "%.1f", report.seconds()));
        setProperties(run);
    }

    private void writeAll(Dataset<Row> results) {
        if (!exists) {
            create(results);
            return;
        }
        try {
            results.writeTo(name.sql()).overwrite(lit(true));
        } catch (NoSuchTableException e) {
            throw new IllegalStateException("Cannot overwrite table " + name + ": it disappeared during the run", e);
        }
        setProperties(provenance);
    }

    private void create(Dataset<Row> results) {
        var writer = results.writeTo(name.sql()).using(format.id());
        for (var p : provenance.entrySet()) {
            writer = writer.tableProperty(p.getKey(), p.getValue());
        }
        try {
            writer.create();
        } catch (Exception e) { // TableAlreadyExistsException is checked, thrown from Scala
            throw new IllegalStateException("Cannot create table " + name + ": " + e.getMessage(), e);
        }
        exists = true;
    }

    private void merge(Dataset<Row> results, String idColumn) {
        results.createOrReplaceTempView(BATCH_VIEW);
        String id = TableName.quote(idColumn);
        spark.sql("MERGE INTO " + name.sql() + " t USING " + BATCH_VIEW + " s ON t." + id + " = s." + id
                + " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
    }

    private void setProperties(Map<String, String> properties) {
        StringBuilder sql = new StringBuilder("ALTER TABLE ").append(name.sql()).append(" SET TBLPROPERTIES (");
        int i = 0;
        for (var p : properties.entrySet()) {
            sql.append(i++ > 0 ? ", " : "").append(literal(p.getKey())).append(" = ").append(literal(p.getValue()));
        }
        spark.sql(sql.append(")").toString());
    }

    private long rowCount() {
        return exists ? spark.table(name.sql()).count() : 0;
    }

    private static void requireUniqueIds(Dataset<Row> rows, String idColumn) {
        if (!rows.where(col(idColumn).isNull()).limit(1).isEmpty()) {
            throw new JobConfigException("Cannot merge into the table by " + idColumn + ": a row to encode has no id"
                    + " (input.id-col must identify every row; filter or fill null ids)");
        }
        List<Row> repeated = rows.groupBy(col(idColumn)).count().where(col("count").gt(1)).limit(1).collectAsList();
        if (!repeated.isEmpty()) {
            throw new JobConfigException("Cannot merge into the table by " + idColumn + ": id " + repeated.get(0).get(0)
                    + " appears " + repeated.get(0).getLong(1) + " times among the rows to encode (input.id-col must"
                    + " identify one row)");
        }
    }

    /** Delta tables live at {@code <warehouse>/<db>/<table>}; registers one a previous run wrote with this session. */
    private static void register(SparkSession spark, TableName name, TableFormat format, String warehouse) {
        if (format == TableFormat.ICEBERG) {
            spark.sql("CREATE NAMESPACE IF NOT EXISTS " + name.namespaceSql());
            return;
        }
        String database = warehouse + "/" + name.namespace();
        spark.sql("CREATE DATABASE IF NOT EXISTS " + TableName.quote(name.namespace()) + " LOCATION "
                + literal(database));
        String location = database + "/" + name.table();
        try {
            org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(location, "_delta_log");
            FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(log)) {
                spark.sql("CREATE TABLE IF NOT EXISTS " + name.sql() + " USING delta LOCATION " + literal(location));
            }
        } catch (IOException e) {
            throw new JobConfigException("Cannot check table location " + location + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> properties(SparkSession spark, TableName name) {
        Map<String, String> properties = new HashMap<>();
        for (Row row : spark.sql("SHOW TBLPROPERTIES " + name.sql()).collectAsList()) {
            properties.put(row.getString(0), row.getString(1));
        }
        return properties;
    }

    private static Mode mode(JobConfig config) {
        return switch (config.require(ConfigKey.OUTPUT_MODE).toLowerCase(Locale.ROOT)) {
            case "errorifexists" -> Mode.CREATE;
            case "overwrite" -> Mode.OVERWRITE;
            case "incremental" -> Mode.INCREMENTAL;
            default -> throw new JobConfigException("Cannot use output.mode=" + config.get(ConfigKey.OUTPUT_MODE)
                    + ": unknown mode (use errorifexists, overwrite or incremental)");
        };
    }

    private static ModelChange modelChange(JobConfig config) {
        String value = config.require(ConfigKey.OUTPUT_MODEL_CHANGE);
        return Arrays.stream(ModelChange.values()).filter(c -> c.name().equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> new JobConfigException("Cannot use output.model-change=" + value
                        + ": unknown choice (use refuse or replace)"));
    }

    /** {@code output.warehouse} as an absolute location: local paths against the driver's working directory. */
    static String warehouse(JobConfig config) {
        String warehouse = config.require(ConfigKey.OUTPUT_WAREHOUSE);
        return warehouse.contains(":") ? warehouse : Path.of(warehouse).toAbsolutePath().normalize().toString();
    }

    private static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
