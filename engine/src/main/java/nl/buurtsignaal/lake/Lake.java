package nl.buurtsignaal.lake;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The lake: one Delta table per {@code <schema>.<table>} name, stored at
 * {@code <lake>/<schema>/<table>}. Tables are registered in Spark's session catalog under the same
 * names so that catalogue SQL and the {@code sql} command read {@code silver.resident}, not paths.
 *
 * <p>The lake is a local folder or a URI of any file system Hadoop knows ({@code hdfs://…},
 * {@code s3a://…}); the lake's own bookkeeping (which tables exist, their versions, their size)
 * goes through Hadoop's FileSystem, as Delta's does.
 */
public final class Lake {
    public static final List<String> SCHEMAS = List.of("bronze", "silver", "gold", "hub", "audit", "quarantine", "ml");

    /** Table name to the location it is registered with in this JVM's session catalog. */
    private static final java.util.Map<String, String> REGISTERED = new java.util.concurrent.ConcurrentHashMap<>();

    private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*");

    private final SparkSession spark;
    private final String root;
    private final FileSystem fs;
    private nl.buurtsignaal.config.Settings.Leases leases;

    /** A lake in a local folder. */
    public Lake(SparkSession spark, java.nio.file.Path root) {
        this(spark, root.toString());
    }

    /** A lake in a local folder or at a Hadoop file system URI ({@code hdfs://namenode:8020/lake}). */
    public Lake(SparkSession spark, String root) {
        this.spark = spark;
        this.root = normalise(root);
        try {
            this.fs = new Path(this.root).getFileSystem(spark.sessionState().newHadoopConf());
        } catch (IOException e) {
            throw new IllegalStateException("no file system for the lake " + this.root + ": " + e.getMessage(), e);
        }
    }

    /** A URI with a scheme stays as given (without a trailing slash); a local path becomes absolute. */
    public static String normalise(String root) {
        if (isUri(root)) {
            String trimmed = root.replaceAll("/+$", "");
            return trimmed.startsWith("file:") ? normalise(java.nio.file.Path.of(java.net.URI.create(trimmed)).toString()) : trimmed;
        }
        return java.nio.file.Path.of(root).toAbsolutePath().normalize().toString();
    }

    /** Whether a lake setting names a file system by its scheme ({@code hdfs://…}) rather than a local path. */
    public static boolean isUri(String root) {
        return URI_SCHEME.matcher(root).matches();
    }

    /** Whether the lake is a folder on this machine's file system (the writer lock is then an OS lock). */
    public boolean isLocal() {
        // by the file system Spark resolves it to: a path without a scheme may be HDFS (fs.defaultFS)
        return "file".equals(fs.getScheme());
    }

    public SparkSession spark() {
        return spark;
    }

    public String root() {
        return root;
    }

    /** Whether the lake's root folder exists (a lake that was never written to does not). */
    public boolean rootExists() {
        try {
            return fs.getFileStatus(new Path(root)).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the lake " + root + ": " + e.getMessage(), e);
        }
    }

    public String location(String table) {
        String[] parts = split(table);
        return root + "/" + parts[0] + "/" + parts[1];
    }

    /**
     * A table exists once its first commit is written. A process killed while creating a table can
     * leave a _delta_log folder without any commit: that is no table yet, and the next write
     * creates it.
     */
    public boolean exists(String table) {
        return version(table) >= 0;
    }

    public Dataset<Row> read(String table) {
        return spark.read().format("delta").load(location(table));
    }

    /**
     * The table's latest rows read from its data files as Delta Kernel lists them, without Spark's
     * Delta scan (which reconstructs the table's state in Spark jobs first: 0.3-0.9 s a table on a
     * small lake). Falls back to {@link #read} where plain files are not the rows (deletion vectors,
     * column mapping, partitions). The rows are those of the latest version, which a run reads under
     * the writer lock, as it reads the versions it records in audit.computed.
     */
    public Dataset<Row> readFiles(String table) {
        return new KernelReader(spark.sessionState().newHadoopConf()).plainFiles(location(table))
                .map(files -> {
                    StructType schema = (StructType) DataType.fromJson(files.schemaJson());
                    return files.paths().isEmpty()
                            ? spark.createDataFrame(java.util.List.<Row>of(), schema)
                            : spark.read().schema(schema).parquet(files.paths().toArray(String[]::new));
                })
                .orElseGet(() -> read(table));
    }

    /** A table's rows of one reference date. */
    public Dataset<Row> readAsOf(String table, LocalDate asOf) {
        return read(table).filter(isAsOf(asOf));
    }

    /** Rows whose {@code as_of} is the given reference date. */
    public static org.apache.spark.sql.Column isAsOf(LocalDate asOf) {
        return AsOf.of(asOf).rows();
    }

    /** Replaces the table's content in one commit (a {@code full} delivery, a snapshot). */
    public void overwrite(String table, Dataset<Row> rows) {
        WriterLock.ensureHeld(root);
        rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                .save(location(table));
        register(table);
    }

    /** Replaces the rows matching {@code condition} in one commit (Delta's replaceWhere). */
    public void replaceWhere(String table, String condition, Dataset<Row> rows) {
        WriterLock.ensureHeld(root);
        // mergeSchema: a column a newer engine adds (gold's areas) lands in a lake written before it
        rows.write().format("delta").mode("overwrite").option("replaceWhere", condition).option("mergeSchema", "true")
                .save(location(table));
        register(table);
    }

    /** Replaces one reference date's rows: re-running a stage for the same as_of never duplicates. */
    public void replaceAsOf(String table, LocalDate asOf, Dataset<Row> rows) {
        replaceWhere(table, AsOf.of(asOf).predicate(null), rows);
    }

    /**
     * Creates an empty table with the given columns and Delta table properties, unless it exists.
     * The hub's append-only tables take one small commit per decision: a long checkpoint interval
     * keeps a checkpoint from being written in the middle of every tenth decision.
     */
    public void createIfMissing(String table, org.apache.spark.sql.types.StructType schema, java.util.Map<String, String> properties) {
        if (exists(table)) {
            return;
        }
        WriterLock.ensureHeld(root);
        var builder = DeltaTable.createIfNotExists(spark).location(location(table)).addColumns(schema);
        properties.forEach(builder::property);
        builder.execute();
        register(table);
    }

    public void append(String table, Dataset<Row> rows) {
        WriterLock.ensureHeld(root);
        rows.write().format("delta").mode("append").save(location(table));
        register(table);
    }

    public DeltaTable deltaTable(String table) {
        WriterLock.ensureHeld(root);
        return DeltaTable.forPath(spark, location(table));
    }

    /** The table's latest Delta version, -1 when it does not exist: read from the log's file names, no Spark job. */
    public long version(String table) {
        long version = -1;
        for (FileStatus file : list(new Path(location(table), "_delta_log"))) {
            String name = file.getPath().getName();
            if (name.length() == 25 && name.matches("\\d{20}\\.json")) {
                version = Math.max(version, Long.parseLong(name.substring(0, 20)));
            }
        }
        return version;
    }

    /** Every table of the lake with its latest Delta version. */
    public java.util.SortedMap<String, Long> versions() {
        java.util.SortedMap<String, Long> versions = new java.util.TreeMap<>();
        for (String table : tables()) {
            versions.put(table, version(table));
        }
        return versions;
    }

    /** The names of every Delta table under the lake root. */
    public List<String> tables() {
        List<String> tables = new ArrayList<>();
        for (String schema : SCHEMAS) {
            list(new Path(root, schema)).stream().filter(FileStatus::isDirectory)
                    .map(folder -> schema + "." + folder.getPath().getName()).sorted()
                    .filter(this::exists)
                    .forEach(tables::add);
        }
        return tables;
    }

    /** A folder's entries; none when the folder does not exist. */
    private List<FileStatus> list(Path folder) {
        try {
            return List.of(fs.listStatus(folder));
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * One writer at a time: commands that change the lake hold this lock for their whole duration.
     * A second ingest started alongside waits, then finds the deliveries already in the lake. The
     * lock is released when its holder ends in any way, also by SIGKILL: on a local lake at once
     * (an operating-system lock), on HDFS when the holder's lease expires.
     */
    public WriterLock lockForWriting(java.util.function.Consumer<String> onWait) {
        return WriterLock.acquire(this, fs, onWait);
    }

    /** The lease settings for a lake without locks (object storage); this lake, for chaining. */
    public Lake leases(nl.buurtsignaal.config.Settings.Leases settings) {
        this.leases = settings;
        return this;
    }

    /** The lease settings given with {@link #leases(nl.buurtsignaal.config.Settings.Leases)}, or null. */
    public nl.buurtsignaal.config.Settings.Leases leases() {
        return leases;
    }

    /** The lake's Hadoop file system (local, HDFS, S3A). */
    public FileSystem fileSystem() {
        return fs;
    }

    /** Bytes on storage under one schema of the lake, history included: a cheap measure of input size. */
    public long bytes(String schema) {
        try {
            return fs.getContentSummary(new Path(root, schema)).getLength();
        } catch (FileNotFoundException e) {
            return 0;
        } catch (IOException e) {
            throw new IllegalStateException("cannot measure " + root + "/" + schema + ": " + e.getMessage(), e);
        }
    }

    /** Registers every Delta table found under the lake root in the session catalog. */
    public List<String> registerAll() {
        List<String> tables = tables();
        tables.forEach(this::register);
        if (tables.contains(Tables.BUURT_INDICATOR)) {
            createTrendView();
        }
        return tables;
    }

    private void createTrendView() {
        // The trend of every indicator against the previous as_of in the lake, within its
        // classification of areas; a view, so it is always current and costs nothing to keep.
        String direct = "SELECT as_of, buurt_code, theme, indicator_id, numerator, denominator, value, "
                + "lag(as_of) OVER w AS previous_as_of, lag(value) OVER w AS previous_value, "
                + "value - lag(value) OVER w AS change, areas, "
                + "CAST(lag(numerator) OVER w AS DOUBLE) AS previous_numerator, "
                + "CAST(lag(denominator) OVER w AS DOUBLE) AS previous_denominator, CAST(NULL AS STRING) AS carried_from "
                + "FROM " + Tables.BUURT_INDICATOR + " WINDOW w AS (PARTITION BY areas, buurt_code, indicator_id ORDER BY as_of)";
        if (!List.of(read(Tables.BUURT_INDICATOR).columns()).contains("areas")) {
            direct = direct.replace("PARTITION BY areas, ", "PARTITION BY ").replace(", areas, ", ", CAST(NULL AS STRING) AS areas, ");
            spark.sql("CREATE OR REPLACE VIEW " + Tables.BUURT_INDICATOR_TREND + " AS " + direct);
            return;
        }
        if (!exists(Tables.AREA_CROSSWALK)) {
            spark.sql("CREATE OR REPLACE VIEW " + Tables.BUURT_INDICATOR_TREND + " AS " + direct);
            return;
        }
        register(Tables.AREA_CROSSWALK);
        // An area without a previous value in its own classification (the classification is new
        // since the previous as_of, or was not run then) takes the previous as_of's numerators and
        // denominators of another classification, carried over through the crosswalk of its own
        // as_of: each old area's counts times the share of its addresses that lie in the new area
        // (a merge adds old areas whole, a split shares one out). carried_from names that classification.
        spark.sql("CREATE OR REPLACE VIEW " + Tables.BUURT_INDICATOR_TREND + " AS "
                + "WITH direct AS (" + direct + "), "
                + "present AS (SELECT DISTINCT as_of, areas FROM " + Tables.BUURT_INDICATOR + "), "
                + "dates AS (SELECT as_of, lag(as_of) OVER (ORDER BY as_of) AS before FROM (SELECT DISTINCT as_of FROM present)), "
                + "source AS (SELECT d.as_of, d.before, x.to_areas AS areas, min(x.from_areas) AS from_areas "
                + "  FROM dates d JOIN " + Tables.AREA_CROSSWALK + " x ON x.as_of = d.as_of "
                + "  JOIN present p ON p.as_of = d.before AND p.areas = x.from_areas "
                + "  GROUP BY d.as_of, d.before, x.to_areas), "
                + "carried AS (SELECT s.as_of, s.areas, x.to_code AS buurt_code, i.indicator_id, s.before, s.from_areas, "
                + "  sum(i.numerator * x.address_share) AS numerator, sum(i.denominator * x.address_share) AS denominator, "
                + "  sum(i.value * i.denominator * x.address_share) "
                + "    / nullif(sum(CASE WHEN i.value IS NOT NULL THEN i.denominator * x.address_share END), 0) AS value "
                + "  FROM source s JOIN " + Tables.AREA_CROSSWALK + " x "
                + "    ON x.as_of = s.as_of AND x.to_areas = s.areas AND x.from_areas = s.from_areas "
                + "  JOIN " + Tables.BUURT_INDICATOR + " i ON i.as_of = s.before AND i.areas = s.from_areas AND i.buurt_code = x.from_code "
                + "  GROUP BY s.as_of, s.areas, x.to_code, i.indicator_id, s.before, s.from_areas) "
                + "SELECT d.as_of, d.buurt_code, d.theme, d.indicator_id, d.numerator, d.denominator, d.value, "
                + "  coalesce(d.previous_as_of, c.before) AS previous_as_of, "
                + "  CASE WHEN d.previous_as_of IS NOT NULL THEN d.previous_value ELSE c.value END AS previous_value, "
                + "  d.value - CASE WHEN d.previous_as_of IS NOT NULL THEN d.previous_value ELSE c.value END AS change, "
                + "  d.areas, "
                + "  CASE WHEN d.previous_as_of IS NOT NULL THEN d.previous_numerator ELSE c.numerator END AS previous_numerator, "
                + "  CASE WHEN d.previous_as_of IS NOT NULL THEN d.previous_denominator ELSE c.denominator END AS previous_denominator, "
                + "  CASE WHEN d.previous_as_of IS NULL THEN c.from_areas END AS carried_from "
                + "FROM direct d LEFT JOIN carried c ON c.as_of = d.as_of AND c.areas = d.areas "
                + "  AND c.buurt_code = d.buurt_code AND c.indicator_id = d.indicator_id");
    }

    /**
     * Registers the lake's tables among {@code names} (as a {@link Query} names them) and nothing
     * else: registering reads a table's Delta log, which costs seconds on a lake of many tables.
     * Names that are not the lake's are left for Spark to report.
     *
     * @return the tables registered
     */
    public List<String> registerNamed(java.util.Collection<String> names) {
        List<String> wanted = new ArrayList<>();
        for (String name : names) {
            String table = name.equals(Tables.BUURT_INDICATOR_TREND) ? Tables.BUURT_INDICATOR : name;
            String[] parts = table.split("\\.");
            if (parts.length == 2 && SCHEMAS.contains(parts[0]) && exists(table) && !wanted.contains(table)) {
                wanted.add(table);
            }
        }
        wanted.forEach(this::register);
        if (names.contains(Tables.BUURT_INDICATOR_TREND) && wanted.contains(Tables.BUURT_INDICATOR)) {
            createTrendView();
        }
        return wanted;
    }

    /**
     * Makes {@code table} resolvable by name in this session. The session catalog is in memory; a
     * name registered earlier for another lake (tests, the demo) is pointed at this lake.
     */
    public void register(String table) {
        // one registration at a time in this JVM: serve's requests come in on several threads
        synchronized (REGISTERED) {
            registerAlone(table);
        }
    }

    private void registerAlone(String table) {
        String location = location(table);
        String known = REGISTERED.get(table);
        if (location.equals(known) && spark.catalog().tableExists(table)) {
            return;
        }
        String[] parts = split(table);
        spark.sql("CREATE DATABASE IF NOT EXISTS " + parts[0]);
        if (known != null || spark.catalog().tableExists(table)) {
            spark.sql("DROP TABLE IF EXISTS " + parts[0] + ".`" + parts[1] + "`");
        }
        spark.sql("CREATE TABLE " + parts[0] + ".`" + parts[1] + "` USING delta LOCATION '"
                + location.replace("'", "\\'") + "'");
        REGISTERED.put(table, location);
    }

    private static String[] split(String table) {
        String[] parts = table.split("\\.");
        if (parts.length != 2 || !SCHEMAS.contains(parts[0])) {
            throw new IllegalArgumentException("not a lake table name: " + table);
        }
        return parts;
    }
}
