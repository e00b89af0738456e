package nl.buurtsignaal.lake;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * What a run for one as_of was computed from: for every silver table and catalogue entry, the
 * Delta versions of the bronze tables it reads and the fingerprint of the method (catalogue,
 * parameters, scoring, reference, engine version; for a silver table only the settings conforming
 * reads and the engine version), in {@code audit.computed}. A later run for the
 * same as_of recomputes only the items whose bronze inputs have a new version since (a delivery,
 * an erasure, a retention purge) or whose method changed, and keeps the rest: a monthly care
 * delivery recomputes the care tables and indicators, not the whole catalogue. Everything a run
 * keeps was computed from exactly the bronze versions it would read now, so the result equals a
 * full run's; {@code run --full} recomputes everything regardless.
 */
public final class Incremental {
    public static final String TABLE = Tables.AUDIT_COMPUTED;
    static final StructType SCHEMA = new StructType()
            .add("as_of", DataTypes.DateType, false)
            .add("item", DataTypes.StringType, false)
            .add("fingerprint", DataTypes.StringType, false)
            .add("inputs", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false)
            .add("run_id", DataTypes.StringType, false)
            .add("computed_at", DataTypes.TimestampType, false);

    private final Lake lake;
    private final LocalDate asOf;
    private final String fingerprint;
    private final boolean full;
    private final Map<String, Long> versions;
    private final Map<String, Row> previous = new HashMap<>();
    private final Map<String, String> own = new HashMap<>();

    private Incremental(Lake lake, LocalDate asOf, String fingerprint, boolean full, Collection<String> bronzeTables) {
        this.lake = lake;
        this.asOf = asOf;
        this.fingerprint = fingerprint;
        this.full = full;
        this.versions = new TreeMap<>();
        bronzeTables.forEach(t -> versions.put(t, lake.version(t)));
        if (!full && lake.exists(TABLE)) {
            for (Row r : lake.readAsOf(TABLE, asOf).collectAsList()) {
                previous.put(r.getString(r.fieldIndex("item")), r);
            }
        }
    }

    /** The state for one as_of, with the current versions of {@code bronzeTables} (read once, under the writer lock). */
    public static Incremental load(Lake lake, LocalDate asOf, String fingerprint, boolean full, Collection<String> bronzeTables) {
        return new Incremental(lake, asOf, fingerprint, full, bronzeTables);
    }

    /**
     * Items whose results depend on less than the whole method take a fingerprint of their own: the
     * silver tables are computed from bronze and a few settings, so a changed rule threshold
     * recomputes the catalogue and keeps silver.
     */
    public Incremental fingerprint(Collection<String> items, String itemFingerprint) {
        items.forEach(item -> own.put(item, itemFingerprint));
        return this;
    }

    private String fingerprintOf(String item) {
        return own.getOrDefault(item, fingerprint);
    }

    /** Whether {@code item} was computed for this as_of, by this method, from the bronze versions of now. */
    public boolean isCurrent(String item, Collection<String> inputs) {
        Row before = previous.get(item);
        if (full || before == null || !fingerprintOf(item).equals(before.getString(before.fieldIndex("fingerprint")))) {
            return false;
        }
        Map<String, Long> used = before.getJavaMap(before.fieldIndex("inputs"));
        for (String input : inputs) {
            Long now = versions.get(input);
            if (now == null || !now.equals(used.get(input))) {
                return false;
            }
        }
        return true;
    }

    /** The run that computed what {@code item} holds now, if any. */
    public String computedBy(String item) {
        Row before = previous.get(item);
        return before == null ? null : before.getString(before.fieldIndex("run_id"));
    }

    /** Records every item as computed from the current versions of its inputs: called once the run's writes landed. */
    public void record(Map<String, ? extends Collection<String>> itemInputs, String runId) {
        List<Row> rows = new ArrayList<>();
        Timestamp now = Timestamp.from(Instant.now());
        for (Map.Entry<String, ? extends Collection<String>> item : itemInputs.entrySet()) {
            Map<String, Long> used = new TreeMap<>();
            item.getValue().forEach(input -> used.put(input, versions.get(input)));
            boolean kept = isCurrent(item.getKey(), item.getValue());
            String by = kept ? computedBy(item.getKey()) : runId;
            rows.add(RowFactory.create(java.sql.Date.valueOf(asOf), item.getKey(), fingerprintOf(item.getKey()),
                    used, by, now));
        }
        lake.replaceAsOf(TABLE, asOf, lake.spark().createDataFrame(rows, SCHEMA).coalesce(1));
    }
}
