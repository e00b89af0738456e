package nl.buurtsignaal.lake;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The lake: one Delta table per {@code <schema>.<table>} name, stored at
 * {@code <lake>/<schema>/<table>}. Tables are registered in Spark's session catalog under the same
 * names so that catalogue SQL and the {@code sql} command read {@code silver.resident}, not paths.
 */
public final class Lake {
    public static final List<String> SCHEMAS = List.of("bronze", "silver", "gold", "hub", "audit", "quarantine");

    /** Table name to the location it is registered with in this JVM's session catalog. */
    private static final java.util.Map<String, String> REGISTERED = new java.util.concurrent.ConcurrentHashMap<>();

    private final SparkSession spark;
    private final Path root;

    public Lake(SparkSession spark, Path root) {
        this.spark = spark;
        this.root = root.toAbsolutePath().normalize();
    }

    public SparkSession spark() {
        return spark;
    }

    public Path root() {
        return root;
    }

    public Path location(String table) {
        String[] parts = split(table);
        return root.resolve(parts[0]).resolve(parts[1]);
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
        return spark.read().format("delta").load(location(table).toString());
    }

    /** Replaces the table's content in one commit (a {@code full} delivery, a snapshot). */
    public void overwrite(String table, Dataset<Row> rows) {
        rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                .save(location(table).toString());
        register(table);
    }

    /** Replaces the rows matching {@code condition} in one commit (Delta's replaceWhere). */
    public void replaceWhere(String table, String condition, Dataset<Row> rows) {
        rows.write().format("delta").mode("overwrite").option("replaceWhere", condition)
                .save(location(table).toString());
        register(table);
    }

    /** Replaces one reference date's rows: re-running a stage for the same as_of never duplicates. */
    public void replaceAsOf(String table, LocalDate asOf, Dataset<Row> rows) {
        replaceWhere(table, "as_of = DATE'" + asOf + "'", rows);
    }

    public void append(String table, Dataset<Row> rows) {
        rows.write().format("delta").mode("append").save(location(table).toString());
        register(table);
    }

    public DeltaTable deltaTable(String table) {
        return DeltaTable.forPath(spark, location(table).toString());
    }

    /** The table's latest Delta version, -1 when it does not exist: read from the log's file names, no Spark job. */
    public long version(String table) {
        Path log = location(table).resolve("_delta_log");
        if (!Files.isDirectory(log)) {
            return -1;
        }
        try (Stream<Path> files = Files.list(log)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d{20}\\.json"))
                    .mapToLong(n -> Long.parseLong(n.substring(0, 20))).max().orElse(-1);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + log, e);
        }
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
            Path dir = root.resolve(schema);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).sorted()
                        .map(p -> schema + "." + p.getFileName())
                        .filter(this::exists)
                        .forEach(tables::add);
            } catch (IOException e) {
                throw new IllegalStateException("cannot list lake folder " + dir, e);
            }
        }
        return tables;
    }

    /**
     * One writer at a time: commands that change the lake hold this lock for their whole duration.
     * A second ingest started alongside waits, then finds the deliveries already in the lake. The
     * operating system releases the lock when the process ends in any way, also by SIGKILL. (On
     * HDFS or S3 this local lock does not apply; Delta's optimistic concurrency then refuses the
     * losing commit instead.)
     */
    public WriterLock lockForWriting(java.util.function.Consumer<String> onWait) {
        return WriterLock.acquire(root, onWait);
    }

    /** Bytes on storage under one schema of the lake, history included: a cheap measure of input size. */
    public long bytes(String schema) {
        return Lake.bytesUnder(root.resolve(schema));
    }

    public static long bytesUnder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
    }

    /** Registers every Delta table found under the lake root in the session catalog. */
    public List<String> registerAll() {
        List<String> tables = tables();
        tables.forEach(this::register);
        if (tables.contains("gold.buurt_indicator")) {
            // The trend of every indicator against the previous as_of in the lake; a view, so it
            // is always current and costs nothing to keep.
            spark.sql("CREATE OR REPLACE VIEW gold.buurt_indicator_trend AS "
                    + "SELECT as_of, buurt_code, theme, indicator_id, numerator, denominator, value, "
                    + "lag(as_of) OVER w AS previous_as_of, lag(value) OVER w AS previous_value, "
                    + "value - lag(value) OVER w AS change "
                    + "FROM gold.buurt_indicator WINDOW w AS (PARTITION BY buurt_code, indicator_id ORDER BY as_of)");
        }
        return tables;
    }

    /**
     * Makes {@code table} resolvable by name in this session. The session catalog is in memory; a
     * name registered earlier for another lake (tests, the demo) is pointed at this lake.
     */
    public void register(String table) {
        String location = location(table).toString();
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
