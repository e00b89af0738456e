package nl.buurtsignaal;

import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.publish.OpenData;
import nl.buurtsignaal.scoring.Disclosure;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The generated city's results in two classifications side by side (run --areas
 * cbs-2014,hlt-2026): the CBS buurten as delivered and the demo's HLT redrawing (two merges, one
 * split). Every address of Hillegom, Lisse and Teylingen lies in one area of each, so a gemeente's
 * counts add up to the same in both; a merged area's counts are its parts' together; the report
 * and the open-data export take the classification as a choice.
 */
class AreasIT extends SparkTestBase {
    static final String AS_OF = GeneratedCity.AS_OF.toString();

    @TempDir
    static Path work;
    static Path lakeDir;

    @BeforeAll
    static void city() {
        lakeDir = GeneratedCity.get().lake;
        lake(lakeDir).registerAll();
    }

    @Test
    void aGemeentesCountsAreTheSameInEitherClassification() {
        List<Row> differ = sql("WITH t AS (SELECT i.areas, a.gemeente_code, i.indicator_id, sum(i.numerator) AS n, sum(i.denominator) AS d "
                + "FROM gold.buurt_indicator i JOIN silver.area a ON a.areas = i.areas AND a.area_code = i.buurt_code "
                + "WHERE i.as_of = DATE'" + AS_OF + "' AND a.gemeente_code IN ('GM0534', 'GM0553', 'GM1525') "
                + "GROUP BY i.areas, a.gemeente_code, i.indicator_id) "
                + "SELECT c.gemeente_code, c.indicator_id, c.n, c.d, h.n, h.d FROM t c JOIN t h "
                + "ON c.gemeente_code = h.gemeente_code AND c.indicator_id = h.indicator_id "
                + "WHERE c.areas = 'cbs-2014' AND h.areas = 'hlt-2026' AND (c.n <> h.n OR c.d <> h.d)").collectAsList();
        assertEquals(List.of(), differ);
        long compared = sql("SELECT count(DISTINCT indicator_id) FROM gold.buurt_indicator WHERE areas = 'hlt-2026' AND denominator > 0")
                .first().getLong(0);
        assertEquals(13, compared, "every indicator has counts in the HLT areas");
    }

    @Test
    void aMergedAreaCountsItsPartsTogether() {
        // HLT-HIL-07 is Hillegom's two 'verspreide huizen' buurten merged
        List<Row> differ = sql("WITH parts AS (SELECT indicator_id, sum(numerator) AS n, sum(denominator) AS d FROM gold.buurt_indicator "
                + "WHERE as_of = DATE'" + AS_OF + "' AND areas = 'cbs-2014' AND buurt_code IN ('BU05340008', 'BU05340009') GROUP BY indicator_id) "
                + "SELECT p.indicator_id, p.n, p.d, m.numerator, m.denominator FROM parts p JOIN gold.buurt_indicator m "
                + "ON m.indicator_id = p.indicator_id AND m.as_of = DATE'" + AS_OF + "' AND m.areas = 'hlt-2026' AND m.buurt_code = 'HLT-HIL-07' "
                + "WHERE p.n <> m.numerator OR p.d <> m.denominator").collectAsList();
        assertEquals(List.of(), differ);
        assertEquals(13, sql("SELECT count(*) FROM gold.buurt_indicator WHERE areas = 'hlt-2026' AND buurt_code = 'HLT-HIL-07'")
                .first().getLong(0));
    }

    @Test
    void eachClassificationIsScoredAndRankedOnItsOwn() {
        List<Row> ranks = sql("SELECT areas, theme, min(rank), max(rank), count(*), count(DISTINCT buurt_code) FROM gold.buurt_score "
                + "WHERE as_of = DATE'" + AS_OF + "' GROUP BY areas, theme ORDER BY areas, theme").collectAsList();
        assertEquals(4, ranks.size(), ranks.toString());
        for (Row r : ranks) {
            assertEquals(1, r.getInt(2), r.toString());
            assertEquals(r.getLong(4), (long) r.getInt(3), "ranks 1..n within areas and theme: " + r);
            assertEquals(r.getLong(4), r.getLong(5));
        }
        assertTrue(sql("SELECT count(*) FROM gold.buurt_score WHERE areas = 'hlt-2026' AND buurt_code NOT LIKE 'HLT-%'").first().getLong(0) == 0);
    }

