package nl.buurtsignaal.publish;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.LocalDate;

import static org.apache.spark.sql.functions.*;

/**
 * The open-data export of the neighbourhood indicators, with statistical disclosure control in
 * the style of CBS: a value is suppressed where its denominator is below the publication minimum
 * or its numerator is between 1 and 4, and published counts are rounded to multiples of 5.
 * Only neighbourhood aggregates are ever published: nothing at address or person level.
 */
public final class OpenData {
    private OpenData() {
    }

    /**
     * The published columns, as SQL over the indicators ({@code i}) joined to the neighbourhoods
     * ({@code b}): the one definition of what is published, used by the export and by the SQL
     * endpoint's view alike.
     */
    private static String[] columns(long minDenominator) {
        String suppressed = nl.buurtsignaal.scoring.Scoring.suppressedSql(minDenominator)
                .replace("denominator", "i.denominator").replace("numerator", "i.numerator");
        return new String[]{"i.as_of", "b.gemeente_code", "b.gemeente_name", "b.wijk_code", "b.wijk_name",
                "i.buurt_code", "b.buurt_name", "i.theme", "i.indicator_id",
                "CASE WHEN " + suppressed + " THEN CAST(NULL AS BIGINT) ELSE CAST(round(i.numerator / 5.0D) * 5 AS BIGINT) END AS numerator",
                "CASE WHEN i.denominator < " + minDenominator + " THEN CAST(NULL AS BIGINT) ELSE CAST(round(i.denominator / 5.0D) * 5 AS BIGINT) END AS denominator",
                "CASE WHEN " + suppressed + " THEN CAST(NULL AS DOUBLE) ELSE round(i.value, 1) END AS value",
                suppressed + " AS suppressed"};
    }

    /** One row per neighbourhood and indicator of as_of (of every as_of when null), with names, suppressed and rounded. */
    public static Dataset<Row> export(Dataset<Row> indicators, Dataset<Row> buurten, LocalDate asOf, long minDenominator) {
        Dataset<Row> rows = (asOf == null ? indicators : indicators.filter(nl.buurtsignaal.lake.Lake.isAsOf(asOf))).as("i");
        Dataset<Row> b = buurten.as("b");
        return rows.join(b, col("i.buurt_code").equalTo(col("b.buurt_code")), "left")
                .selectExpr(columns(minDenominator))
                .orderBy("as_of", "buurt_code", "indicator_id");
    }

    /** The same rows as {@link #export} of every as_of, as a query over the registered tables (for a view). */
    public static String exportSql(long minDenominator) {
        return "SELECT " + String.join(", ", columns(minDenominator)) + " FROM " + nl.buurtsignaal.lake.Tables.BUURT_INDICATOR
                + " i LEFT JOIN " + nl.buurtsignaal.lake.Tables.SILVER_BUURT + " b ON i.buurt_code = b.buurt_code";
    }
}
