package nl.buurtsignaal.publish;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import nl.buurtsignaal.scoring.Disclosure;
import nl.buurtsignaal.scoring.Scoring;

import java.time.LocalDate;
import java.util.List;

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
    private static String[] columns(Disclosure disclosure) {
        String suppressed = disclosure.storedSuppressedSql("i");
        return new String[]{"i.as_of", "b.gemeente_code", "b.gemeente_name", "b.wijk_code", "b.wijk_name",
                "i.buurt_code", "b.buurt_name", "i.theme", "i.indicator_id",
                "CASE WHEN " + suppressed + " THEN CAST(NULL AS BIGINT) ELSE " + Disclosure.roundedSql("i.numerator") + " END AS numerator",
                "CASE WHEN " + disclosure.denominatorShownSql("i.denominator") + " THEN " + Disclosure.roundedSql("i.denominator")
                        + " ELSE CAST(NULL AS BIGINT) END AS denominator",
                "CASE WHEN " + suppressed + " THEN CAST(NULL AS DOUBLE) ELSE round(i.value, 1) END AS value",
                suppressed + " AS suppressed"};
    }

    /** One row per neighbourhood and indicator of as_of (of every as_of when null), with names, suppressed and rounded. */
    public static Dataset<Row> export(Dataset<Row> indicators, Dataset<Row> buurten, LocalDate asOf, Disclosure disclosure) {
        Dataset<Row> rows = (asOf == null ? indicators : indicators.filter(nl.buurtsignaal.lake.Lake.isAsOf(asOf))).as("i");
        Dataset<Row> b = buurten.as("b");
        return rows.join(b, col("i.buurt_code").equalTo(col("b.buurt_code")), "left")
                .selectExpr(columns(disclosure))
                .orderBy("as_of", "buurt_code", "indicator_id");
    }

    /**
     * The same rows as {@link #export} of every as_of, as a query over the registered tables (for a
     * view). With {@code areas} (a lake whose gold tables have the column), the rows of every
     * classification, each with its own areas' names and the column {@code areas} last.
     */
    public static String exportSql(Disclosure disclosure, boolean areas) {
        if (!areas) {
            return "SELECT " + String.join(", ", columns(disclosure)) + " FROM " + nl.buurtsignaal.lake.Tables.BUURT_INDICATOR
                    + " i LEFT JOIN " + nl.buurtsignaal.lake.Tables.SILVER_BUURT + " b ON i.buurt_code = b.buurt_code";
        }
        return "SELECT " + String.join(", ", columns(disclosure)) + ", i.areas FROM " + nl.buurtsignaal.lake.Tables.BUURT_INDICATOR
                + " i LEFT JOIN " + AREA_NAMES + " b ON b.areas = i.areas AND b.buurt_code = i.buurt_code";
    }

    /** Every classification's areas with their names, in silver.buurt's columns and areas. */
    public static final String AREA_NAMES = "(SELECT areas, area_code AS buurt_code, area_name AS buurt_name, wijk_code, wijk_name, "
            + "gemeente_code, gemeente_name FROM " + nl.buurtsignaal.lake.Tables.SILVER_AREA + ")";

    /**
     * gold.buurt_score as it may be published, of every as_of, as a query over the registered tables
     * (the SQL endpoint's {@code published.buurt_score}), by the report's rule: a theme's score is
     * shown where more than half of its weight rests on indicators published for that neighbourhood
     * (else score, rank and contributions are null and {@code suppressed} is true); a contribution is
     * shown only for an indicator published there, so that no suppressed indicator's z-score is
     * carried; scores and contributions rounded to two decimals, as the report shows them.
     */
    public static String scoreExportSql(Disclosure disclosure, List<Scoring.Weight> weightList, boolean areas) {
        StringBuilder weights = new StringBuilder();
        for (Scoring.Weight w : weightList) {
            weights.append(weights.length() == 0 ? "" : ", ").append("('").append(w.theme().replace("'", "")).append("', '")
                    .append(w.indicatorId().replace("'", "")).append("', ").append(w.weight()).append("D)");
        }
        String suppressed = disclosure.storedSuppressedSql("i");
        String shown = Disclosure.scoreShownSql("p.published_weight", "p.all_weight");
        // a score, its indicators and its published share are matched within one classification where there are several
        String key = areas ? "s.as_of, s.areas, s.buurt_code" : "s.as_of, s.buurt_code";
        String sameArea = areas ? " AND i.areas = s.areas" : "";
        return "WITH w AS (SELECT * FROM VALUES " + weights + " AS w(theme, indicator_id, weight)), "
                + "p AS (SELECT " + key + ", s.theme, sum(w.weight) AS all_weight, "
                + "sum(CASE WHEN i.indicator_id IS NOT NULL AND NOT " + suppressed + " THEN w.weight ELSE 0D END) AS published_weight, "
                + "collect_list(CASE WHEN i.indicator_id IS NOT NULL AND NOT " + suppressed + " THEN i.indicator_id END) AS published "
                + "FROM " + nl.buurtsignaal.lake.Tables.BUURT_SCORE + " s JOIN w ON w.theme = s.theme "
                + "LEFT JOIN " + nl.buurtsignaal.lake.Tables.BUURT_INDICATOR + " i ON i.as_of = s.as_of AND i.buurt_code = s.buurt_code"
                + sameArea + " AND i.indicator_id = w.indicator_id GROUP BY " + key + ", s.theme) "
                + "SELECT s.as_of, s.buurt_code, s.theme, "
                + "CASE WHEN " + shown + " THEN round(s.score, 2) END AS score, "
                + "CASE WHEN " + shown + " THEN s.rank END AS rank, "
                + shown + " AND s.flagged AS flagged, "
                + "CASE WHEN " + shown + " THEN transform(filter(s.contributions, "
                + "c -> array_contains(p.published, c.indicator_id)), "
                + "c -> named_struct('indicator_id', c.indicator_id, 'contribution', round(c.contribution, 2))) END AS contributions, "
                + "NOT " + shown + " AS suppressed, s.method_version" + (areas ? ", s.areas" : "")
                + " FROM " + nl.buurtsignaal.lake.Tables.BUURT_SCORE + " s JOIN p ON p.as_of = s.as_of AND p.buurt_code = s.buurt_code"
                + (areas ? " AND p.areas = s.areas" : "") + " AND p.theme = s.theme";
    }
}
