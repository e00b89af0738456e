package nl.buurtsignaal;

import nl.buurtsignaal.lake.Lake;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The real command line on a generated city: generate, ingest, run; every planted case found;
 * no raw BSN anywhere in the lake; bad input gives the contract's exit statuses.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndTest extends SparkTestBase {
    @TempDir
    static Path work;
    static Path landing;
    static Path lakeDir;
    static Path key;

    @BeforeAll
    static void generateIngestRun() throws IOException {
        landing = work.resolve("landing");
        lakeDir = work.resolve("lake");
        assertEquals(0, cli("generate", "--out", landing.toString(), "--persons", "1500", "--seed", "11",
                "--as-of", "2026-10-31", "--plants", "2"));
        key = landing.resolve("_key.txt");
        assertEquals(0, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(), "--key-file", key.toString()));
        assertEquals(0, cli("run", "--lake", lakeDir.toString(), "--as-of", "2026-10-31"));
        lake(lakeDir).registerAll();
    }

    @Test
    @Order(1)
    void everyPlantedCaseIsFound() throws IOException {
        List<String> planted = Files.readAllLines(landing.resolve("_planted.csv")).stream().skip(1).toList();
        assertEquals(18, planted.size(), "two cases for each of the nine rules");
        TreeSet<String> signals = rows(sql("SELECT rule_id, subject_type, subject_id FROM gold.signal WHERE as_of = DATE'2026-10-31'"));
        for (String p : planted) {
            assertTrue(signals.contains(p), "planted case not found: " + p);
        }
        Set<String> rules = new HashSet<>();
        planted.forEach(p -> rules.add(p.split(",")[0]));
        assertEquals(9, rules.size());
    }

    @Test
    @Order(2)
    void csvDeliveriesInTheDutchDialectLandTyped() {
        Row r = sql("SELECT count(*), count(registered_on) FROM bronze.hr_establishment").first();
        assertTrue(r.getLong(0) > 100);
        assertEquals(r.getLong(0), r.getLong(1), "every dd-MM-yyyy date parsed");
        assertEquals(0L, sql("SELECT count(*) FROM audit.delivery WHERE status <> 'accepted'").first().getLong(0));
        assertEquals(8L, sql("SELECT count(*) FROM audit.delivery").first().getLong(0));
    }

    @Test
    @Order(3)
    void noRawBsnReachesAnyFileOrTableOfTheLake() throws IOException {
        Set<String> bsns = new HashSet<>();
        for (Row r : spark().read().parquet(landing.resolve("brp_residence").resolve("2026-11-01").toString())
                .select("person_id").distinct().collectAsList()) {
            bsns.add(r.getString(0));
        }
        for (Row r : spark().read().parquet(landing.resolve("hr_officer").resolve("2026-11-01").toString())
                .select("person_id").distinct().collectAsList()) {
            bsns.add(r.getString(0));
        }
        assertTrue(bsns.size() > 1000);
        // 1. the bytes of every file, _delta_log statistics and checkpoints included
        Pattern nineDigits = Pattern.compile("(?<![0-9])[0-9]{9}(?![0-9])");
        try (Stream<Path> files = Files.walk(lakeDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                Matcher m = nineDigits.matcher(text);
                while (m.find()) {
                    assertFalse(bsns.contains(m.group()), "raw BSN in " + lakeDir.relativize(f));
                }
            }
        }
        // 2. every string value of every table (parquet pages are compressed, so read them too)
        Lake lake = lake(lakeDir);
        for (String table : lake.registerAll()) {
            for (StructField field : lake.read(table).schema().fields()) {
                if (field.dataType().equals(DataTypes.StringType)) {
                    long hits = lake.read(table).select(field.name()).filter(
                            org.apache.spark.sql.functions.col(field.name()).isin(bsns.toArray())).count();
                    assertEquals(0, hits, table + "." + field.name() + " holds raw BSNs");
                }
            }
        }
    }

    @Test
    @Order(4)
    void ingestingTheSameLandingZoneAgainChangesNothing() {
        long before = lake(lakeDir).version("bronze.brp_residence");
        assertEquals(0, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(), "--key-file", key.toString()));
        assertEquals(before, lake(lakeDir).version("bronze.brp_residence"));
        assertEquals(8L, sql("SELECT count(*) FROM audit.delivery").first().getLong(0));
    }

    @Test
    @Order(5)
    void badInputGivesTheContractsExitStatusAndOneLine() throws IOException {
        String err = stderrOf(() -> assertEquals(2, cli("ingest", "--landing", work.resolve("nowhere").toString(),
                "--lake", lakeDir.toString(), "--key-file", key.toString())));
        assertTrue(err.contains("landing zone not found"), err);
        err = stderrOf(() -> assertEquals(2, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(),
                "--key-file", work.resolve("no-key.txt").toString())));
        assertTrue(err.contains("key file not found"), err);
        assertEquals(2, cli("run", "--lake", lakeDir.toString(), "--as-of", "31-10-2026"));

        long bronzeVersion = lake(lakeDir).version("bronze.woz_value");
        // a new delivery with a malformed manifest
        Path bad = landing.resolve("woz_value").resolve("2026-11-02");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("_manifest.json"), "{ this is not json");
        Files.writeString(bad.resolve("part-00000.csv"), "object_id,reference_date,value_eur\n");
        // a new delivery whose file does not match its checksum
        Path tampered = landing.resolve("woz_value").resolve("2026-11-03");
        Files.createDirectories(tampered);
        Files.writeString(tampered.resolve("part-00000.csv"), "object_id,reference_date,value_eur\n0402010000000001,2026-01-01,1\n");
        Files.writeString(tampered.resolve("_manifest.json"), "{\"source\":\"woz_value\",\"delivery_id\":\"2026-11-03\","
                + "\"extracted_at\":\"2026-11-03T02:00:00Z\",\"format\":\"csv\",\"kind\":\"full\",\"identifiers\":\"raw\","
                + "\"files\":[{\"name\":\"part-00000.csv\",\"rows\":1,\"sha256\":\"" + "0".repeat(64) + "\"}]}");
        // a care delivery that claims to be pseudonymised but carries one raw BSN: that row is
        // quarantined, and pseudonymised there, never stored as delivered
        Path care = landing.resolve("care_provision").resolve("2026-11-04");
        Files.createDirectories(care);
        StringBuilder csv = new StringBuilder("person_id,provision,valid_from,valid_to,partner\n");
        for (int i = 0; i < 30; i++) {
            csv.append(String.format("%064x", 1000 + i)).append(",bijstand,2025-01-01,,ISD\n");
        }
        csv.append("123456782,bijstand,2025-01-01,,ISD\n");
        Files.writeString(care.resolve("part-00000.csv"), csv.toString());
        Files.writeString(care.resolve("_manifest.json"), "{\"source\":\"care_provision\",\"delivery_id\":\"2026-11-04\","
                + "\"extracted_at\":\"2026-11-04T02:00:00Z\",\"format\":\"csv\",\"kind\":\"full\",\"identifiers\":\"pseudonymised\","
                + "\"key_id\":\"synthetic-11\",\"files\":[{\"name\":\"part-00000.csv\",\"rows\":31,\"sha256\":\""
                + sha256(care.resolve("part-00000.csv")) + "\"}]}");
        err = stderrOf(() -> assertEquals(3, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(),
                "--key-file", key.toString())));
        Row quarantined = sql("SELECT count(*), max(row_json), max(reason) FROM quarantine.row "
                + "WHERE source = 'care_provision' AND delivery_id = '2026-11-04'").first();
        assertEquals(1L, quarantined.getLong(0));
        assertFalse(quarantined.getString(1).contains("123456782"), "raw BSN in quarantine: " + quarantined.getString(1));
        assertTrue(quarantined.getString(2).startsWith("person_id"), quarantined.getString(2));
        assertTrue(err.contains("manifest malformed"), err);
        assertTrue(err.contains("checksum mismatch"), err);
        assertEquals(bronzeVersion, lake(lakeDir).version("bronze.woz_value"), "nothing of a rejected delivery lands");
        assertEquals(2L, sql("SELECT count(*) FROM audit.delivery WHERE status = 'rejected'").first().getLong(0));
    }

    @Test
    @Order(6)
    void careDataReachesNoRuleOnlyNeighbourhoodAggregates() {
        nl.buurtsignaal.config.Catalogue catalogue = nl.buurtsignaal.config.Catalogue.load(config());
        for (nl.buurtsignaal.config.CatalogueEntry rule : catalogue.rules()) {
            for (String file : sql(rule.boundSql(java.time.LocalDate.of(2026, 10, 31))).inputFiles()) {
                assertFalse(file.contains("/silver/provision/") || file.contains("/bronze/care_provision/"),
                        rule.id() + " reads care data: " + file);
            }
        }
        long careIndicatorsReadingCare = catalogue.indicators().stream()
                .filter(i -> i.theme().equals("care_stacking"))
                .filter(i -> java.util.Arrays.stream(sql(i.boundSql(java.time.LocalDate.of(2026, 10, 31))).inputFiles())
                        .anyMatch(f -> f.contains("/silver/provision/")))
                .count();
        assertEquals(4, careIndicatorsReadingCare, "the check above can see care data in a plan");
    }

    @Test
    @Order(7)
    void publishWritesOnlySuppressedRoundedNeighbourhoodAggregates() throws IOException {
        Path out = work.resolve("open-data");
        assertEquals(0, cli("publish", "--lake", lakeDir.toString(), "--as-of", "2026-10-31", "--out", out.toString()));
        List<String> lines = Files.readAllLines(out.resolve("buurt_indicators_2026-10-31.csv"));
        assertEquals("as_of,gemeente_code,gemeente_name,wijk_code,wijk_name,buurt_code,buurt_name,theme,indicator_id,"
                + "numerator,denominator,value,suppressed", lines.get(0));
        assertTrue(lines.size() > 100);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (!f[9].isEmpty()) {
                assertEquals(0, Long.parseLong(f[9]) % 5, line);
            }
            if (f[12].equals("false")) {
                assertTrue(Long.parseLong(f[10]) >= 50, "published with a small denominator: " + line);
            } else {
                assertTrue(f[11].isEmpty(), "a suppressed value is empty: " + line);
            }
        }
        assertTrue(Files.isDirectory(out.resolve("buurt_indicators_2026-10-31.parquet")));
    }

    @Test
    @Order(8)
    void severalReferenceDatesLiveSideBySideWithATrend() {
        assertEquals(0, cli("run", "--lake", lakeDir.toString(), "--as-of", "2026-04-30"));
        lake(lakeDir).registerAll();
        assertEquals(2L, sql("SELECT count(DISTINCT as_of) FROM gold.buurt_indicator").first().getLong(0));
        Row trend = sql("SELECT count(*), count(previous_value) FROM gold.buurt_indicator_trend WHERE as_of = DATE'2026-10-31'").first();
        assertTrue(trend.getLong(1) > 0, "the later date has previous values");
        assertEquals(0L, sql("SELECT count(*) FROM gold.buurt_indicator_trend WHERE as_of = DATE'2026-04-30' "
                + "AND previous_value IS NOT NULL").first().getLong(0));
        assertEquals(sql("SELECT count(*) FROM gold.signal WHERE as_of = DATE'2026-10-31'").first().getLong(0),
                sql("SELECT count(DISTINCT signal_id) FROM gold.signal WHERE as_of = DATE'2026-10-31'").first().getLong(0));
    }

    private static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
