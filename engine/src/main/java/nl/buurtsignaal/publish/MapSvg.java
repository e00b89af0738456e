package nl.buurtsignaal.publish;

import nl.buurtsignaal.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import nl.buurtsignaal.base.UsageException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Neighbourhood boundaries from a GeoJSON file as SVG paths, drawn on the server so that the
 * report needs no script and no network. Coordinates in RD metres (EPSG:28992) are drawn as they
 * are, scaled; longitude and latitude (WGS 84) are drawn equirectangularly with the longitude
 * shortened by the cosine of the mean latitude, which is exact enough at the scale of a municipality.
 * North is up: y grows downward in SVG, so the northing is flipped.
 */
public final class MapSvg {
    /** One neighbourhood's outline: its code, name and the SVG path in the drawing's coordinates. */
    public record Shape(String buurtCode, String buurtName, String path) {
    }

    /** The outlines of some neighbourhoods, fitted into a box of the given width, and the height that keeps the aspect. */
    public record Drawing(List<Shape> shapes, double width, double height) {
    }

    private MapSvg() {
    }

    public static JsonNode read(Path geojson) {
        try {
            return Json.MAPPER.readTree(geojson.toFile());
        } catch (IOException e) {
            throw new UsageException("neighbourhood boundaries cannot be read: " + geojson);
        }
    }

    /** The features whose buurt_code starts with one of the prefixes (a gemeente's "BU0402"), fitted into width. */
    public static Drawing draw(JsonNode geojson, List<String> buurtCodes, double width) {
        List<JsonNode> features = new ArrayList<>();
        for (JsonNode f : geojson.path("features")) {
            if (buurtCodes.contains(f.path("properties").path("buurt_code").asText())) {
                features.add(f);
            }
        }
        double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        double latSum = 0;
        int points = 0;
        for (JsonNode f : features) {
            for (double[] p : points(f.path("geometry"))) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
                latSum += p[1];
                points++;
            }
        }
        if (points == 0) {
            return new Drawing(List.of(), width, 0);
        }
        boolean degrees = maxX <= 180 && maxY <= 90;
        double xScale = degrees ? Math.cos(Math.toRadians(latSum / points)) : 1;
        double spanX = Math.max((maxX - minX) * xScale, 1e-9);
        double spanY = Math.max(maxY - minY, 1e-9);
        double scale = width / spanX;
        double height = spanY * scale;
        List<Shape> shapes = new ArrayList<>();
        for (JsonNode f : features) {
            StringBuilder d = new StringBuilder();
            for (List<double[]> ring : rings(f.path("geometry"))) {
                for (int i = 0; i < ring.size(); i++) {
                    double x = (ring.get(i)[0] - minX) * xScale * scale;
                    double y = (maxY - ring.get(i)[1]) * scale;
                    d.append(i == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
                }
                d.append('Z');
            }
            JsonNode props = f.path("properties");
            shapes.add(new Shape(props.path("buurt_code").asText(), props.path("buurt_name").asText(), d.toString()));
        }
        return new Drawing(shapes, width, height);
    }

    private static List<double[]> points(JsonNode geometry) {
        List<double[]> out = new ArrayList<>();
        rings(geometry).forEach(out::addAll);
        return out;
    }

    /** Every ring of a Polygon or MultiPolygon, outer and holes alike (the SVG fill rule draws holes). */
    static List<List<double[]>> rings(JsonNode geometry) {
        List<List<double[]>> rings = new ArrayList<>();
        String type = geometry.path("type").asText();
        List<JsonNode> polygons = new ArrayList<>();
        if (type.equals("Polygon")) {
            polygons.add(geometry.path("coordinates"));
        } else if (type.equals("MultiPolygon")) {
            geometry.path("coordinates").forEach(polygons::add);
        }
        for (JsonNode polygon : polygons) {
            for (JsonNode ring : polygon) {
                List<double[]> r = new ArrayList<>();
                ring.forEach(p -> r.add(new double[]{p.get(0).asDouble(), p.get(1).asDouble()}));
                rings.add(r);
            }
        }
        return rings;
    }

    /** Neighbourhood code to name, from the file's properties. */
    public static Map<String, String> names(JsonNode geojson) {
        Map<String, String> names = new LinkedHashMap<>();
        geojson.path("features").forEach(f -> names.put(f.path("properties").path("buurt_code").asText(),
                f.path("properties").path("buurt_name").asText()));
        return names;
    }
}
