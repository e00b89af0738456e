package nl.buurtsignaal.publish;

import org.apache.spark.sql.Column;
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

    /** Rounds a count to the nearest multiple of 5 (CBS afronding). */
    public static Column roundedTo5(Column count) {
        return round(count.divide(5.0)).multiply(5).cast("long");
    }

    /** One row per neighbourhood and indicator of as_of, with names, suppressed and rounded. */
    public static Dataset<Row> export(Dataset<Row> indicators, Dataset<Row> buurten, LocalDate asOf, long minDenominator) {
        Dataset<Row> rows = indicators.filter(nl.buurtsignaal.lake.Lake.isAsOf(asOf));
        Column suppressed = nl.buurtsignaal.scoring.Scoring.isSuppressed(minDenominator);
        return rows.join(buurten, rows.col("buurt_code").equalTo(buurten.col("buurt_code")), "left")
                .select(
                        rows.col("as_of"),
                        buurten.col("gemeente_code"), buurten.col("gemeente_name"),
                        buurten.col("wijk_code"), buurten.col("wijk_name"),
                        rows.col("buurt_code"), buurten.col("buurt_name"),
                        rows.col("theme"), rows.col("indicator_id"),
                        when(suppressed, lit(null).cast("long")).otherwise(roundedTo5(rows.col("numerator"))).as("numerator"),
                        when(rows.col("denominator").lt(minDenominator), lit(null).cast("long"))
                                .otherwise(roundedTo5(rows.col("denominator"))).as("denominator"),
                        when(suppressed, lit(null).cast("double")).otherwise(round(rows.col("value"), 1)).as("value"),
                        suppressed.as("suppressed"))
                .orderBy("buurt_code", "indicator_id");
    }
}
