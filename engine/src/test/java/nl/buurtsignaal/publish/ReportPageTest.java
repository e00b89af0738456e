package nl.buurtsignaal.publish;

import com.fasterxml.jackson.databind.JsonNode;
import nl.buurtsignaal.base.Json;
import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.EngineConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The report's page from hand-made figures, without Spark: the template lays out what Report
 * computed, and whatever a name holds is text, never markup (the names come from registries).
 */
class ReportPageTest {
    private static final String HOSTILE = "De <script>alert(1)</script> & \"Zuid\"";

    private static String render(List<Report.Expected> expected) throws Exception {
        EngineConfig config = EngineConfig.load(Path.of("conf"), null, List.of());
        Catalogue catalogue = Catalogue.load(config);
        JsonNode geo = Json.MAPPER.readTree("{\"type\":\"FeatureCollection\",\"features\":["
                + "{\"type\":\"Feature\",\"properties\":{\"buurt_code\":\"BU00010001\",\"buurt_name\":\"" + HOSTILE.replace("\"", "\\\"") + "\"},"
                + "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[100,0],[100,100],[0,0]]]}},"
                + "{\"type\":\"Feature\",\"properties\":{\"buurt_code\":\"BU00010002\",\"buurt_name\":\"Oost\"},"
                + "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[100,0],[200,0],[200,100],[100,0]]]}}]}");
        Map<String, String> names = new LinkedHashMap<>();
        names.put("BU00010001", HOSTILE);
        names.put("BU00010002", "Oost");
        String indicator = catalogue.indicators().get(0).id();
        Map<String, Map<String, Report.Score>> scores = Map.of(
                "undermining", Map.of("BU00010001", new Report.Score(2.345, 1, true,
                        List.of(new String[]{indicator, "+1.20"}, new String[]{"an_unknown_indicator", "+0.40"})),
                        "BU00010002", new Report.Score(null, null, false, List.of())),
                "care_stacking", Map.of());
        TreeMap<LocalDate, Double> trend = new TreeMap<>(Map.of(LocalDate.of(2026, 4, 30), 2.0, LocalDate.of(2026, 10, 31), 3.0));
        Report.Data data = new Report.Data("GM0001", "Gemeente <b>", LocalDate.of(2026, 10, 31), "m1", names,
                Map.of("BU00010001", "Wijk 1", "BU00010002", "Wijk 2"), scores,
                Map.of(indicator, List.of(new Report.Value("BU00010001", 4.0, 20L, 500L, false),
                        new Report.Value("BU00010002", null, null, null, true))),
                Map.of(indicator, trend), Map.of(indicator, 3.0), expected, 50, "CBS buurten 2014 (cbs-2014)", "");
        return Report.html(data, geo, catalogue, config, "algoritmeregister.md");
    }

    @Test
    void namesFromTheRegistriesAreTextNeverMarkup() throws Exception {
        String html = render(List.of());
        assertFalse(html.contains("<script>"), "a neighbourhood's name is escaped");
        assertFalse(html.contains("Gemeente <b>"), "the municipality's name is escaped");
        assertTrue(html.contains("De &lt;script&gt;alert(1)&lt;/script&gt; &amp; \"Zuid\""), html);
        // the theme's English name is the template's own markup, and the map's label is text
        assertTrue(html.contains("<figcaption>Ondermijning <span class=\"en\">/ undermining</span></figcaption>"));
        assertTrue(html.contains("aria-label=\"Ondermijning / undermining\""));
    }

    @Test
    void theFiguresAreLaidOutAsComputed() throws Exception {
        String html = render(List.of(new Report.Expected("households_2plus_provisions_pct", "BU00010001", 12, 7.4, 1.62, 1.1, 2.3)));
        // the map: the flagged neighbourhood in the darkest class, the suppressed one hatched
        assertTrue(html.contains("fill=\"#b30000\" data-buurt=\"BU00010001\" data-state=\"flagged\""), html);
        assertTrue(html.contains("fill=\"url(#hatch-undermining)\" data-buurt=\"BU00010002\" data-state=\"suppressed\""), html);
        assertTrue(html.contains("score 2.35, rang 1, opvallend / flagged"));
        // the flagged neighbourhood in words: its first reasons joined, an unknown indicator by its id
        assertTrue(html.contains(") scoort 2.35: vooral door "));
        assertTrue(html.contains(" (+1.20), an_unknown_indicator (+0.40).</li>"), html);
        // the small multiple: one neighbourhood shown, one suppressed, the rate and its trend over two dates
        assertTrue(html.contains("gemeente 3.0 per "), html);
        assertTrue(html.contains("1 buurten getoond, 1 onderdrukt"));
        assertTrue(html.contains("<title>2026-04-30 … 2026-10-31</title>"));
        // care theme without a flagged neighbourhood, and observed against expected rounded to five
        assertTrue(html.contains("Geen buurt valt op"));
        assertTrue(html.contains("<td class=\"above\">10 / 5<br>1.62 (1.10–2.30) ▲</td>"), html);
        // nothing fetched: no script, no external resource
        assertFalse(html.contains("<script") || html.contains("src=\"http") || html.contains("href=\"http"));
    }

    @Test
    void withoutACareModelTheSectionSaysHowToTrainOne() throws Exception {
        assertTrue(render(List.of()).contains("model train --model care_expected"));
    }
}
