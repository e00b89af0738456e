package nl.buurtsignaal;

import java.nio.file.attribute.PosixFilePermissions;
import org.apache.spark.sql.Dataset;
import nl.buurtsignaal.ingest.KeyFile;
import nl.buurtsignaal.lake.Lake;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The real command line on a generated city: generate, ingest, run; every planted case found;
 * no raw BSN anywhere in the lake; bad input gives the contract's exit statuses; then audit.run
 * and tracing, erasure (also from history), retention and the key file's permissions.
 */
class EndToEndIT extends SparkTestBase {
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

    /**
     * A lake of the test's own, copied from the one the city's run left: a test that changes its lake
     * (another date, an erasure, retention, rejected deliveries) works on its copy, so no test
     * depends on which others ran before it.
     */
    private static Path ownCopy(String name) throws IOException {
        Path copy = work.resolve(name);
        copyTree(lakeDir, copy);
        return copy;
    }

    /**
     * A query on the given lake's tables: they are registered first, since the session's catalog
     * names the tables of whichever lake a command wrote last.
     */
    private static Dataset<Row> sqlOn(Path lakeDir, String query) {
        lake(lakeDir).registerNamed(nl.buurtsignaal.lake.Query.named(spark(), query));
        return spark().sql(query);
    }

    @Test
    void everyPlantedCaseIsFound() throws IOException {
        List<String> planted = Files.readAllLines(landing.resolve("_planted.csv")).stream().skip(1).toList();
        assertEquals(18 + 2 * 3, planted.size(), "two cases for each of the nine rules, and two linked clusters of three");
        List<String> signals = rows(sqlOn(lakeDir, "SELECT rule_id, subject_type, subject_id FROM gold.signal WHERE as_of = DATE'2026-10-31'"));
        for (String p : planted) {
            assertTrue(signals.contains(p), "planted case not found: " + p);
        }
        Set<String> rules = new HashSet<>();
        planted.forEach(p -> rules.add(p.split(",")[0]));
        assertEquals(9, rules.size());

        // each cluster: a straw man, officer of a company registered at a crowded dwelling (two links in gold.subject_link)
        assertEquals(2, sqlOn(lakeDir, "SELECT DISTINCT o.from_id FROM gold.subject_link o JOIN gold.subject_link r ON r.from_type = 'company' "
                + "AND r.from_id = o.to_id AND r.link = 'registered_at' "
                + "JOIN gold.signal s ON s.subject_id = o.from_id AND s.rule_id = 'U-PERSON-STRAWMAN' "
                + "JOIN gold.signal c ON c.subject_id = r.to_id AND c.rule_id = 'U-ADDR-OVERCROWDED' WHERE o.link = 'officer_of'").count());

        List<String> decoys = Files.readAllLines(landing.resolve("_decoys.csv")).stream().skip(1).toList();
        assertEquals(2, decoys.size(), "a company registered after the transfer, twice");
        for (String d : decoys) {
            assertFalse(signals.contains(d), "a decoy fired: " + d);
        }
    }

    @Test
    void csvDeliveriesInTheDutchDialectLandTyped() {
        Row r = sqlOn(lakeDir, "SELECT count(*), count(registered_on) FROM bronze.hr_establishment").first();
        assertTrue(r.getLong(0) > 100);
        assertEquals(r.getLong(0), r.getLong(1), "every dd-MM-yyyy date parsed");
        assertEquals(0L, sqlOn(lakeDir, "SELECT count(*) FROM audit.delivery WHERE status <> 'accepted'").first().getLong(0));
        assertEquals(8L, sqlOn(lakeDir, "SELECT count(*) FROM audit.delivery").first().getLong(0));
    }

