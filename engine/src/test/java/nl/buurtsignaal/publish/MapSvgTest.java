package nl.buurtsignaal.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The map's geometry on hand-made GeoJSON: a neighbourhood's polygon lands where its coordinates say. */
class MapSvgTest {
    private static JsonNode geo(String coordinatesA, String coordinatesB) throws Exception {
        return new ObjectMapper().readTree("{\"type\":\"FeatureCollection\",\"features\":["
                + "{\"type\":\"Feature\",\"properties\":{\"buurt_code\":\"BU00010001\",\"buurt_name\":\"West\"},"
                + "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" + coordinatesA + "]}},"
                + "{\"type\":\"Feature\",\"properties\":{\"buurt_code\":\"BU00010002\",\"buurt_name\":\"Oost\"},"
                + "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[" + coordinatesB + "]]}},"
                + "{\"type\":\"Feature\",\"properties\":{\"buurt_code\":\"BU99990001\",\"buurt_name\":\"Elders\"},"
                + "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[5000,5000],[6000,5000],[6000,6000],[5000,5000]]]}}]}");
    }

    @Test
    void rdMetresAreScaledLinearlyWithNorthUp() throws Exception {
        // West: x 150000..150100, y 460000..460200 (tall); Oost east of it, x 150100..150300, y 460000..460100.
        JsonNode geo = geo("[[150000,460000],[150100,460000],[150100,460200],[150000,460200],[150000,460000]]",
                "[[150100,460000],[150300,460000],[150300,460100],[150100,460100],[150100,460000]]");
        MapSvg.Drawing d = MapSvg.draw(geo, List.of("BU00010001", "BU00010002"), 600);
        assertEquals(2, d.shapes().size(), "only the neighbourhoods asked for");
        assertEquals(600, d.width());
        assertEquals(400, d.height(), 1e-9, "300 m wide, 200 m tall: the aspect is kept");
        // scale 2 px per metre; the south-west corner (150000, 460000) is at the bottom left
        assertEquals("M0.0,400.0L200.0,400.0L200.0,0.0L0.0,0.0L0.0,400.0Z", d.shapes().get(0).path());
        assertEquals("M200.0,400.0L600.0,400.0L600.0,200.0L200.0,200.0L200.0,400.0Z", d.shapes().get(1).path());
        assertEquals("Oost", d.shapes().get(1).buurtName());
    }

    @Test
    void degreesAreShortenedByTheCosineOfTheLatitude() throws Exception {
        // two squares of 0.01 degree at latitude 60: a degree of longitude is half a degree of latitude there
        JsonNode geo = geo("[[5.00,59.995],[5.01,59.995],[5.01,60.005],[5.00,60.005],[5.00,59.995]]",
                "[[5.01,59.995],[5.02,59.995],[5.02,60.005],[5.01,60.005],[5.01,59.995]]");
        MapSvg.Drawing d = MapSvg.draw(geo, List.of("BU00010001", "BU00010002"), 100);
        assertEquals(100, d.height(), 0.01, "0.02° of longitude at 60° is as long as 0.01° of latitude");
        assertTrue(d.shapes().get(0).path().startsWith("M0.0,100.0L50.0,100.0L50.0,0.0"), d.shapes().get(0).path());
    }

    @Test
    void theColoursFollowTheLegendsBreaksAndTheConfiguredFlagThreshold() {
        assertEquals("#fef0d9", Report.colourOf(-1.5, 2.0));
        assertEquals("#fdcc8a", Report.colourOf(-1.0, 2.0));
        assertEquals("#fc8d59", Report.colourOf(0.5, 2.0));
        assertEquals("#e34a33", Report.colourOf(1.99, 2.0));
        assertEquals("#b30000", Report.colourOf(2.0, 2.0), "flagged at 2.0 is the darkest class");
        assertEquals("#e34a33", Report.colourOf(2.2, 2.5), "with scoring.flag_min_score 2.5, 2.2 is not flagged");
        assertEquals("#b30000", Report.colourOf(1.6, 1.5), "with 1.5, 1.6 is flagged and darkest");
    }
}
