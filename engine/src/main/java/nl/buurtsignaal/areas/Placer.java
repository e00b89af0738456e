package nl.buurtsignaal.areas;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.strtree.STRtree;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKBWriter;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Places one address in a classification: the area it belongs to, the area its RD point falls in
 * (where the classification has polygons), and why it was not placed. Serializable so that Spark
 * ships it to the executors once (a broadcast); the polygons travel as WKB and are indexed there
 * in an STRtree of prepared geometries, built on first use.
 */
public final class Placer implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Placed in an area. */
    public static final String PLACED = "placed";
    /** Placed by point, but its point lies in no area's polygon. */
    public static final String OUTSIDE = "outside";
    /** Placed by point, but BAG gave no point. */
    public static final String NO_POINT = "no_point";
    /** Placed by code or postcode, but the code or postcode is in no table of the classification. */
    public static final String UNKNOWN_CODE = "unknown_code";
    /** In a gemeente the classification does not cover. */
    public static final String NOT_COVERED = "not_covered";

    /** Where an address went: its area (or null), the area of its point (or null), the status, and whether they disagree. */
    public record Place(String areaCode, String pointCode, String status, boolean disagrees) {
    }

    private final Classification.Placement placement;
    private final Set<String> covers;
    private final Set<String> areaCodes;
    private final Map<String, String> codes;
    private final Map<String, String> postcodes;
    private final Map<String, byte[]> polygons;
    private transient STRtree index;

    public Placer(Classification c) {
        this.placement = c.placement();
        this.covers = new HashSet<>(c.covers());
        this.areaCodes = new HashSet<>();
        c.areas().forEach(a -> areaCodes.add(a.code()));
        this.codes = new HashMap<>(c.codes());
        this.postcodes = new HashMap<>(c.postcodes());
        this.polygons = new LinkedHashMap<>();
        WKBWriter writer = new WKBWriter();
        c.geometry().forEach((code, g) -> polygons.put(code, writer.write(g)));
    }

    /** Places an address by its delivered CBS code, postcode and RD point (any may be null). */
    public Place place(String deliveredCode, String postcode, Double x, Double y) {
        boolean hasPoint = x != null && y != null && !x.isNaN() && !y.isNaN();
        String pointCode = hasPoint && !polygons.isEmpty() ? locate(x, y, coded(deliveredCode)) : null;
        String area = switch (placement) {
            case DELIVERED_CODE -> {
                String code = deliveredCode == null ? null : codes.getOrDefault(deliveredCode, deliveredCode);
                yield code != null && areaCodes.contains(code) ? code : null;
            }
            case POSTCODE -> {
                String pc = postcode == null ? "" : postcode.replace(" ", "").toUpperCase();
                String code = postcodes.get(pc);
                yield code != null ? code : pc.length() >= 4 ? postcodes.get(pc.substring(0, 4)) : null;
            }
            case POINT -> pointCode;
        };
        if (area != null) {
            // checked where the area has a polygon: a point outside it is counted, never moved
            boolean disagrees = placement != Classification.Placement.POINT && hasPoint && polygons.containsKey(area)
                    && !area.equals(pointCode);
            return new Place(area, pointCode, PLACED, disagrees);
        }
        String gemeente = Classification.gemeenteOf(deliveredCode);
        if (!covers.isEmpty() && (gemeente == null || !covers.contains(gemeente))) {
            return new Place(null, pointCode, NOT_COVERED, false);
        }
        String status = placement != Classification.Placement.POINT ? UNKNOWN_CODE : hasPoint ? OUTSIDE : NO_POINT;
        return new Place(null, pointCode, status, false);
    }

    /** The area the delivered code names in this classification, or null. */
    private String coded(String deliveredCode) {
        if (deliveredCode == null || placement != Classification.Placement.DELIVERED_CODE) {
            return null;
        }
        return codes.getOrDefault(deliveredCode, deliveredCode);
    }

    /**
     * The area whose polygon covers the point: {@code preferred} where its polygon does (drawn
     * boundaries overlap a little at their edges), else the first by code, or null.
     */
    String locate(double x, double y, String preferred) {
        STRtree tree = index();
        Point point = new GeometryFactory().createPoint(new Coordinate(x, y));
        String found = null;
        for (Object o : tree.query(new Envelope(x, x, y, y))) {
            Candidate c = (Candidate) o;
            boolean better = found == null || c.code.equals(preferred)
                    || !found.equals(preferred) && c.code.compareTo(found) < 0;
            if (better && c.geometry.covers(point)) {
                found = c.code;
            }
        }
        return found;
    }

    private record Candidate(String code, PreparedGeometry geometry) {
    }

    private synchronized STRtree index() {
        if (index == null) {
            STRtree tree = new STRtree();
            WKBReader reader = new WKBReader();
            PreparedGeometryFactory prepared = new PreparedGeometryFactory();
            List<String> codes = new ArrayList<>(polygons.keySet());
            for (String code : codes) {
                try {
                    Geometry g = reader.read(polygons.get(code));
                    tree.insert(g.getEnvelopeInternal(), new Candidate(code, prepared.create(g)));
                } catch (org.locationtech.jts.io.ParseException e) {
                    throw new IllegalStateException("area " + code + ": " + e.getMessage(), e);
                }
            }
            tree.build();
            index = tree;
        }
        return index;
    }
}
