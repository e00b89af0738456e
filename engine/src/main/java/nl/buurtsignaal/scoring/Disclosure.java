package nl.buurtsignaal.scoring;

import nl.buurtsignaal.config.EngineConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.*;

/**
 * Statistical disclosure control in the style of CBS, the one owner of the rule: a count is too
 * small to publish where its denominator is below {@code publication.min_denominator} or its
 * numerator is between 1 and 4; published counts are rounded to multiples of 5; a theme's score is
 * shown only where more than half of its weight rests on indicators published there.
 *
 * <p>Spark applies the rule as SQL (gold.buurt_indicator's {@code suppressed}, the open-data export,
 * the SQL endpoint's {@code published.*} views); the report applies it to counts already in the
 * driver. Both forms are written here, side by side, and a test holds them equal.
 */
public final class Disclosure {
    private final long minDenominator;

    public Disclosure(long minDenominator) {
        this.minDenominator = minDenominator;
    }

    public static Disclosure of(EngineConfig config) {
        return new Disclosure(config.settings().publication().minDenominator());
    }

    public long minDenominator() {
        return minDenominator;
    }

    /** Whether a count may not be published. */
    public boolean suppressed(long numerator, long denominator) {
        return denominator < minDenominator || (numerator >= 1 && numerator <= 4);
    }

    /** {@link #suppressed(long, long)} in SQL over {@code alias.numerator} and {@code alias.denominator} (no alias: ""). */
    public String suppressedSql(String alias) {
        String p = alias.isEmpty() ? "" : alias + ".";
        return "(" + p + "denominator < " + minDenominator + " OR " + p + "numerator BETWEEN 1 AND 4)";
    }

    /**
     * Whether a gold row may not be published: its own counts ({@link #suppressedSql}), or the
     * {@code suppressed} flag the run stored, which also holds the suppression across
     * classifications ({@link #acrossClassifications}).
     */
    public String storedSuppressedSql(String alias) {
        String p = alias.isEmpty() ? "" : alias + ".";
        return "(coalesce(" + p + "suppressed, false) OR " + suppressedSql(alias) + ")";
    }

    private static final double WHOLE = 1 - 1e-9;

    /**
     * Suppression across classifications, against differencing. Where an area P of one
     * classification is exactly the union of two or more areas of another (each lies wholly in P,
     * and together they hold all of P's addresses, as the crosswalk of as_of says: a split, or a
     * merge seen from the merged area), P's counts are its parts' counts added up. If exactly one
     * part is suppressed and P and the others are not, P minus the others gives the hidden part
     * away: P is suppressed too. Repeated until nothing changes (at most four rounds: with two or
     * three classifications a chain is never longer), as one secondary suppression may expose another nesting. {@code indicators} are gold.buurt_indicator rows of one as_of (with
     * areas and suppressed), {@code crosswalk} gold.area_crosswalk's of the same as_of.
     */
    public static Dataset<Row> acrossClassifications(Dataset<Row> indicators, Dataset<Row> crosswalk) {
        // parts: c of classification cy lies wholly in p of px
        Dataset<Row> nest = crosswalk.filter(col("address_share").geq(WHOLE))
                .select(col("to_areas").as("px"), col("to_code").as("p"), col("from_areas").as("cy"), col("from_code").as("c"));
        // parents wholly covered by two or more of their parts
        Dataset<Row> cover = nest.join(crosswalk.select(col("from_areas").as("px"), col("from_code").as("p"), col("to_areas").as("cy"),
                        col("to_code").as("c"), col("address_share")), new String[]{"px", "p", "cy", "c"})
                .groupBy("px", "p", "cy").agg(sum("address_share").as("covered"), count(lit(1)).as("parts"))
                .filter(col("covered").geq(WHOLE).and(col("parts").geq(2)))
                .join(nest, new String[]{"px", "p", "cy"}).select("px", "p", "cy", "c").localCheckpoint();
        Dataset<Row> rows = indicators.localCheckpoint();
        for (int round = 0; round < 4; round++) {
            Dataset<Row> parts = cover.join(rows.select(col("areas").as("cy"), col("buurt_code").as("c"), col("indicator_id"),
                            col("suppressed").as("part_suppressed")), new String[]{"cy", "c"})
                    .groupBy("px", "p", "cy", "indicator_id")
                    .agg(count_if(col("part_suppressed")).as("hidden"));
            Dataset<Row> exposed = parts.filter(col("hidden").equalTo(1))
                    .select(col("px").as("areas"), col("p").as("buurt_code"), col("indicator_id"), lit(true).as("exposes")).distinct();
            Dataset<Row> marked = rows.join(exposed, new String[]{"areas", "buurt_code", "indicator_id"}, "left");
            if (marked.filter(col("exposes").and(not(col("suppressed")))).isEmpty()) {
                break;
            }
            rows = marked.withColumn("suppressed", col("suppressed").or(coalesce(col("exposes"), lit(false))))
                    .select(java.util.Arrays.stream(indicators.columns()).map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
                    .localCheckpoint();
        }
        return rows;
    }

    /** {@link #suppressed(long, long)} as a column over numerator and denominator. */
    public Column suppressed() {
        return expr(suppressedSql(""));
    }

    /** Whether a denominator alone may be published (it names only the population). */
    public boolean denominatorShown(long denominator) {
        return denominator >= minDenominator;
    }

    /** {@link #denominatorShown} in SQL. */
    public String denominatorShownSql(String column) {
        return column + " >= " + minDenominator;
    }

    /** A published count: the nearest multiple of 5. */
    public static long rounded(long count) {
        return 5 * Math.round(count / 5.0);
    }

    /** An expected count as published: the nearest multiple of 5. */
    public static long rounded(double count) {
        return 5 * Math.round(count / 5.0);
    }

    /** {@link #rounded} in SQL. */
    public static String roundedSql(String column) {
        return "CAST(round(" + column + " / 5.0D) * 5 AS BIGINT)";
    }

    /** Whether a theme's score is shown: more than half of its weight on indicators published there. */
    public static boolean scoreShown(double publishedWeight, double allWeight) {
        return publishedWeight * 2 > allWeight;
    }

    /** {@link #scoreShown} in SQL. */
    public static String scoreShownSql(String publishedWeight, String allWeight) {
        return "(" + publishedWeight + " * 2 > " + allWeight + ")";
    }
}
