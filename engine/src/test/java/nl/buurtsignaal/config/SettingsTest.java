package nl.buurtsignaal.config;

import nl.buurtsignaal.base.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The settings bind once to typed records; every value from conf/, every mistake one line naming file and key. */
class SettingsTest {
    @TempDir
    Path dir;

    private static EngineConfig load(Path overlay, String... settings) {
        return EngineConfig.load(Path.of("conf"), overlay, List.of(settings));
    }

    private static String refused(Path overlay, String... settings) {
        UsageException e = assertThrows(UsageException.class, () -> load(overlay, settings));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void theShippedFileBindsEveryKeyItHas() {
        Settings s = load(null).settings();
        assertEquals(50, s.publication().minDenominator());
        assertEquals(2.0, s.scoring().flagMinScore());
        assertEquals(List.of("undermining", "care_stacking"), s.scoring().themes());
        assertEquals(1.96, s.models().fairness().zCritical());
        assertEquals(2, s.hub().refreshSeconds());
        assertEquals("chromium", s.report().chromium());
        assertEquals(0.5, s.scoring().weights().get("undermining").get("vacant_residential_pct"));
    }

    @Test
    void anOverrideReachesTheTypedValue() {
        assertEquals(1.5, load(null, "scoring.flag_min_score=1.5").settings().scoring().flagMinScore());
        assertEquals(10, load(null, "publication.min_denominator=10").settings().publication().minDenominator());
        // open sections take the user's own keys
        // under a Spark section the rest of the path is one of Spark's own keys
        assertEquals("3", load(null, "spark.spark.sql.shuffle.partitions=3").settings().spark().get("spark.sql.shuffle.partitions"));
        assertEquals("8", load(null, "serve.spark.spark.sql.shuffle.partitions=8").settings().serve().spark()
                .get("spark.sql.shuffle.partitions"));
        assertEquals("Wmo 2015", load(null, "provisions.wmo_dagbesteding=Wmo 2015").settings().provisions().get("wmo_dagbesteding"));
        assertEquals(7.0, load(null, "retention.years.brp_residence=7").settings().retention().years().get("brp_residence"));
    }

    @Test
    void anUnknownKeyIsNamedWithItsFile() throws IOException {
        Path overlay = dir.resolve("mine.yaml");
        Files.writeString(overlay, "scoring:\n  flag_minscore: 1.5\n");
        assertEquals(overlay + ": unknown setting scoring.flag_minscore", refused(overlay));
        assertEquals("--set hub.refresh_second: unknown setting hub.refresh_second", refused(null, "hub.refresh_second=5"));
        assertEquals("--set colour: unknown setting colour", refused(null, "colour=blue"));
    }

    @Test
    void aWrongTypeIsNamedWithItsSource() throws IOException {
        assertEquals("--set publication.min_denominator: setting publication.min_denominator must be a whole number",
                refused(null, "publication.min_denominator=fifty"));
        // a fraction is not silently cut to a whole number, text is not read as a number
        assertTrue(refused(null, "hub.max_page_size=2.5").endsWith("hub.max_page_size must be a whole number"));
        assertTrue(refused(null, "scoring.flag_min_score='2'").endsWith("scoring.flag_min_score must be a number"));
        assertTrue(refused(null, "small_input.hold_tables=1").endsWith("small_input.hold_tables must be true or false"));
        assertTrue(refused(null, "scoring.weights.undermining.cash_purchases_pct=high")
                .endsWith("scoring.weights.undermining.cash_purchases_pct must be a number"));
        Path overlay = dir.resolve("mine.yaml");
        Files.writeString(overlay, "hub:\n  partners: riec\n");
        assertEquals(overlay + ": setting hub.partners must be a list", refused(overlay));
    }

    /** A section that checks its values together says what is wrong with them, naming the section. */
    @Test
    void leasesThatCouldNeverBeRenewedInTimeAreRefused() {
        String refused = refused(null, "leases.renew_seconds=90");
        assertTrue(refused.startsWith("--set leases.renew_seconds: setting leases: renew_seconds must be at least 1 and below"
                + " expiry_seconds"), refused);
        assertTrue(refused(null, "leases.renew_seconds=0").contains("(got expiry_seconds 60, renew_seconds 0"));
    }

    @Test
    void aMissingKeyIsNamedWithTheFileThatShouldHaveIt() throws IOException {
        Path conf = dir.resolve("conf");
        Files.createDirectories(conf);
        String shipped = Files.readString(Path.of("conf/buurtsignaal.yaml"));
        Files.writeString(conf.resolve("buurtsignaal.yaml"), shipped.replace("  max_page_size: 200\n", ""));
        UsageException e = assertThrows(UsageException.class, () -> EngineConfig.load(conf, null, List.of()));
        assertEquals(conf.resolve("buurtsignaal.yaml") + ": setting hub.max_page_size is missing", e.getMessage());
        Files.writeString(conf.resolve("buurtsignaal.yaml"), shipped.replace("  min_denominator: 50\n", ""));
        e = assertThrows(UsageException.class, () -> EngineConfig.load(conf, null, List.of()));
        assertEquals(conf.resolve("buurtsignaal.yaml") + ": setting publication is missing", e.getMessage());
        // an empty value is no value
        assertTrue(refused(null, "scoring.flag_min_score=").endsWith("setting scoring.flag_min_score is missing"),
                refused(null, "scoring.flag_min_score="));
    }
}