    @Test
    void theReportAndTheExportTakeTheClassification() throws Exception {
        Path out = work.resolve("report");
        assertEquals(0, cli("report", "--lake", lakeDir.toString(), "--as-of", AS_OF, "--gemeente", "GM0534", "--areas", "hlt-2026",
                "--out", out.toString()));
        String html = Files.readString(out.resolve("buurtsignaal-GM0534-hlt-2026-" + AS_OF + ".html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("data-buurt=\"HLT-HIL-07\""), "the merged area is drawn");
        assertFalse(html.contains("data-buurt=\"BU0534"), "no CBS buurt of Hillegom is drawn");
        assertTrue(html.contains("hlt-2026"), "the report names its classification");

        Path published = work.resolve("open-data");
        assertEquals(0, cli("publish", "--lake", lakeDir.toString(), "--as-of", AS_OF, "--areas", "hlt-2026", "--out", published.toString()));
        List<String> lines = Files.readAllLines(published.resolve("buurt_indicators_hlt-2026_" + AS_OF + ".csv"));
        assertEquals(38 * 13 + 1, lines.size(), "a row per HLT area and indicator, and the header");
        assertTrue(lines.stream().skip(1).allMatch(l -> l.contains(",HLT-")), "only HLT areas");
        assertTrue(lines.stream().anyMatch(l -> l.contains("Sassenheim")), "with their names");

        String err = stderrOf(() -> assertEquals(2, cli("publish", "--lake", lakeDir.toString(), "--as-of", AS_OF, "--areas", "cbs-2024",
                "--out", published.toString())));
        assertTrue(err.contains("no indicators for as_of " + AS_OF + " in areas cbs-2024"), err);
    }

