package nl.buurtsignaal.lake;

import nl.buurtsignaal.config.EngineConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * The results of one classification of areas: gold.buurt_indicator and gold.buurt_score hold a
 * row per area of every classification a run computed, told apart by their {@code areas} column;
 * whoever reads them (publish, the report, the hub's map, serve) reads one classification's rows
 * and that classification's names.
 */
public final class AreaRows {
    private AreaRows() {
    }

    /** The classification results are read in when none is chosen: the first of areas.run. */
    public static String defaultAreas(EngineConfig config) {
        return config.settings().areas().run().get(0);
    }

    /** {@code chosen}, or the default where it is null or blank. */
    public static String chosen(EngineConfig config, String chosen) {
        return chosen == null || chosen.isBlank() ? defaultAreas(config) : chosen;
    }

    /**
     * The rows of one classification. Rows written before results had classifications (no
     * {@code areas} column, or null in it) are the delivered CBS codes': they count as the default's.
     */
    public static Dataset<Row> of(Dataset<Row> rows, String areas, EngineConfig config) {
        if (!List.of(rows.columns()).contains("areas")) {
            return rows;
        }
        Column match = col("areas").equalTo(areas);
        if (areas.equals(defaultAreas(config))) {
            match = match.or(col("areas").isNull());
        }
        return rows.filter(match);
    }

    /** The SQL condition of {@link #of} on a table's alias ({@code alias.areas}), for views. */
    public static String condition(String alias, String areas, EngineConfig config) {
        String quoted = "'" + areas.replace("'", "''") + "'";
        String column = (alias.isEmpty() ? "" : alias + ".") + "areas";
        return areas.equals(defaultAreas(config)) ? "coalesce(" + column + ", " + quoted + ") = " + quoted : column + " = " + quoted;
    }

    /**
     * The areas of one classification with their names and parent levels, in silver.buurt's
     * columns (buurt_code, buurt_name, wijk_code, wijk_name, gemeente_code, gemeente_name): from
     * silver.area, or silver.buurt for a lake that has no such classification there.
     */
    public static Dataset<Row> names(Lake lake, String areas) {
        if (lake.exists(Tables.SILVER_AREA)) {
            Dataset<Row> rows = lake.read(Tables.SILVER_AREA).filter(col("areas").equalTo(areas));
            if (!rows.isEmpty()) {
                return rows.select(col("area_code").as("buurt_code"), col("area_name").as("buurt_name"), col("wijk_code"),
                        col("wijk_name"), col("gemeente_code"), col("gemeente_name"));
            }
        }
        return lake.read(Tables.SILVER_BUURT).select("buurt_code", "buurt_name", "wijk_code", "wijk_name",
                "gemeente_code", "gemeente_name");
    }
}
