package nl.buurtsignaal.scoring;

import nl.buurtsignaal.config.EngineConfig;
import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.expr;

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