    @Test
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
        // 2. every value of every parquet file (parquet pages are compressed, so decode them too):
        //    each table's data files, current and in its history, and the Delta logs' checkpoints
        assertEquals(List.of(), parquetFilesWhere(lakeDir, bsns::contains), "files holding raw BSNs");
    }

    /**
     * The parquet files under a folder (each table's data files, current and in its history, and
     * the Delta logs' checkpoints) holding a value that passes the test, each decoded record by record.
     */
    private static List<String> parquetFilesWhere(Path dir, java.util.function.Predicate<String> test) throws IOException {
        Set<String> hits = new TreeSet<>();
        int parquetFiles = 0;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
                parquetFiles++;
                try (var reader = org.apache.parquet.hadoop.ParquetReader.builder(
                        new org.apache.parquet.hadoop.example.GroupReadSupport(), new org.apache.hadoop.fs.Path(f.toUri())).build()) {
                    for (org.apache.parquet.example.data.Group row = reader.read(); row != null; row = reader.read()) {
                        valuesIn(row, value -> {
                            if (test.test(value)) {
                                hits.add(dir.relativize(f).toString());
                            }
                        });
                    }
                }
            }
        }
        assertTrue(parquetFiles > 30, "parquet files read: " + parquetFiles);
        return List.copyOf(hits);
    }

    /** Every primitive value of a parquet record, nested groups (maps, lists, structs) included, as text. */
    private static void valuesIn(org.apache.parquet.example.data.Group group, java.util.function.Consumer<String> value) {
        for (int field = 0; field < group.getType().getFieldCount(); field++) {
            boolean primitive = group.getType().getType(field).isPrimitive();
            for (int i = 0; i < group.getFieldRepetitionCount(field); i++) {
                if (primitive) {
                    value.accept(group.getValueToString(field, i));
                } else {
                    valuesIn(group.getGroup(field, i), value);
                }
            }
        }
    }

    @Test
    void ingestingTheSameLandingZoneAgainChangesNothing() {
        long before = lake(lakeDir).version("bronze.brp_residence");
        assertEquals(0, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(), "--key-file", key.toString()));
        assertEquals(before, lake(lakeDir).version("bronze.brp_residence"));
        assertEquals(8L, sqlOn(lakeDir, "SELECT count(*) FROM audit.delivery").first().getLong(0));
    }

    @Test
    void badInputGivesTheContractsExitStatusAndOneLine() throws IOException {
        // its own lake and landing zone: the bad deliveries it adds stay out of the others' way
        Path own = ownCopy("bad-input-lake");
        Path ownLanding = work.resolve("bad-input-landing");
        copyTree(landing, ownLanding);
        String err = stderrOf(() -> assertEquals(2, cli("ingest", "--landing", work.resolve("nowhere").toString(),
                "--lake", own.toString(), "--key-file", key.toString())));
        assertTrue(err.contains("landing zone not found"), err);
        err = stderrOf(() -> assertEquals(2, cli("ingest", "--landing", ownLanding.toString(), "--lake", own.toString(),
                "--key-file", work.resolve("no-key.txt").toString())));
        assertTrue(err.contains("key file not found"), err);
        assertEquals(2, cli("run", "--lake", own.toString(), "--as-of", "31-10-2026"));

        long bronzeVersion = lake(own).version("bronze.woz_value");
        // a new delivery with a malformed manifest
        Path bad = ownLanding.resolve("woz_value").resolve("2026-11-02");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("_manifest.json"), "{ this is not json");
        Files.writeString(bad.resolve("part-00000.csv"), "object_id,reference_date,value_eur\n");
        // a new delivery whose file does not match its checksum
        Path tampered = ownLanding.resolve("woz_value").resolve("2026-11-03");
        Files.createDirectories(tampered);
        Files.writeString(tampered.resolve("part-00000.csv"), "object_id,reference_date,value_eur\n0402010000000001,2026-01-01,1\n");
        Files.writeString(tampered.resolve("_manifest.json"), "{\"source\":\"woz_value\",\"delivery_id\":\"2026-11-03\","
                + "\"extracted_at\":\"2026-11-03T02:00:00Z\",\"format\":\"csv\",\"kind\":\"full\",\"identifiers\":\"raw\","
                + "\"files\":[{\"name\":\"part-00000.csv\",\"rows\":1,\"sha256\":\"" + "0".repeat(64) + "\"}]}");
        // a care delivery that claims to be pseudonymised but carries one raw BSN: that row is
        // quarantined, and pseudonymised there, never stored as delivered
        Path care = ownLanding.resolve("care_provision").resolve("2026-11-04");
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
                + nl.buurtsignaal.base.Hashing.sha256(care.resolve("part-00000.csv")) + "\"}]}");
        err = stderrOf(() -> assertEquals(3, cli("ingest", "--landing", ownLanding.toString(), "--lake", own.toString(),
                "--key-file", key.toString())));
        Row quarantined = sqlOn(own, "SELECT count(*), max(row_json), max(reason) FROM quarantine.row "
                + "WHERE source = 'care_provision' AND delivery_id = '2026-11-04'").first();
        assertEquals(1L, quarantined.getLong(0));
        assertFalse(quarantined.getString(1).contains("123456782"), "raw BSN in quarantine: " + quarantined.getString(1));
        assertTrue(quarantined.getString(2).startsWith("person_id"), quarantined.getString(2));
        assertTrue(err.contains("manifest malformed"), err);
        assertTrue(err.contains("checksum mismatch"), err);
        assertEquals(bronzeVersion, lake(own).version("bronze.woz_value"), "nothing of a rejected delivery lands");
        assertEquals(2L, sqlOn(own, "SELECT count(*) FROM audit.delivery WHERE status = 'rejected'").first().getLong(0));
    }

    @Test
    void careDataReachesNoRuleOnlyNeighbourhoodAggregates() {
        nl.buurtsignaal.config.Catalogue catalogue = nl.buurtsignaal.config.Catalogue.load(config());
        for (nl.buurtsignaal.config.CatalogueEntry rule : catalogue.rules()) {
            for (String file : sqlOn(lakeDir, rule.boundSql(java.time.LocalDate.of(2026, 10, 31))).inputFiles()) {
                assertFalse(file.contains("/silver/provision/") || file.contains("/bronze/care_provision/"),
                        rule.id() + " reads care data: " + file);
            }
        }
        long careIndicatorsReadingCare = catalogue.indicators().stream()
                .filter(i -> i.theme().equals("care_stacking"))
                .filter(i -> java.util.Arrays.stream(sqlOn(lakeDir, i.boundSql(java.time.LocalDate.of(2026, 10, 31))).inputFiles())
                        .anyMatch(f -> f.contains("/silver/provision/")))
                .count();
        assertEquals(4, careIndicatorsReadingCare, "the check above can see care data in a plan");
        for (nl.buurtsignaal.config.CatalogueEntry indicator : catalogue.indicators()) {
            if (!indicator.theme().equals("care_stacking")) {
                for (String file : sqlOn(lakeDir, indicator.boundSql(java.time.LocalDate.of(2026, 10, 31))).inputFiles()) {
                    assertFalse(file.contains("/silver/provision/"), indicator.id() + " reads care data: " + file);
                }
            }
        }
        // Of the silver tables (per address, person, company, object), only silver.provision reads care data.
        java.util.Map<String, org.apache.spark.sql.Dataset<Row>> silver = nl.buurtsignaal.conform.Conform.plan(
                lake(lakeDir), config(), java.time.LocalDate.of(2026, 10, 31)).silver();
        for (var table : silver.entrySet()) {
            boolean readsCare = java.util.Arrays.stream(table.getValue().inputFiles()).anyMatch(f -> f.contains("/bronze/care_provision/"));
            assertEquals(table.getKey().equals("silver.provision"), readsCare, table.getKey());
        }
    }

    @Test
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
    void severalReferenceDatesLiveSideBySideWithATrend() throws IOException {
        Path own = ownCopy("dates-lake");
        assertEquals(0, cli("run", "--lake", own.toString(), "--as-of", "2026-04-30"));
        lake(own).registerAll();
        assertEquals(2L, sqlOn(own, "SELECT count(DISTINCT as_of) FROM gold.buurt_indicator").first().getLong(0));
        Row trend = sqlOn(own, "SELECT count(*), count(previous_value) FROM gold.buurt_indicator_trend WHERE as_of = DATE'2026-10-31'").first();
        assertTrue(trend.getLong(1) > 0, "the later date has previous values");
        assertEquals(0L, sqlOn(own, "SELECT count(*) FROM gold.buurt_indicator_trend WHERE as_of = DATE'2026-04-30' "
                + "AND previous_value IS NOT NULL").first().getLong(0));
        assertEquals(sqlOn(own, "SELECT count(*) FROM gold.signal WHERE as_of = DATE'2026-10-31'").first().getLong(0),
                sqlOn(own, "SELECT count(DISTINCT signal_id) FROM gold.signal WHERE as_of = DATE'2026-10-31'").first().getLong(0));
    }

    @Test
    void auditRunTracesEveryGoldTableToItsDeliveries() {
        Lake lake = lake(lakeDir);
        // the run that wrote gold.signal's current version (a later incremental run may have kept it)
        Row run = sqlOn(lakeDir, "SELECT run_id, arguments, config_sha256, tables_read, tables_written, status, os_user, "
                + "finished_at >= started_at FROM audit.run WHERE command = 'run' AND tables_written['gold.signal'] = "
                + lake.version("gold.signal")).first();
        assertEquals("succeeded", run.getString(5));
        assertTrue(run.getList(1).contains("--as-of"));
        assertEquals(64, run.getString(2).length());
        assertEquals(System.getProperty("user.name"), run.getString(6));
        assertTrue(run.getBoolean(7));
        scala.collection.Map<String, Long> written = run.getMap(4);
        scala.collection.Map<String, Long> read = run.getMap(3);
        // gold.signal's current version was written by this run ...
        assertEquals(lake.version("gold.signal"), written.apply("gold.signal"));
        // ... from these bronze versions, whose rows name their deliveries, all accepted ones.
        long brpVersion = read.apply("bronze.brp_residence");
        List<Row> deliveries = lake.spark().read().format("delta").option("versionAsOf", brpVersion)
                .load(lake.location("bronze.brp_residence").toString()).select("delivery_id").distinct().collectAsList();
        assertFalse(deliveries.isEmpty());
        for (Row d : deliveries) {
            assertEquals(1L, sqlOn(lakeDir, "SELECT count(*) FROM audit.delivery WHERE source = 'brp_residence' AND status = 'accepted' "
                    + "AND delivery_id = '" + d.getString(0) + "'").first().getLong(0));
        }
        Row ingest = sqlOn(lakeDir, "SELECT run_id, details FROM audit.run WHERE command = 'ingest' ORDER BY started_at LIMIT 1").first();
        assertEquals(ingest.getString(0), sqlOn(lakeDir, "SELECT first(run_id) FROM bronze.brp_residence").first().getString(0),
                "bronze lineage names the ingest's run");
        assertTrue(ingest.getString(1).contains("8 accepted"), ingest.getString(1));
    }

    @Test
    void eraseByBsnRemovesThePersonFromEveryTableAndFromHistory() throws IOException {
        Path own = ownCopy("erase-lake");
        Lake lake = lake(own);
        // A resident who is also named in a signal's evidence, if there is one; else any resident.
        Dataset<Row> raw = spark().read().parquet(landing.resolve("brp_residence").toString() + "/*/*.parquet");
        KeyFile keys = KeyFile.read(key);
        String bsn = null;
        String pseudonym = null;
        // the evidence read once (a query per candidate took a minute)
        List<String> evidence = sqlOn(own, "SELECT evidence FROM gold.signal").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        for (Row r : raw.select("person_id").distinct().limit(400).collectAsList()) {
            String p = keys.pseudonymsOf(r.getString(0)).get(0);
            if (bsn == null || evidence.stream().anyMatch(e -> e.contains(p))) {
                bsn = r.getString(0);
                pseudonym = p;
            }
        }
        String sought = pseudonym;
        assertFalse(parquetFilesWhere(own, v -> v.contains(sought)).isEmpty(), "the person is in the lake to begin with");
        long versionBefore = lake.version("bronze.brp_residence");

        String erased = bsn;
        String[] printed = new String[1];
        String out = stdoutOf(() -> printed[0] = stderrOf(() -> assertEquals(0, cli("erase", "--lake", own.toString(),
                "--bsn", erased, "--key-file", key.toString(), "--set", "retention.history_hours=0"))));
        String err = printed[0];
        assertEquals("", out, "standard output carries results only: erase has none (Delta's VACUUM lines go to stderr)");
        assertTrue(err.contains("erased one person"), err);
        assertFalse(err.contains(bsn) || err.contains(pseudonym), "the output names no one");

        // no value of any parquet file (every table, current and in its history) mentions the person,
        // and no byte of any other file (the Delta logs' JSON) either
        assertEquals(List.of(), parquetFilesWhere(own, v -> v.contains(sought)), "the person is in no table, nor in its history");
        assertEquals(List.of(), filesContaining(own, List.of(pseudonym, bsn)), "nor in any file, logs included");
        String finalPseudonym = pseudonym;
        // Time travel to the version before the erasure finds nothing of the person: VACUUM removed
        // the files that held them, so the read fails on a missing file (or finds no row).
        long stillThere;
        try {
            stillThere = lake.spark().read().format("delta").option("versionAsOf", versionBefore)
                    .load(lake.location("bronze.brp_residence")).filter(col("person_id").equalTo(finalPseudonym)).count();
        } catch (Exception e) {
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                chain.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
            }
            assertTrue(chain.toString().matches("(?s).*(FileNotFoundException|FILE_NOT_EXIST|does not exist).*"),
                    "time travel failed for another reason than the erased files: " + chain);
            stillThere = 0;
        }
        assertEquals(0, stillThere, "the version before the erasure still holds the person");
        Row audit = sqlOn(own, "SELECT to_json(struct(*)), details FROM audit.run WHERE command = 'erase'").first();
        assertTrue(audit.getString(0).contains("--bsn=[redacted]"), audit.getString(0));
        assertFalse(audit.getString(0).contains(bsn), "the BSN is not in the audit");
        assertTrue(audit.getString(1).contains("bronze.brp_residence"), audit.getString(1));
    }

    @Test
    void retentionRemovesRowsThatEndedLongAgo() throws IOException {
        Path own = ownCopy("retention-lake");
        Lake lake = lake(own);
        long ended = lake.read("bronze.brp_residence").filter(col("valid_to").lt(lit(java.sql.Date.valueOf("2033-01-01")))).count();
        long open = lake.read("bronze.brp_residence").filter(col("valid_to").isNull()).count();
        assertTrue(ended > 0 && open > 0);
        assertEquals(0, cli("retention", "--lake", own.toString(), "--today", "2040-01-01"));
        assertEquals(0L, lake.read("bronze.brp_residence").filter(col("valid_to").lt(lit(java.sql.Date.valueOf("2033-01-01")))).count());
        assertEquals(open, lake.read("bronze.brp_residence").filter(col("valid_to").isNull()).count(), "open periods stay");
        assertEquals(0L, lake.read("silver.residence").count(), "silver snapshots older than the period go too");
        assertTrue(lake.read("silver.address").count() > 0, "tables without personal periods are untouched");
        String details = sqlOn(own, "SELECT details FROM audit.run WHERE command = 'retention'").first().getString(0);
        assertTrue(details.contains("bronze.brp_residence=" + ended), details);
    }

    @Test
    void aKeyFileOthersCanReadIsRefusedBeforeAnythingHappens() throws IOException {
        Path shared = work.resolve("shared-key.txt");
        Files.copy(key, shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r--r--"));
        String err = stderrOf(() -> assertEquals(2, cli("ingest", "--landing", landing.toString(),
                "--lake", lakeDir.toString(), "--key-file", shared.toString())));
        assertTrue(err.contains("chmod 600"), err);
    }

    @Test
    void badInputToTheProtectionCommandsIsAUsageErrorThatNamesNoOne() {
        String err = stderrOf(() -> assertEquals(2, cli("erase", "--lake", lakeDir.toString(), "--pseudonym", "not-hex-123456782")));
        assertTrue(err.contains("64 lower-case hex digits") && !err.contains("123456782"), err);
        err = stderrOf(() -> assertEquals(2, cli("erase", "--lake", lakeDir.toString(), "--bsn", "123456789", "--key-file", key.toString())));
        assertTrue(err.contains("not a valid BSN") && !err.contains("123456789"), err);
        err = stderrOf(() -> assertEquals(2, cli("erase", "--lake", lakeDir.toString(), "--bsn", "123456782")));
        assertTrue(err.contains("needs --key-file"), err);
        assertEquals(2, cli("erase", "--lake", lakeDir.toString()), "a person is required");
        err = stderrOf(() -> assertEquals(2, cli("retention", "--lake", lakeDir.toString(), "--set", "small_input.mode=sometimes")));
        assertTrue(err.contains("small_input.mode must be auto, on or off"), err);
    }
}
