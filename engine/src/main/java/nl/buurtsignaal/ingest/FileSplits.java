package nl.buurtsignaal.ingest;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static nl.buurtsignaal.ingest.DeliveryRows.FILE;
import static nl.buurtsignaal.ingest.DeliveryRows.POSITION;
import static nl.buurtsignaal.ingest.DeliveryRows.REASON;
import static nl.buurtsignaal.ingest.DeliveryRows.ROW;
import static nl.buurtsignaal.ingest.DeliveryRows.SPLIT;
import static org.apache.spark.sql.functions.*;

/**
 * A checked delivery counted in one small aggregate, one row per part of a file that Spark read:
 * the rows per file (for the manifest's row counts), the bad rows, and where each part starts in
 * its file, from which a bad row gets its 1-based row number without numbering every row.
 *
 * @param rowsPerFile rows read per data file, by file name
 * @param badRows     rows with a {@link DeliveryRows#REASON}
 * @param shifts      per part ({@code file@split}): what to add to a row's position to get its row
 *                    number minus one, that is the rows of the file's earlier parts minus the part's
 *                    first position
 */
record FileSplits(Map<String, Long> rowsPerFile, long badRows, Map<String, Long> shifts) {

    private record Part(String file, long split, long rows, long firstPosition) {
    }

    /** One aggregate over the checked rows (a pass over what the caller holds, not a shuffle of rows). */
    static FileSplits of(Dataset<Row> checked) {
        List<Part> parts = new ArrayList<>();
        long bad = 0;
        for (Row r : checked.groupBy(FILE, SPLIT)
                .agg(count(lit(1)), min(POSITION), count(col(REASON))).collectAsList()) {
            parts.add(new Part(r.getString(0), r.getLong(1), r.getLong(2), r.getLong(3)));
            bad += r.getLong(4);
        }
        parts.sort(Comparator.comparing(Part::file).thenComparingLong(Part::split));
        Map<String, Long> perFile = new LinkedHashMap<>();
        Map<String, Long> shifts = new LinkedHashMap<>();
        for (Part part : parts) {
            long before = perFile.getOrDefault(part.file(), 0L);
            shifts.put(key(part.file(), part.split()), before - part.firstPosition());
            perFile.put(part.file(), before + part.rows());
        }
        return new FileSplits(perFile, bad, shifts);
    }

    /** The rows with their 1-based row number within their file as {@link DeliveryRows#ROW}. */
    Dataset<Row> withRowNumbers(Dataset<Row> rows) {
        if (shifts.isEmpty()) {
            return rows.withColumn(ROW, lit(null).cast("long"));
        }
        List<Column> keys = new ArrayList<>();
        List<Column> values = new ArrayList<>();
        shifts.forEach((k, v) -> {
            keys.add(lit(k));
            values.add(lit(v));
        });
        Column shift = element_at(map_from_arrays(array(keys.toArray(new Column[0])), array(values.toArray(new Column[0]))),
                concat_ws("@", col(FILE), col(SPLIT).cast("string")));
        return rows.withColumn(ROW, col(POSITION).plus(shift).plus(1));
    }

    private static String key(String file, long split) {
        return file + "@" + split;
    }
}
