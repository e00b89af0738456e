package nl.buurtsignaal.lake;

import nl.buurtsignaal.SparkTestBase;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * gold.buurt_indicator_trend across a redrawing, on figures made by hand: classification "old"
 * was computed on 2026-09-30, "new" on 2026-10-31; old area A is split into A1 (30 of its 120
 * addresses) and A2 (90), old areas B and C are merged into BC. The new areas' previous values are
 * the old counts carried over through the crosswalk; an area with its own previous value keeps it.
 */
class AreaTrendTest extends SparkTestBase {
    @TempDir
    static Path dir;

    @Test
    void aSplitSharesTheOldCountsOutAndAMergeAddsThemUp() {
        Lake lake = lake(dir.resolve("lake"));
        lake.overwrite(Tables.BUURT_INDICATOR, sql("SELECT CAST(d AS DATE) AS as_of, buurt_code, 'undermining' AS theme, "
                + "'x_pct' AS indicator_id, CAST(n AS BIGINT) AS numerator, CAST(den AS BIGINT) AS denominator, "
                + "CAST(n * 100.0 / den AS DOUBLE) AS value, CAST(NULL AS DOUBLE) AS z_score, false AS suppressed, areas "
                + "FROM VALUES "
                + "('2026-09-30', 'old', 'A', 10, 100), ('2026-09-30', 'old', 'B', 2, 50), ('2026-09-30', 'old', 'C', 9, 150), "
                + "('2026-10-31', 'new', 'A1', 3, 25), ('2026-10-31', 'new', 'A2', 6, 75), ('2026-10-31', 'new', 'BC', 10, 200), "
                + "('2026-11-30', 'old', 'A', 12, 100) AS t(d, areas, buurt_code, n, den)"));
        lake.overwrite(Tables.AREA_CROSSWALK, sql("SELECT DATE'2026-10-31' AS as_of, f AS from_areas, fc AS from_code, "
                + "t AS to_areas, tc AS to_code, CAST(a AS BIGINT) AS addresses, CAST(s AS DOUBLE) AS address_share, "
                + "CAST(0 AS BIGINT) AS residents, CAST(NULL AS DOUBLE) AS resident_share FROM VALUES "
                + "('old', 'A', 'new', 'A1', 30, 0.25), ('old', 'A', 'new', 'A2', 90, 0.75), "
                + "('old', 'B', 'new', 'BC', 40, 1.0), ('old', 'C', 'new', 'BC', 60, 1.0), "
                + "('new', 'A1', 'old', 'A', 30, 1.0), ('new', 'A2', 'old', 'A', 90, 1.0), "
                + "('new', 'BC', 'old', 'B', 40, 0.4), ('new', 'BC', 'old', 'C', 60, 0.6) AS x(f, fc, t, tc, a, s)"));
        lake.registerAll();
        Map<String, Row> trend = new HashMap<>();
        for (Row r : lake.spark().sql("SELECT areas, buurt_code, CAST(as_of AS STRING), CAST(previous_as_of AS STRING), "
                + "previous_numerator, previous_denominator, previous_value, value, change, carried_from "
                + "FROM gold.buurt_indicator_trend").collectAsList()) {
            trend.put(r.getString(0) + "|" + r.getString(1) + "|" + r.getString(2), r);
        }
        // A split: A1 has a quarter of A's addresses, so a quarter of its counts; the rate stays A's
        Row a1 = trend.get("new|A1|2026-10-31");
        assertEquals("2026-09-30", a1.getString(3));
        assertEquals(2.5, a1.getDouble(4), 1e-9);
        assertEquals(25.0, a1.getDouble(5), 1e-9);
        assertEquals(10.0, a1.getDouble(6), 1e-9);
        assertEquals(12.0 - 10.0, a1.getDouble(8), 1e-9);
        assertEquals("old", a1.getString(9));
        Row a2 = trend.get("new|A2|2026-10-31");
        assertEquals(7.5, a2.getDouble(4), 1e-9);
        assertEquals(75.0, a2.getDouble(5), 1e-9);
        assertEquals(10.0, a2.getDouble(6), 1e-9);
        // A merge: BC takes B and C whole: (2 + 9) / (50 + 150) = 5.5 per 100, not the mean of 4 and 6
        Row bc = trend.get("new|BC|2026-10-31");
        assertEquals(11.0, bc.getDouble(4), 1e-9);
        assertEquals(200.0, bc.getDouble(5), 1e-9);
        assertEquals(5.5, bc.getDouble(6), 1e-9);
        assertEquals(5.0 - 5.5, bc.getDouble(8), 1e-9);
        // an area with its own earlier value compares with it, not with a carried one
        Row a = trend.get("old|A|2026-11-30");
        assertEquals("2026-09-30", a.getString(3));
        assertEquals(10.0, a.getDouble(6), 1e-9);
        assertTrue(a.isNullAt(9));
        // the first values of a classification with nothing before them have no trend
        Row first = trend.get("old|B|2026-09-30");
        assertTrue(first.isNullAt(3) && first.isNullAt(6) && first.isNullAt(9));
        assertEquals(7, trend.size(), "one trend row per indicator row");
    }

    @Test
    void withoutACrosswalkEachClassificationComparesWithItselfOnly() {
        Lake lake = lake(dir.resolve("plain"));
        lake.overwrite(Tables.BUURT_INDICATOR, sql("SELECT CAST(d AS DATE) AS as_of, buurt_code, 'undermining' AS theme, "
                + "'x_pct' AS indicator_id, CAST(n AS BIGINT) AS numerator, CAST(100 AS BIGINT) AS denominator, "
                + "CAST(n AS DOUBLE) AS value, CAST(NULL AS DOUBLE) AS z_score, false AS suppressed, areas FROM VALUES "
                + "('2026-09-30', 'one', 'A', 10), ('2026-10-31', 'one', 'A', 12), ('2026-10-31', 'two', 'A', 20) AS t(d, areas, buurt_code, n)"));
        lake.registerAll();
        Map<String, Row> trend = new HashMap<>();
        for (Row r : lake.spark().sql("SELECT areas, CAST(as_of AS STRING), previous_value FROM gold.buurt_indicator_trend").collectAsList()) {
            trend.put(r.getString(0) + "|" + r.getString(1), r);
        }
        assertEquals(10.0, trend.get("one|2026-10-31").getDouble(2), 1e-9);
        assertTrue(trend.get("two|2026-10-31").isNullAt(2), "same code, other classification: no trend without a crosswalk");
    }
}
