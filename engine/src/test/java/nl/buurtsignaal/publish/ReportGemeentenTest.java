package nl.buurtsignaal.publish;

import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.conform.Conform;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.*;

/** The gemeenten a report is made for: those with data on the date, not every gemeente of the reference. */
class ReportGemeentenTest extends SparkTestBase {
    @TempDir
    static Path dir;

    @Test
    void aGemeenteOfTheReferenceWithoutResidentsGetsNoReport() {
        Lake lake = lake(dir.resolve("lake"));
        lake.overwrite(Tables.SILVER_BUURT, Conform.referenceBuurten(lake.spark(), config()));
        // Hillegom has data; Hilversum's rows are the catalogue's zero denominators for a city without it
        lake.overwrite(Tables.BUURT_INDICATOR, sql("SELECT DATE'2026-10-31' AS as_of, buurt_code, 'undermining' AS theme, "
                + "'overcrowded_addresses_pct' AS indicator_id, CAST(n AS BIGINT) AS numerator, CAST(d AS BIGINT) AS denominator, "
                + "CAST(NULL AS DOUBLE) AS value, CAST(NULL AS DOUBLE) AS z_score, true AS suppressed "
                + "FROM VALUES ('BU05340001', 3, 80), ('BU05340002', 0, 0), ('BU04020101', 0, 0), ('BU04020102', 0, 0) AS t(buurt_code, n, d)"));
        assertEquals(java.util.Map.of("GM0534", "Hillegom"), Report.gemeenten(lake, LocalDate.of(2026, 10, 31)));
        assertEquals(java.util.Map.of(), Report.gemeenten(lake, LocalDate.of(2026, 9, 30)), "no data on another date");
        // asked for by name, the gemeente without data is a usage error that says which ones have data
        String err = stderrOf(() -> assertEquals(2, cli("report", "--lake", dir.resolve("lake").toString(), "--as-of", "2026-10-31",
                "--gemeente", "GM0402", "--out", dir.resolve("report").toString())));
        assertTrue(err.contains("gemeente GM0402 has no data for 2026-10-31 (the lake has data for GM0534)"), err);
        assertFalse(java.nio.file.Files.exists(dir.resolve("report").resolve("buurtsignaal-GM0402-2026-10-31.html")));
    }
}
