package nl.buurtsignaal.lake;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.apache.spark.sql.functions.col;

/** audit.delivery and quarantine.row (contract section 6). */
public final class AuditTables {
    public static final String DELIVERY = Tables.AUDIT_DELIVERY;
    public static final String QUARANTINE = Tables.QUARANTINE_ROW;

    static final StructType DELIVERY_SCHEMA = new StructType()
            .add("source", DataTypes.StringType, false)
            .add("delivery_id", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, true)
            .add("rows_read", DataTypes.LongType, false)
            .add("rows_quarantined", DataTypes.LongType, false)
            .add("dropped_columns", DataTypes.createArrayType(DataTypes.StringType), false)
            .add("key_id", DataTypes.StringType, true)
            .add("run_id", DataTypes.StringType, false)
            .add("ingested_at", DataTypes.TimestampType, false);

    private AuditTables() {
    }

    /** {@code source/delivery_id} of every delivery the lake has seen, accepted or rejected. */
    public static Set<String> deliveriesSeen(Lake lake) {
        Set<String> seen = new HashSet<>();
        if (!lake.exists(DELIVERY)) {
            return seen;
        }
        // One row per delivery ever seen: bounded by the number of deliveries, not by their size.
        for (Row r : lake.read(DELIVERY).select("source", "delivery_id").distinct().collectAsList()) {
            seen.add(r.getString(0) + "/" + r.getString(1));
        }
        return seen;
    }

    public static void appendDeliveries(Lake lake, List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        lake.append(DELIVERY, lake.spark().createDataFrame(rows, DELIVERY_SCHEMA).coalesce(1));
    }

    /** Whether an earlier, interrupted attempt left quarantined rows of this delivery. */
    public static boolean hasQuarantine(Lake lake, String source, String deliveryId) {
        return lake.exists(QUARANTINE) && !lake.read(QUARANTINE)
                .filter(col("source").equalTo(source).and(col("delivery_id").equalTo(deliveryId))).isEmpty();
    }

    /** The quarantined rows of one delivery, replacing any earlier attempt at the same delivery. */
    public static void replaceQuarantine(Lake lake, String source, String deliveryId, Dataset<Row> rows) {
        String condition = "source = '" + source + "' AND delivery_id = '" + deliveryId.replace("'", "''") + "'";
        if (!lake.exists(QUARANTINE)) {
            lake.overwrite(QUARANTINE, rows.coalesce(1));
            return;
        }
        lake.replaceWhere(QUARANTINE, condition, rows.coalesce(1).filter(col("source").equalTo(source)));
    }
}
