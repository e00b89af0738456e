package nl.buurtsignaal.lake;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tables one run keeps in memory, each under a temporary view name, and lets go of once, on
 * {@link #close()}. On small inputs, listing a Delta table's files for every query costs more
 * than the query itself (see {@link SparkSessions#fitToInput}); holding the bronze inputs while
 * silver is built, and silver while the catalogue runs, lists each table once per run. When not
 * enabled, {@link #hold} hands back what it is given and nothing is kept.
 */
public final class HeldTables implements AutoCloseable {
    private final SparkSession spark;
    private final boolean enabled;
    private final Map<String, Dataset<Row>> views = new LinkedHashMap<>();

    public HeldTables(SparkSession spark, boolean enabled) {
        this.spark = spark;
        this.enabled = enabled;
    }

    /**
     * Whether a run holds its tables: on small inputs, unless {@code small_input.hold_tables} is
     * false (which keeps the small profile's Spark settings without held tables).
     */
    public static boolean wanted(nl.buurtsignaal.config.EngineConfig config, boolean small) {
        return small && !"false".equals(String.valueOf(config.settings().smallInput().holdTables()));
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Keeps {@code rows} in memory (spilling to disk) as the view {@code view}, replacing what was
     * held under that name; returns what to read from now on. Not enabled: returns {@code rows}.
     */
    public Dataset<Row> hold(String view, Dataset<Row> rows) {
        if (!enabled) {
            return rows;
        }
        Dataset<Row> previous = views.remove(view);
        if (previous != null) {
            previous.unpersist();
        }
        Dataset<Row> kept = rows.persist(StorageLevel.MEMORY_AND_DISK());
        kept.createOrReplaceTempView(view);
        views.put(view, kept);
        return kept;
    }

    public boolean holds(String view) {
        return views.containsKey(view);
    }

    /** What is held under {@code view}, if anything. */
    public java.util.Optional<Dataset<Row>> held(String view) {
        return java.util.Optional.ofNullable(views.get(view));
    }

    /** Lets go of everything held, and drops the views. */
    @Override
    public void close() {
        views.forEach((view, rows) -> {
            rows.unpersist();
            spark.catalog().dropTempView(view);
        });
        views.clear();
    }
}
