package nl.buurtsignaal.scoring;

import nl.buurtsignaal.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Differencing two classifications must not reveal a suppressed count: made-up areas where the
 * answer is plain. cbs's P is split into new's S1 and S2; cbs's B1 and B2 are merged into new's M;
 * cbs's Q overlaps new's R and T only in part (no nesting, nothing to difference).
 */
class DisclosureAcrossTest extends SparkTestBase {
    private static Dataset<Row> crosswalk() {
        return sql("SELECT f AS from_areas, fc AS from_code, t AS to_areas, tc AS to_code, CAST(s AS DOUBLE) AS address_share FROM VALUES "
                + "('cbs', 'P', 'new', 'S1', 0.8), ('cbs', 'P', 'new', 'S2', 0.2), ('new', 'S1', 'cbs', 'P', 1.0), ('new', 'S2', 'cbs', 'P', 1.0), "
                + "('cbs', 'B1', 'new', 'M', 1.0), ('cbs', 'B2', 'new', 'M', 1.0), ('new', 'M', 'cbs', 'B1', 0.7), ('new', 'M', 'cbs', 'B2', 0.3), "
                + "('cbs', 'Q', 'new', 'R', 0.5), ('cbs', 'Q', 'new', 'T', 0.5), ('new', 'R', 'cbs', 'Q', 0.6), ('new', 'T', 'cbs', 'Q', 0.9) "
                + "AS x(f, fc, t, tc, s)");
    }

    private static Map<String, Boolean> suppressed(String rows) {
        Dataset<Row> indicators = sql("SELECT areas, buurt_code, 'x_pct' AS indicator_id, s AS suppressed FROM VALUES " + rows
                + " AS t(areas, buurt_code, s)");
        Map<String, Boolean> out = new TreeMap<>();
        for (Row r : Disclosure.acrossClassifications(indicators, crosswalk()).collectAsList()) {
            out.put(r.getString(0) + ":" + r.getString(1), r.getBoolean(3));
        }
        return out;
    }

    @Test
    void aSplitAreaIsSuppressedWhereItWouldGiveAwayItsSuppressedPart() {
        Map<String, Boolean> s = suppressed("('cbs', 'P', false), ('new', 'S1', false), ('new', 'S2', true)");
        assertTrue(s.get("cbs:P"), "P - S1 = S2");
        assertFalse(s.get("new:S1"));
        assertTrue(s.get("new:S2"));
    }

    @Test
    void aMergedAreaIsSuppressedWhereItWouldGiveAwayOneOfItsParts() {
        Map<String, Boolean> s = suppressed("('cbs', 'B1', false), ('cbs', 'B2', true), ('new', 'M', false)");
        assertTrue(s.get("new:M"), "M - B1 = B2");
        assertFalse(s.get("cbs:B1"));
    }

    @Test
    void nothingChangesWhereNoDifferenceRevealsASuppressedCount() {
        // both parts published; both parts hidden (their sum only); areas that overlap without nesting
        assertEquals(Map.of("cbs:P", false, "new:S1", false, "new:S2", false),
                suppressed("('cbs', 'P', false), ('new', 'S1', false), ('new', 'S2', false)"));
        assertEquals(Map.of("cbs:P", false, "new:S1", true, "new:S2", true),
                suppressed("('cbs', 'P', false), ('new', 'S1', true), ('new', 'S2', true)"));
        assertEquals(Map.of("cbs:Q", false, "new:R", true, "new:T", false),
                suppressed("('cbs', 'Q', false), ('new', 'R', true), ('new', 'T', false)"));
    }

    @Test
    void theExportReadsTheStoredSuppression() {
        // a row whose own counts are publishable, suppressed across classifications, is published as suppressed
        Dataset<Row> gold = sql("SELECT DATE'2026-10-31' AS as_of, 'P' AS buurt_code, 'undermining' AS theme, 'x_pct' AS indicator_id, "
                + "CAST(20 AS BIGINT) AS numerator, CAST(100 AS BIGINT) AS denominator, 20.0D AS value, true AS suppressed");
        Dataset<Row> names = sql("SELECT 'P' AS buurt_code, 'P' AS buurt_name, 'W' AS wijk_code, 'W' AS wijk_name, "
                + "'GM0001' AS gemeente_code, 'G' AS gemeente_name");
        Row published = nl.buurtsignaal.publish.OpenData.export(gold, names, null, new Disclosure(50)).first();
        assertTrue(published.<Boolean>getAs("suppressed"));
        assertTrue(published.isNullAt(published.fieldIndex("value")));
    }
}
