package nl.buurtsignaal.areas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import nl.buurtsignaal.base.Hashing;
import nl.buurtsignaal.base.Json;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.proj4j.CRSFactory;
import org.locationtech.proj4j.CoordinateTransform;
import org.locationtech.proj4j.CoordinateTransformFactory;
import org.locationtech.proj4j.ProjCoordinate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A neighbourhood classification, as data: one folder {@code conf/areas/NAME/} with
 * <ul>
 *   <li>{@code area.yaml}: its {@code title}, how an address is placed ({@code placement}:
 *       {@code delivered_code}, {@code postcode} or {@code point}), the gemeenten it {@code covers}
 *       (optional: addresses elsewhere are not covered rather than unplaced) and its
 *       {@code geometry} ({@code file}, {@code crs} EPSG:4326 or EPSG:28992, {@code code_property});</li>
 *   <li>{@code areas.csv}: {@code code,name,wijk_code,wijk_name,gemeente_code,gemeente_name};</li>
 *   <li>optional {@code codes.csv} ({@code delivered_code,code}: the delivered CBS code to this
 *       classification's area; without it the delivered code is the area's code) and
 *       {@code postcodes.csv} ({@code postcode,code}, six-character or four-digit postcodes).</li>
 * </ul>
 * Polygons are held in RD New (EPSG:28992), the coordinates BAG delivers.
 */
