package nl.buurtsignaal.areas;

import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Classifications as data (conf/areas/NAME/): the two shipped ones load as their files say, a
 * malformed folder is a one-line error naming the file, and an address is placed by code,
 * postcode or point with the reason where it is not.
 */
class ClassificationTest {
    @TempDir
    Path dir;

    /** Two squares side by side in RD New: A is [0,100]x[0,100], B is [100,200]x[0,100]. */
    private static final String SQUARES = """
            {"type":"FeatureCollection","features":[
             {"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}},
             {"type":"Feature","properties":{"code":"B"},"geometry":{"type":"MultiPolygon","coordinates":[[[[100,0],[200,0],[200,100],[100,100],[100,0]]]]}}]}
            """;
    private static final String AREAS = """
            code,name,wijk_code,wijk_name,gemeente_code,gemeente_name
            A,Aa,W1,Wijk 1,GM0534,Hillegom
            B,"Bee, de",W1,Wijk 1,GM0534,Hillegom
            """;

    private Path folder(String name, String yaml, String areas, String geojson, Map<String, String> more) throws IOException {
        Path folder = dir.resolve(name);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("area.yaml"), yaml);
        Files.writeString(folder.resolve("areas.csv"), areas);
        if (geojson != null) {
            Files.writeString(folder.resolve("areas.geojson"), geojson);
        }
        for (Map.Entry<String, String> file : more.entrySet()) {
            Files.writeString(folder.resolve(file.getKey()), file.getValue());
        }
        return folder;
    }

    private static final String BY_POINT = """
            title: Two squares
            placement: point
            covers: [GM0534]
            geometry: {file: areas.geojson, crs: "EPSG:28992", code_property: code}
            """;

    @Test
    void theShippedClassificationsLoadAsTheirFilesSay() {
        Map<String, Classification> all = Classification.all(EngineConfig.load(Path.of("conf"), null, List.of()));
        assertEquals(List.of("cbs-2014", "hlt-2026"), List.copyOf(all.keySet()));
        Classification cbs = all.get("cbs-2014");
        assertEquals(Classification.Placement.DELIVERED_CODE, cbs.placement());
        assertEquals(81, cbs.areas().size());
        // three buurten collapsed to a point or a line in the simplified boundaries
        assertEquals(78, cbs.geometry().size());
        assertFalse(cbs.geometry().containsKey("BU04020506"));
        Classification hlt = all.get("hlt-2026");
        assertEquals(Classification.Placement.POINT, hlt.placement());
        assertEquals(List.of("GM0534", "GM0553", "GM1525"), hlt.covers());
        // 39 CBS buurten of HLT, two pairs merged and one split: 38 areas, each with its polygon
        assertEquals(38, hlt.areas().size());
        assertEquals(38, hlt.geometry().size());
        // projected from WGS 84 to RD New: Hillegom lies about 97-101 km east, 476-481 km north
        var hillegom = hlt.geometry().get("HLT-HIL-01").getEnvelopeInternal();
        assertTrue(hillegom.getMinX() > 90_000 && hillegom.getMaxX() < 110_000, hillegom.toString());
        assertTrue(hillegom.getMinY() > 470_000 && hillegom.getMaxY() < 490_000, hillegom.toString());
    }

    @Test
    void byPointInThePolygonWithTheReasonWhereNot() throws IOException {
        Classification c = Classification.load(folder("squares", BY_POINT, AREAS, SQUARES, Map.of()));
        assertEquals("Bee, de", c.areas().get(1).name());
        Placer placer = new Placer(c);
        assertEquals(new Placer.Place("A", "A", Placer.PLACED, false), placer.place("BU05340001", null, 50.0, 50.0));
        assertEquals(new Placer.Place("B", "B", Placer.PLACED, false), placer.place("BU05340001", null, 150.0, 99.0));
        // on the shared edge: the first by code, the same every time
        assertEquals("A", placer.place("BU05340001", null, 100.0, 50.0).areaCode());
        assertEquals(new Placer.Place(null, null, Placer.OUTSIDE, false), placer.place("BU05340001", null, 500.0, 50.0));
        assertEquals(new Placer.Place(null, null, Placer.NO_POINT, false), placer.place("BU05340001", null, null, 50.0));
        // Hilversum is not covered: not counted as outside
        assertEquals(Placer.NOT_COVERED, placer.place("BU04020101", null, 500.0, 50.0).status());
        // a point in an area is placed whatever gemeente its code says
        assertEquals("A", placer.place("BU04020101", null, 10.0, 10.0).areaCode());
    }

    @Test
    void byDeliveredCodeThroughItsTableWithThePointChecked() throws IOException {
        Classification c = Classification.load(folder("coded", """
                placement: delivered_code
                geometry: {crs: "EPSG:28992"}
                """, AREAS, SQUARES, Map.of("codes.csv", "delivered_code,code\nBU05340001,A\nBU05340002,B\n")));
        Placer placer = new Placer(c);
        assertEquals(new Placer.Place("A", "A", Placer.PLACED, false), placer.place("BU05340001", null, 50.0, 50.0));
        // placed by its code, and counted where its point lies in another area; never moved
        assertEquals(new Placer.Place("B", "A", Placer.PLACED, true), placer.place("BU05340002", null, 50.0, 50.0));
        assertEquals(new Placer.Place("B", null, Placer.PLACED, true), placer.place("BU05340002", null, 900.0, 50.0));
        assertEquals(new Placer.Place("B", null, Placer.PLACED, false), placer.place("BU05340002", null, null, null));
        // on the shared edge its own area wins: overlapping drawn edges are no disagreement
        assertEquals(new Placer.Place("B", "B", Placer.PLACED, false), placer.place("BU05340002", null, 100.0, 50.0));
        assertEquals(new Placer.Place(null, null, Placer.UNKNOWN_CODE, false), placer.place("BU05349999", null, null, null));
        // without a table entry the delivered code is the area's own
        assertEquals("A", placer.place("A", null, null, null).areaCode());
    }

    @Test
    void byPostcodeSixCharactersFirstThenFourDigits() throws IOException {
        Classification c = Classification.load(folder("postcodes", "placement: postcode\n", AREAS, null,
                Map.of("postcodes.csv", "postcode,code\n2181 AB,B\n2181,A\n")));
        Placer placer = new Placer(c);
        assertEquals("B", placer.place(null, "2181ab", null, null).areaCode());
        assertEquals("A", placer.place(null, "2181CD", null, null).areaCode());
        assertEquals(Placer.UNKNOWN_CODE, placer.place(null, "9999ZZ", null, null).status());
        assertEquals(Placer.UNKNOWN_CODE, placer.place(null, null, null, null).status());
    }

    @Test
    void aMalformedClassificationIsAOneLineErrorNamingTheFile() throws IOException {
        assertRefused("a", BY_POINT + "colour: blue\n", AREAS, SQUARES, Map.of(), "areas/a/area.yaml: unknown field 'colour'");
        assertRefused("b", BY_POINT.replace("placement: point", "placement: gps"), AREAS, SQUARES, Map.of(),
                "placement is delivered_code, postcode or point, not 'gps'");
        assertRefused("c", BY_POINT, AREAS + "C,Cee,W1,Wijk 1,GM0534,Hillegom\n", SQUARES, Map.of(),
                "placement by point needs a polygon for every area; none for [C]");
        assertRefused("d", BY_POINT, AREAS.replace("B,\"Bee, de\"", "A,\"Bee, de\""), SQUARES, Map.of(),
                "areas/d/areas.csv: area code 'A' is blank or twice");
        assertRefused("e", BY_POINT, AREAS, SQUARES.replace("\"code\":\"B\"", "\"code\":\"Z\""), Map.of(),
                "areas/e/areas.geojson: a feature's code 'Z' is no area of areas.csv");
        assertRefused("f", BY_POINT.replace("EPSG:28992", "EPSG:3857"), AREAS, SQUARES, Map.of(),
                "geometry.crs is EPSG:4326 (WGS 84) or EPSG:28992 (RD New), not 'EPSG:3857'");
        assertRefused("g", "placement: postcode\n", AREAS, null, Map.of(), "placement by postcode needs postcodes.csv");
        assertRefused("h", "placement: delivered_code\n", AREAS, null, Map.of("codes.csv", "delivered_code,code\nBU1,Q\n"),
                "areas/h/codes.csv: code 'Q' is no area of areas.csv");
        assertRefused("i", BY_POINT.replace("GM0534]", "0534]"), AREAS, SQUARES, Map.of(),
                "covers lists gemeente codes like GM0534, not the number 348 (YAML reads 0534 as a number)");
        assertRefused("k", BY_POINT.replace("GM0534]", "Hillegom]"), AREAS, SQUARES, Map.of(),
                "covers lists gemeente codes like GM0534, not 'Hillegom'");
        assertRefused("j", BY_POINT, "code,name\nA,Aa\n", SQUARES, Map.of(), "areas/j/areas.csv: column 'wijk_code' is missing");
        assertRefused("Bad_Name", BY_POINT, AREAS, SQUARES, Map.of(), "named in lower case letters");
    }

    private void assertRefused(String name, String yaml, String areas, String geojson, Map<String, String> more,
                               String expected) throws IOException {
        Path folder = folder(name, yaml, areas, geojson, more);
        UsageException refused = assertThrows(UsageException.class, () -> Classification.load(folder));
        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
    }

    @Test
    void anUnknownClassificationNamesTheKnownOnes() {
        EngineConfig config = EngineConfig.load(Path.of("conf"), null, List.of());
        UsageException refused = assertThrows(UsageException.class,
                () -> Classification.chosen(config, List.of("cbs-2014", "cbs-2024")));
        assertTrue(refused.getMessage().startsWith("no classification cbs-2024 in "), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("(there are: cbs-2014, hlt-2026)"), refused.getMessage());
    }
}