    @Test
    void theSqlEndpointsPublishedViewCarriesEachClassificationWithItsNames() {
        Lake lake = lake(lakeDir);
        lake.registerAll();
        List<Row> perAreas = lake.spark().sql("SELECT areas, count(*), count(buurt_name) FROM (" + OpenData.exportSql(new Disclosure(50), true)
                + ") WHERE as_of = DATE'" + AS_OF + "' GROUP BY areas ORDER BY areas").collectAsList();
        assertEquals(2, perAreas.size(), perAreas.toString());
        assertEquals("hlt-2026", perAreas.get(1).getString(0));
        assertEquals(38 * 13, perAreas.get(1).getLong(1));
        assertEquals(perAreas.get(1).getLong(1), perAreas.get(1).getLong(2), "every HLT area has its name");
        List<Row> scores = lake.spark().sql("SELECT areas, count(*), count(DISTINCT buurt_code, theme) FROM ("
                + OpenData.scoreExportSql(new Disclosure(50), nl.buurtsignaal.scoring.Scoring.weights(config()), true)
                + ") WHERE as_of = DATE'" + AS_OF + "' GROUP BY areas ORDER BY areas").collectAsList();
        assertEquals(2, scores.size(), scores.toString());
        assertEquals(scores.get(1).getLong(1), scores.get(1).getLong(2), "one published score per HLT area and theme");
        assertEquals(sql("SELECT count(*) FROM gold.buurt_score WHERE areas = 'hlt-2026' AND as_of = DATE'" + AS_OF + "'").first().getLong(0),
                scores.get(1).getLong(1));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHubsMapDrawsEitherClassification() {
        Lake lake = lake(lakeDir);
        nl.buurtsignaal.config.EngineConfig config = config();
        nl.buurtsignaal.hub.HubSettings settings = nl.buurtsignaal.hub.HubSettings.of(config);
        nl.buurtsignaal.hub.HubData data = new nl.buurtsignaal.hub.HubData(lake, settings);
        data.refresh();
        nl.buurtsignaal.hub.HubService hub = new nl.buurtsignaal.hub.HubService(data,
                new nl.buurtsignaal.hub.Reviews(lake, settings), settings, nl.buurtsignaal.hub.EvidenceText.load(config),
                nl.buurtsignaal.hub.HubService.geometry(config), "cbs-2014",
                name -> nl.buurtsignaal.areas.Classification.mapGeoJson(config, name));
        java.time.LocalDate asOf = GeneratedCity.AS_OF;
        java.util.Map<String, Object> cbs = hub.map("undermining", asOf, null);
        assertEquals("cbs-2014", cbs.get("areas"));
        assertEquals(List.of("cbs-2014", "hlt-2026"), cbs.get("classifications"));
        java.util.Map<String, Object> hlt = hub.map("undermining", asOf, "hlt-2026");
        List<java.util.Map<String, Object>> areas = (List<java.util.Map<String, Object>>) hlt.get("buurten");
        assertEquals(38, areas.size());
        assertTrue(areas.stream().allMatch(a -> ((String) a.get("code")).startsWith("HLT-") && a.get("name") != null));
        assertTrue(areas.stream().filter(a -> a.get("score") != null).count() > 30, "the HLT areas have their own scores");
        com.fasterxml.jackson.databind.JsonNode geometry = (com.fasterxml.jackson.databind.JsonNode) hlt.get("geometry");
        java.util.Set<String> drawn = new java.util.TreeSet<>();
        geometry.path("features").forEach(f -> drawn.add(f.path("properties").path("buurt_code").asText()));
        assertEquals(38, drawn.size(), "a polygon per HLT area, by the code the map looks up");
        double lon = geometry.path("features").get(0).path("geometry").findValues("coordinates").get(0).get(0).get(0).get(0).get(0).asDouble();
        assertTrue(lon > 4 && lon < 6, "WGS 84 longitude, as the map draws it: " + lon);
        nl.buurtsignaal.hub.Refused refused = assertThrows(nl.buurtsignaal.hub.Refused.class, () -> hub.map("undermining", asOf, "cbs-2024"));
        assertTrue(refused.getMessage().contains("no scores in classification cbs-2024"), refused.getMessage());
        // a name is looked up among the lake's classifications before any file is read: no path from a query string
        for (String hostile : List.of("../../conf", "/etc", "hlt-2026/../cbs-2014")) {
            assertEquals(404, assertThrows(nl.buurtsignaal.hub.Refused.class, () -> hub.map("undermining", asOf, hostile)).status);
        }
        assertEquals("cbs-2014", hub.map("undermining", asOf, "").get("areas"), "blank is the default");
    }

    @Test
    void noDifferenceOfTwoPublishedAreasGivesASuppressedOneAway() {
        // Sassenheim's centre (BU15250000) is split into HLT-SAS-01 and -02; HLT-HIL-07 merges BU05340008 and -09
        String parts = "SELECT indicator_id, count_if(suppressed) AS hidden FROM gold.buurt_indicator WHERE as_of = DATE'" + AS_OF + "' AND ";
        String whole = "SELECT indicator_id, suppressed FROM gold.buurt_indicator WHERE as_of = DATE'" + AS_OF + "' AND ";
        for (String[] nesting : List.of(
                new String[]{"areas = 'hlt-2026' AND buurt_code IN ('HLT-SAS-01', 'HLT-SAS-02')", "areas = 'cbs-2014' AND buurt_code = 'BU15250000'"},
                new String[]{"areas = 'cbs-2014' AND buurt_code IN ('BU05340008', 'BU05340009')", "areas = 'hlt-2026' AND buurt_code = 'HLT-HIL-07'"})) {
            List<Row> exposed = sql("SELECT p.indicator_id FROM (" + parts + nesting[0] + " GROUP BY indicator_id) p JOIN (" + whole + nesting[1]
                    + ") w ON w.indicator_id = p.indicator_id WHERE p.hidden = 1 AND NOT w.suppressed").collectAsList();
            assertEquals(List.of(), exposed, nesting[1]);
        }
        // and the rule did something here: some whole area is suppressed although its own counts are publishable
        long secondary = sql("SELECT count(*) FROM gold.buurt_indicator WHERE as_of = DATE'" + AS_OF + "' AND suppressed "
                + "AND denominator >= 50 AND NOT numerator BETWEEN 1 AND 4").first().getLong(0);
        assertTrue(secondary > 0, "no secondary suppression in the generated city");
    }
}