public record Classification(String name, String title, Placement placement, List<String> covers, List<Area> areas,
                             Map<String, Geometry> geometry, Map<String, String> codes, Map<String, String> postcodes,
                             String fingerprint) {

    /** How an address finds its area. */
    public enum Placement {
        /** By the CBS buurt code delivered with the address, through {@code codes.csv} where given. */
        DELIVERED_CODE,
        /** By its postcode, through {@code postcodes.csv}. */
        POSTCODE,
        /** By its RD point, in the area whose polygon covers it. */
        POINT
    }

    /** An area with its parent levels. */
    public record Area(String code, String name, String wijkCode, String wijkName, String gemeenteCode,
                       String gemeenteName) {
    }

    private static final Set<String> FIELDS = Set.of("title", "placement", "covers", "geometry");
    private static final Set<String> GEOMETRY_FIELDS = Set.of("file", "crs", "code_property");
    private static final String RD = "EPSG:28992";
    private static final GeometryFactory FACTORY = new GeometryFactory(new PrecisionModel(), 28992);

    /** The classifications under the configured folder, by name, in name order. */
    public static Map<String, Classification> all(EngineConfig config) {
        Path folder = config.resolve(config.settings().areas().dir());
        if (!Files.isDirectory(folder)) {
            throw new UsageException("areas folder not found: " + folder);
        }
        Map<String, Classification> all = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path dir : list.filter(Files::isDirectory).sorted().toList()) {
                all.put(dir.getFileName().toString(), load(dir));
            }
        } catch (IOException e) {
            throw new UsageException("areas folder cannot be read: " + folder);
        }
        return all;
    }

    /** The named classifications (for {@code run --areas}); an unknown name is a one-line error listing the known. */
    public static List<Classification> chosen(EngineConfig config, List<String> names) {
        return chosen(all(config), config, names);
    }

    /** Checks that each name is a classification's folder, without reading them: a one-line error names the known. */
    public static void checkNames(EngineConfig config, List<String> names) {
        Path folder = config.resolve(config.settings().areas().dir());
        if (names.isEmpty()) {
            throw new UsageException("name at least one classification of " + folder);
        }
        for (String name : names) {
            if (!name.matches("[a-z0-9][a-z0-9-]*") || !Files.isRegularFile(folder.resolve(name).resolve("area.yaml"))) {
                String[] known = folder.toFile().list();
                throw new UsageException("no classification " + name + " in " + folder + " (there are: "
                        + String.join(", ", known == null ? new String[0] : java.util.Arrays.stream(known).sorted().toArray(String[]::new)) + ")");
            }
        }
    }

    /** The named classifications among {@code all}, in the order named. */
    public static List<Classification> chosen(Map<String, Classification> all, EngineConfig config, List<String> names) {
        if (names.isEmpty()) {
            throw new UsageException("name at least one classification of " + config.resolve(config.settings().areas().dir()));
        }
        List<Classification> chosen = new ArrayList<>();
        for (String name : new LinkedHashSet<>(names)) {
            Classification c = all.get(name);
            if (c == null) {
                throw new UsageException("no classification " + name + " in " + config.resolve(config.settings().areas().dir())
                        + " (there are: " + String.join(", ", all.keySet()) + ")");
            }
            chosen.add(c);
        }
        return chosen;
    }

    /** Reads and checks one classification's folder. */
    public static Classification load(Path dir) {
        String name = dir.getFileName().toString();
        String where = "areas/" + name;
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new UsageException(where + ": a classification's folder is named in lower case letters, digits and '-'");
        }
        Path yaml = dir.resolve("area.yaml");
        if (!Files.isRegularFile(yaml)) {
            throw new UsageException(where + ": area.yaml is missing");
        }
        ObjectNode spec = EngineConfig.readYaml(yaml);
        spec.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw new UsageException(where + "/area.yaml: unknown field '" + f + "' (" + FIELDS + ")");
            }
        });
        Placement placement;
        try {
            placement = Placement.valueOf(spec.path("placement").asText("").toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new UsageException(where + "/area.yaml: placement is delivered_code, postcode or point, not '"
                    + spec.path("placement").asText() + "'");
        }
        List<String> covers = new ArrayList<>();
        spec.path("covers").forEach(c -> {
            if (!c.asText().matches("GM\\d{4}")) {
                throw new UsageException(where + "/area.yaml: covers lists gemeente codes like GM0534, not "
                        + (c.isNumber() ? "the number " + c.asText() + " (YAML reads 0534 as a number)" : "'" + c.asText() + "'"));
            }
            covers.add(c.asText());
        });

        List<Area> areas = new ArrayList<>();
        Map<String, Area> byCode = new LinkedHashMap<>();
        for (Map<String, String> row : rows(dir.resolve("areas.csv"), where, "code", "name", "wijk_code", "wijk_name",
                "gemeente_code", "gemeente_name")) {
            Area area = new Area(row.get("code"), row.get("name"), row.get("wijk_code"), row.get("wijk_name"),
                    row.get("gemeente_code"), row.get("gemeente_name"));
            if (area.code().isBlank() || byCode.put(area.code(), area) != null) {
                throw new UsageException(where + "/areas.csv: area code '" + area.code() + "' is blank or twice");
            }
            areas.add(area);
        }
        if (areas.isEmpty()) {
            throw new UsageException(where + "/areas.csv holds no area");
        }
        Map<String, Geometry> geometry = spec.has("geometry") ? geometry(dir, spec.path("geometry"), where, byCode.keySet())
                : Map.of();
        if (placement == Placement.POINT && !geometry.keySet().containsAll(byCode.keySet())) {
            List<String> missing = byCode.keySet().stream().filter(c -> !geometry.containsKey(c)).limit(5).toList();
            throw new UsageException(where + ": placement by point needs a polygon for every area; none for " + missing);
        }
        Map<String, String> codes = lookup(dir.resolve("codes.csv"), where, "delivered_code", byCode.keySet(), false);
        Map<String, String> postcodes = lookup(dir.resolve("postcodes.csv"), where, "postcode", byCode.keySet(),
                placement == Placement.POSTCODE);
        String fingerprint = Hashing.sha256(name + "|" + placement + "|" + covers + "|" + areas + "|"
                + new TreeMap<>(codes) + "|" + new TreeMap<>(postcodes) + "|" + wkt(geometry));
        return new Classification(name, spec.path("title").asText(name), placement, List.copyOf(covers),
                List.copyOf(areas), geometry, codes, postcodes, fingerprint);
    }

    private static String wkt(Map<String, Geometry> geometry) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(geometry).forEach((code, g) -> b.append(code).append(g.toText()));
        return b.toString();
    }

    private static List<Map<String, String>> rows(Path file, String where, String... columns) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(where + ": " + file.getFileName() + " is missing");
        }
        List<String[]> lines;
        try (java.io.Reader in = Files.newBufferedReader(file)) {
            CsvParserSettings settings = new CsvParserSettings();
            settings.setNullValue("");
            settings.setEmptyValue("");
            lines = new CsvParser(settings).parseAll(in);
        } catch (IOException e) {
            throw new UsageException(where + ": " + file.getFileName() + " cannot be read");
        }
        if (lines.isEmpty()) {
            throw new UsageException(where + ": " + file.getFileName() + " is empty");
        }
        List<String> header = List.of(lines.get(0));
        for (String column : columns) {
            if (!header.contains(column)) {
                throw new UsageException(where + "/" + file.getFileName() + ": column '" + column + "' is missing");
            }
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            List<String> values = List.of(lines.get(i));
            if (values.size() != header.size()) {
                throw new UsageException(where + "/" + file.getFileName() + ": line " + (i + 1) + " has "
                        + values.size() + " fields, the header " + header.size());
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                row.put(header.get(c), values.get(c).strip());
            }
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, String> lookup(Path file, String where, String key, Set<String> areaCodes, boolean required) {
        if (!Files.isRegularFile(file)) {
            if (required) {
                throw new UsageException(where + ": placement by postcode needs " + file.getFileName());
            }
            return Map.of();
        }
        Map<String, String> lookup = new LinkedHashMap<>();
        for (Map<String, String> row : rows(file, where, key, "code")) {
            String code = row.get("code");
            if (!areaCodes.contains(code)) {
                throw new UsageException(where + "/" + file.getFileName() + ": code '" + code + "' is no area of areas.csv");
            }
            String k = key.equals("postcode") ? row.get(key).replace(" ", "").toUpperCase() : row.get(key);
            if (lookup.put(k, code) != null) {
                throw new UsageException(where + "/" + file.getFileName() + ": " + key + " '" + k + "' twice");
            }
        }
        return lookup;
    }

    private static Map<String, Geometry> geometry(Path dir, JsonNode spec, String where, Set<String> areaCodes) {
        spec.fieldNames().forEachRemaining(f -> {
            if (!GEOMETRY_FIELDS.contains(f)) {
                throw new UsageException(where + "/area.yaml: geometry has no field '" + f + "' (" + GEOMETRY_FIELDS + ")");
            }
        });
        Path file = dir.resolve(spec.path("file").asText("areas.geojson"));
        String crs = spec.path("crs").asText("");
        if (!crs.equals("EPSG:4326") && !crs.equals(RD)) {
            throw new UsageException(where + "/area.yaml: geometry.crs is EPSG:4326 (WGS 84) or EPSG:28992 (RD New), not '" + crs + "'");
        }
        String codeProperty = spec.path("code_property").asText("code");
        JsonNode collection;
        try {
            collection = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UsageException(where + ": " + file.getFileName() + " cannot be read as GeoJSON: " + e.getMessage());
        }
        CoordinateTransform toRd = crs.equals(RD) ? null : new CoordinateTransformFactory().createTransform(
                new CRSFactory().createFromName(crs), new CRSFactory().createFromName(RD));
        Map<String, Geometry> geometry = new LinkedHashMap<>();
        for (JsonNode feature : collection.path("features")) {
            String code = feature.path("properties").path(codeProperty).asText("");
            if (!areaCodes.contains(code)) {
                throw new UsageException(where + "/" + file.getFileName() + ": a feature's " + codeProperty + " '" + code
                        + "' is no area of areas.csv");
            }
            Geometry g = polygons(feature.path("geometry"), toRd, where + "/" + file.getFileName() + " (" + code + ")");
            if (g != null) {
                geometry.merge(code, g, Geometry::union);
            }
        }
        return geometry;
    }

    private static Geometry polygons(JsonNode geometry, CoordinateTransform toRd, String where) {
        String type = geometry.path("type").asText();
        JsonNode coordinates = geometry.path("coordinates");
        List<Polygon> polygons = new ArrayList<>();
        if (type.equals("Polygon")) {
            coordinates = Json.MAPPER.createArrayNode().add(coordinates);
        } else if (!type.equals("MultiPolygon")) {
            throw new UsageException(where + ": a Polygon or MultiPolygon, not '" + type + "'");
        }
        for (JsonNode p : coordinates) {
            if (p.path(0).size() < 4) {
                continue; // a polygon collapsed to a point or a line by simplification: it covers nothing
            }
            try {
                polygons.add(polygon(p, toRd));
            } catch (IllegalArgumentException e) {
                throw new UsageException(where + ": " + e.getMessage());
            }
        }
        if (polygons.isEmpty()) {
            return null; // the area has no polygon: placement by point needs one (checked), by code does not
        }
        Geometry g = polygons.size() == 1 ? polygons.get(0) : FACTORY.createMultiPolygon(polygons.toArray(Polygon[]::new));
        if (!g.isValid()) {
            g = g.buffer(0); // a self-touching ring as drawn by hand or simplified: repaired, same area
        }
        return g.isEmpty() || g.getArea() <= 0 ? null : g; // collapsed to a line: no polygon
    }

    private static Polygon polygon(JsonNode rings, CoordinateTransform toRd) {
        LinearRing shell = ring(rings.get(0), toRd);
        List<LinearRing> holes = new ArrayList<>();
        for (int i = 1; i < rings.size(); i++) {
            if (rings.get(i).size() >= 4) { // a hole collapsed to a point or a line holds nothing out
                holes.add(ring(rings.get(i), toRd));
            }
        }
        return FACTORY.createPolygon(shell, holes.toArray(LinearRing[]::new));
    }

    private static LinearRing ring(JsonNode points, CoordinateTransform toRd) {
        Coordinate[] coordinates = new Coordinate[points.size()];
        for (int i = 0; i < points.size(); i++) {
            double x = points.get(i).get(0).asDouble();
            double y = points.get(i).get(1).asDouble();
            if (toRd != null) {
                ProjCoordinate out = toRd.transform(new ProjCoordinate(x, y), new ProjCoordinate());
                x = Math.round(out.x * 100) / 100.0; // centimetres: far below what an area's edge means
                y = Math.round(out.y * 100) / 100.0;
            }
            coordinates[i] = new Coordinate(x, y);
        }
        return FACTORY.createLinearRing(coordinates);
    }

    /**
     * Whether an address's area is the CBS code delivered with it, unchanged (placement by
     * delivered code without codes.csv): the results are then computed on the delivered codes
     * themselves, as the contract's gold tables define them, a code not in areas.csv included.
     */
    public boolean asDelivered() {
        return placement == Placement.DELIVERED_CODE && codes.isEmpty();
    }

    /**
     * The classification's boundaries for a map: its GeoJSON in WGS 84 (longitude, latitude), each
     * feature's properties {@code buurt_code} (the area's code) and {@code buurt_name}; empty where
     * the classification has no geometry.
     */
    public static JsonNode mapGeoJson(EngineConfig config, String name) {
        Path dir = config.resolve(config.settings().areas().dir()).resolve(name);
        Classification c = load(dir);
        ObjectNode spec = EngineConfig.readYaml(dir.resolve("area.yaml"));
        ObjectNode out = Json.MAPPER.createObjectNode().put("type", "FeatureCollection");
        com.fasterxml.jackson.databind.node.ArrayNode features = out.putArray("features");
        if (!spec.has("geometry")) {
            return out;
        }
        JsonNode geometry = spec.path("geometry");
        String codeProperty = geometry.path("code_property").asText("code");
        CoordinateTransform toWgs84 = geometry.path("crs").asText("").equals(RD)
                ? new CoordinateTransformFactory().createTransform(new CRSFactory().createFromName(RD),
                        new CRSFactory().createFromName("EPSG:4326")) : null;
        Map<String, String> names = new LinkedHashMap<>();
        c.areas().forEach(a -> names.put(a.code(), a.name()));
        try {
            for (JsonNode feature : Json.MAPPER.readTree(dir.resolve(geometry.path("file").asText("areas.geojson")).toFile())
                    .path("features")) {
                String code = feature.path("properties").path(codeProperty).asText("");
                ObjectNode f = features.addObject().put("type", "Feature");
                f.putObject("properties").put("buurt_code", code).put("buurt_name", names.get(code));
                JsonNode g = feature.path("geometry").deepCopy();
                if (toWgs84 != null) {
                    g.findValues("coordinates").forEach(coordinates -> toLonLat(coordinates, toWgs84));
                }
                f.set("geometry", g);
            }
        } catch (IOException e) {
            throw new UsageException("areas/" + name + ": its GeoJSON cannot be read");
        }
        return out;
    }

    private static void toLonLat(JsonNode coordinates, CoordinateTransform toWgs84) {
        if (coordinates.isArray() && coordinates.size() >= 2 && coordinates.get(0).isNumber()) {
            ProjCoordinate p = toWgs84.transform(new ProjCoordinate(coordinates.get(0).asDouble(), coordinates.get(1).asDouble()),
                    new ProjCoordinate());
            ((com.fasterxml.jackson.databind.node.ArrayNode) coordinates).set(0, Math.round(p.x * 1e6) / 1e6);
            ((com.fasterxml.jackson.databind.node.ArrayNode) coordinates).set(1, Math.round(p.y * 1e6) / 1e6);
        } else {
            coordinates.forEach(c -> toLonLat(c, toWgs84));
        }
    }

    /** The gemeente of a delivered CBS buurt code (BU05340001 is in GM0534), or null. */
    public static String gemeenteOf(String buurtCode) {
        return buurtCode != null && buurtCode.matches("BU\\d{8}") ? "GM" + buurtCode.substring(2, 6) : null;
    }
}
