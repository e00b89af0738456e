package nl.buurtsignaal.models;

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

/** The deny-list refuses, when the configuration loads, every feature that may not be. */
class FeaturesTest {
    @TempDir
    Path dir;

    private static final String OK_SQL = "SELECT p.point_id, count(r.person_id) AS value FROM points p "
            + "LEFT JOIN silver.residence r ON r.as_of = ${as_of} AND r.address_id = p.address_id GROUP BY p.point_id";

    private EngineConfig configWith(String file, String yaml) throws IOException {
        Path features = Files.createDirectories(dir.resolve("features"));
        Files.writeString(features.resolve(file), yaml);
        return EngineConfig.load(Path.of("conf"), null, List.of("models.features_dir=" + features));
    }

    private static String feature(String id, String sql) {
        return "id: " + id + "\ndescription: d\nallowed_because: a fact of the address\nsql: |\n  " + sql + "\n";
    }

    @Test
    void theProjectsFeaturesLoadAndEachSaysWhyItIsAllowed() {
        Map<String, Feature> features = Features.load(EngineConfig.load(Path.of("conf"), null, List.of()));
        assertTrue(features.size() >= 9, features.keySet().toString());
        features.values().forEach(f -> assertFalse(f.allowedBecause().isBlank(), f.id()));
        assertTrue(features.containsKey("m2_per_resident"));
    }

    @Test
    void anAllowedFeatureLoads() throws IOException {
        assertEquals(List.of("ok"), List.copyOf(Features.load(configWith("ok.yaml", feature("ok", OK_SQL))).keySet()));
    }

    private void refused(String sql, String because) throws IOException {
        EngineConfig config = configWith("bad.yaml", feature("bad", sql));
        UsageException e = assertThrows(UsageException.class, () -> Features.load(config));
        assertTrue(e.getMessage().contains(because), e.getMessage());
    }

    @Test
    void careDataIsRefused() throws IOException {
        refused("SELECT p.point_id, count(*) AS value FROM points p JOIN silver.provision c ON c.as_of = ${as_of} GROUP BY p.point_id",
                "care data");
        refused("SELECT point_id, 1 AS value FROM points JOIN bronze.care_provision", "care data");
    }

    @Test
    void protectedAttributesAndProxiesAreRefused() throws IOException {
        refused(OK_SQL.replace("count(r.person_id)", "avg(r.birth_year)"), "birth_year is a protected attribute");
        refused("SELECT p.point_id, CASE WHEN a.postcode LIKE '12%' THEN 1 ELSE 0 END AS value FROM points p "
                + "JOIN silver.address a ON a.address_id = p.address_id", "postcode is a known proxy");
        refused(OK_SQL.replace("count(r.person_id)", "count(DISTINCT r.buurt_code)"), "buurt_code is a known proxy");
    }

    @Test
    void theLabelsOwnSourcesAndSnapshotsAreRefused() throws IOException {
        refused("SELECT p.point_id, count(*) AS value FROM points p JOIN silver.enforcement_case e ON e.address_id = p.address_id GROUP BY p.point_id",
                "labels' own source");
        refused("SELECT p.point_id, max(h.residents) AS value FROM points p JOIN silver.household h ON h.address_id = p.address_id GROUP BY p.point_id",
                "not the state at the point in time");
        refused("SELECT p.point_id, count(*) AS value FROM points p JOIN bronze.brp_residence b ON b.address_id = p.address_id GROUP BY p.point_id",
                "silver tables only");
    }

    @Test
    void aWordInAStringOrCommentIsNoColumn() throws IOException {
        String sql = OK_SQL + " -- not birth_year\n  HAVING max('postcode') IS NOT NULL";
        assertEquals(1, Features.load(configWith("ok.yaml", feature("ok", sql))).size());
    }

    @Test
    void aFeatureWithoutItsReasonIsRefused() throws IOException {
        EngineConfig config = configWith("bad.yaml", "id: bad\ndescription: d\nsql: SELECT 1\n");
        assertTrue(assertThrows(UsageException.class, () -> Features.load(config)).getMessage().contains("allowed_because"));
    }
}
