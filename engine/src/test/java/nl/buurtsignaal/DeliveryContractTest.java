package nl.buurtsignaal;

import nl.buurtsignaal.lake.Lake;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static nl.buurtsignaal.Deliveries.bsn;
import static nl.buurtsignaal.Deliveries.delivery;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Contract sections 1–3 on hand-made deliveries: every reason to reject a whole delivery, with
 * nothing of it landing and a row in audit.delivery; unknown columns dropped and named; delta
 * deliveries by MERGE; full deliveries replacing the state; re-ingest changing nothing. Each test
 * has a landing zone and a lake of its own.
 */
class DeliveryContractTest extends SparkTestBase {
    static final String WOZ = "object_id,reference_date,value_eur";
    static final String BRP = "person_id,valid_from,valid_to,address_id,birth_year,status";

    @TempDir
    Path work;
    Path landing;
    Path lakeDir;
    Path key;

    @BeforeEach
    void setUp() throws IOException {
        landing = work.resolve("landing");
        lakeDir = work.resolve("lake");
        key = work.resolve("key.txt");
        Deliveries.privateKeyFile(key, "k2026");
    }

    private int ingest() {
        return cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(), "--key-file", key.toString());
    }

    private static String object(int i) {
        return String.format("04020100%08d", i);
    }

    private static String brpRow(int i) {
        return bsn(i) + ",2020-01-01,," + object(i) + ",1980,resident";
    }

    @Test
    void everyReasonToRejectADeliveryIsNamedAndNothingOfItLands() throws IOException {
        delivery(landing, "woz_value", "2026-01-01").file("a.csv", WOZ, object(1) + ",2026-01-01,250000").write();
        assertEquals(0, ingest());
        long wozVersion = lake(lakeDir).version("bronze.woz_value");

        delivery(landing, "woz_value", "2026-02-01-missing").file("a.csv", WOZ, object(1) + ",2026-01-01,1")
                .file("b.csv", WOZ, object(2) + ",2026-01-01,1").write().resolve("b.csv").toFile().delete();
        Path extra = delivery(landing, "woz_value", "2026-02-02-extra").file("a.csv", WOZ, object(1) + ",2026-01-01,1").write();
        Files.writeString(extra.resolve("stray.csv"), WOZ + "\n");
        Path counted = delivery(landing, "woz_value", "2026-02-03-count").file("a.csv", WOZ, object(1) + ",2026-01-01,1").write();
        Files.writeString(counted.resolve("_manifest.json"), Files.readString(counted.resolve("_manifest.json")).replace("\"rows\":1", "\"rows\":2"));
        delivery(landing, "woz_value", "2026-02-04-required").file("a.csv", "object_id,value_eur", object(1) + ",1").write();
        delivery(landing, "woz_value", "2026-02-05-forbidden").file("a.csv", WOZ + ",nationality", object(1) + ",2026-01-01,1,NL").write();
        delivery(landing, "woz_value", "2026-02-06-key").pseudonymised("k1999").file("a.csv", WOZ, object(1) + ",2026-01-01,1").write();
        String[] mostlyBad = new String[20];
        for (int i = 0; i < 20; i++) {
            mostlyBad[i] = (i < 3 ? "not-an-id" : object(i)) + ",2026-01-01," + i;
        }
        delivery(landing, "woz_value", "2026-02-07-bad-rows").file("a.csv", WOZ, mostlyBad).write();
        Path noManifest = landing.resolve("woz_value").resolve("2026-02-08-no-manifest");
        Files.createDirectories(noManifest);
        Files.writeString(noManifest.resolve("a.csv"), WOZ + "\n");
        // links: a data file that is a link to a file elsewhere with the very bytes the manifest lists
        // (it would pass every other check), and a delivery folder that is a link to one outside
        Path linked = delivery(landing, "woz_value", "2026-02-09-link").file("a.csv", WOZ, object(1) + ",2026-01-01,1").write();
        Path elsewhere = work.resolve("elsewhere.csv");
        Files.move(linked.resolve("a.csv"), elsewhere);
        Files.createSymbolicLink(linked.resolve("a.csv"), elsewhere);
        Path outside = delivery(work.resolve("outside"), "woz_value", "2026-02-10-linked-folder")
                .file("a.csv", WOZ, object(1) + ",2026-01-01,1").write();
        Files.createSymbolicLink(landing.resolve("woz_value").resolve("2026-02-10-linked-folder"), outside);
        Path nested = delivery(landing, "woz_value", "2026-02-11-folder").file("a.csv", WOZ, object(1) + ",2026-01-01,1").write();
        Files.createDirectories(nested.resolve("sub"));

        assertEquals(3, ingest(), "exit 3: deliveries rejected");
        Map<String, String> reasons = new TreeMap<>();
        for (Row r : sql("SELECT delivery_id, reason FROM audit.delivery WHERE status = 'rejected'").collectAsList()) {
            reasons.put(r.getString(0), r.getString(1));
        }
        assertEquals(11, reasons.size(), reasons.toString());
        assertTrue(reasons.get("2026-02-09-link").contains("a.csv is a symbolic link"), reasons.toString());
        assertTrue(reasons.get("2026-02-10-linked-folder").contains("is a symbolic link"), reasons.toString());
        assertTrue(reasons.get("2026-02-11-folder").contains("sub is not a regular file"), reasons.toString());
        assertTrue(reasons.get("2026-02-01-missing").contains("missing [b.csv]"), reasons.toString());
        assertTrue(reasons.get("2026-02-02-extra").contains("not listed [stray.csv]"), reasons.toString());
        assertTrue(reasons.get("2026-02-03-count").contains("row count of a.csv is 1, the manifest says 2"), reasons.toString());
        assertTrue(reasons.get("2026-02-04-required").contains("required column reference_date is missing"), reasons.toString());
        assertTrue(reasons.get("2026-02-05-forbidden").contains("forbidden column nationality"), reasons.toString());
        assertTrue(reasons.get("2026-02-06-key").contains("key_id k1999 is not in the key file"), reasons.toString());
        assertTrue(reasons.get("2026-02-07-bad-rows").contains("3 of 20 rows are bad"), reasons.toString());
        assertTrue(reasons.get("2026-02-08-no-manifest").contains("manifest missing"), reasons.toString());
        assertEquals(wozVersion, lake(lakeDir).version("bronze.woz_value"), "nothing of a rejected delivery lands");
        assertFalse(lake(lakeDir).exists("quarantine.row"), "a rejected delivery quarantines nothing either");
        assertEquals(0, ingest(), "a rejected delivery is seen: not tried again");
    }

    @Test
    void unknownColumnsAreDroppedAndNamedAndBadRowsQuarantinedPseudonymised() throws IOException {
        String[] rows = new String[40];
        for (int i = 0; i < 40; i++) {
            rows[i] = brpRow(i) + EXTRA_VALUES;
        }
        rows[7] = "123456789,2020-01-01,," + object(7) + ",1980,resident" + EXTRA_VALUES; // fails the eleven-test
        delivery(landing, "brp_residence", "2026-03-01").file("a.csv", BRP + "," + String.join(",", EXTRA), rows).write();
        assertEquals(0, ingest());
        Row audit = sql("SELECT status, rows_read, rows_quarantined, dropped_columns FROM audit.delivery "
                + "WHERE source = 'brp_residence'").first();
        assertEquals("accepted", audit.getString(0));
        assertEquals(40L, audit.getLong(1));
        assertEquals(1L, audit.getLong(2));
        assertEquals(EXTRA, audit.getList(3), "every unknown column named, also those named like the engine's own");
        List<String> landed = List.of(lake(lakeDir).read("bronze.brp_residence").columns());
        assertTrue(EXTRA.stream().noneMatch(landed::contains), landed.toString());
        assertEquals(39L, lake(lakeDir).read("bronze.brp_residence").count(), "rows in = landed + quarantined");
        Row q = sql("SELECT row_number, reason, row_json, file FROM quarantine.row WHERE source = 'brp_residence'").first();
        assertEquals(8L, q.getLong(0));
        assertTrue(q.getString(1).startsWith("person_id"), q.getString(1));
        assertFalse(q.getString(2).contains("123456789"), "quarantine holds the pseudonym: " + q.getString(2));
        assertFalse(q.getString(2).contains(EXTRA_BSN) || q.getString(2).contains("blue"), "nor an unknown column: " + q.getString(2));
        assertEquals("a.csv", q.getString(3), "the row's file is its own, not a delivered _file column");
    }

    /**
     * Unknown columns, some named like the engine's own columns for a row's place and checks
     * (file, line, reason, the pseudonym being made): dropped and named like any other, and never
     * mistaken for the engine's.
     */
    private static final List<String> EXTRA = List.of("favourite_colour", "_file", "_row", "_position", "_metadata",
            "t_person_id", "_reason");
    private static final String EXTRA_BSN = "111222333";
    private static final String EXTRA_VALUES = ",blue,other.csv,99,5,meta," + EXTRA_BSN + ",none";

    @Test
    void deltaDeliveriesMergeAndFullDeliveriesReplace() throws IOException {
        Lake lake = lake(lakeDir);
        delivery(landing, "woz_value", "2026-01-01").file("a.csv", WOZ, object(1) + ",2026-01-01,250000").write();
        assertEquals(0, ingest());
        // woz_value holds object 1. A delta delivery: update 1, add 2 and 3.
        delivery(landing, "woz_value", "2026-04-01").kind("delta").file("a.csv", WOZ + ",op",
                object(1) + ",2026-01-01,260000,U", object(2) + ",2026-01-01,300000,U", object(3) + ",2026-01-01,1,U").write();
        assertEquals(0, ingest());
        // Then delete 3 and update 2: a key absent from a delta delivery is left alone (1).
        delivery(landing, "woz_value", "2026-04-02").kind("delta").file("a.csv", WOZ + ",op",
                object(3) + ",2026-01-01,1,D", object(2) + ",2026-01-01,310000,U").write();
        assertEquals(0, ingest());
        assertEquals(List.of(object(1) + ",260000,2026-04-01", object(2) + ",310000,2026-04-02"),
                rows(lake.read("bronze.woz_value").selectExpr("object_id", "value_eur", "delivery_id")));
        long beforeFull = lake.version("bronze.woz_value");

        // A full delivery is the new state: object 1 vanishes from the current table ...
        delivery(landing, "woz_value", "2026-05-01").file("a.csv", WOZ, object(2) + ",2026-01-01,320000").write();
        assertEquals(0, ingest());
        assertEquals(List.of(object(2) + ",320000"),
                rows(lake.read("bronze.woz_value").selectExpr("object_id", "value_eur")));
        // ... and stays reachable in Delta history until VACUUM.
        assertEquals(2L, lake.spark().read().format("delta").option("versionAsOf", beforeFull)
                .load(lake.location("bronze.woz_value").toString()).count());
    }

    @Test
    void ingestingTheSameLandingZoneAgainChangesNoTable() throws IOException {
        delivery(landing, "woz_value", "2026-01-01").file("a.csv", WOZ, object(1) + ",2026-01-01,250000").write();
        delivery(landing, "brp_residence", "2026-03-01").file("a.csv", BRP, brpRow(1), brpRow(2)).write();
        assertEquals(0, ingest());
        Map<String, Long> before = lake(lakeDir).versions();
        assertEquals(0, ingest());
        Map<String, Long> after = lake(lakeDir).versions();
        after.remove("audit.run");
        before.remove("audit.run");
        assertEquals(before, after, "no new table versions");
        Row last = sql("SELECT command, status, details, tables_written FROM audit.run ORDER BY started_at DESC LIMIT 1").first();
        assertEquals("ingest", last.getString(0));
        assertEquals("succeeded", last.getString(1));
        assertTrue(last.getMap(3).isEmpty(), "the audit row says nothing was written");
    }

    @Test
    void aRowIsNamedByItsFileAndItsLineInItWhateverTheFilesSizes() throws IOException {
        // three files of one delivery (Spark would read such small files in one partition): a bad row in
        // the second, and in the third a key the first already delivered (the first row counts)
        String[] a = new String[30];
        String[] b = new String[25];
        String[] c = new String[20];
        for (int i = 0; i < 30; i++) {
            a[i] = brpRow(i);
        }
        for (int i = 0; i < 25; i++) {
            b[i] = brpRow(100 + i);
        }
        for (int i = 0; i < 20; i++) {
            c[i] = brpRow(200 + i);
        }
        b[11] = "123456789,2020-01-01,," + object(111) + ",1980,resident"; // fails the eleven-test
        c[4] = brpRow(2);
        delivery(landing, "brp_residence", "2026-05-01").file("a.csv", BRP, a).file("b.csv", BRP, b).file("c.csv", BRP, c).write();
        assertEquals(0, ingest());
        List<String> quarantined = sql("SELECT file, row_number, reason FROM quarantine.row "
                + "WHERE source = 'brp_residence' AND delivery_id = '2026-05-01' ORDER BY file").collectAsList().stream()
                .map(r -> r.getString(0) + ":" + r.getLong(1) + ":" + r.getString(2).split(":")[0]).toList();
        assertEquals(List.of("b.csv:12:person_id", "c.csv:5:duplicate key within the delivery"), quarantined);
        assertEquals(73L, lake(lakeDir).read("bronze.brp_residence").count(), "75 rows delivered, 2 quarantined");
    }

    @Test
    void aFileReadInSeveralPartsStillNamesEachRowByItsLine() throws IOException {
        // Spark reads a file of more than maxPartitionBytes in parts, packed into partitions largest
        // first, so a row's place in a partition is not its line: a bad row and a repeated key in
        // later parts must still be numbered by their line in the file.
        String[] a = new String[400];
        for (int i = 0; i < 400; i++) {
            a[i] = brpRow(300 + i);
        }
        a[250] = "123456789,2020-01-01,," + object(550) + ",1980,resident"; // fails the eleven-test
        a[389] = brpRow(305); // repeats row 6's key
        String[] b = new String[30];
        for (int i = 0; i < 30; i++) {
            b[i] = brpRow(800 + i);
        }
        b[0] = brpRow(699); // repeats a.csv's row 400: the first file counts first
        delivery(landing, "brp_residence", "2026-06-01").file("a.csv", BRP, a).file("b.csv", BRP, b).write();
        spark().conf().set("spark.sql.files.maxPartitionBytes", "4096");
        spark().conf().set("spark.sql.files.openCostInBytes", "0");
        try {
            assertEquals(0, ingest());
        } finally {
            spark().conf().unset("spark.sql.files.maxPartitionBytes");
            spark().conf().unset("spark.sql.files.openCostInBytes");
        }
        List<String> quarantined = sql("SELECT file, row_number, reason FROM quarantine.row "
                + "WHERE source = 'brp_residence' AND delivery_id = '2026-06-01' ORDER BY file, row_number").collectAsList().stream()
                .map(r -> r.getString(0) + ":" + r.getLong(1) + ":" + r.getString(2).split(":")[0]).toList();
        assertEquals(List.of("a.csv:251:person_id", "a.csv:390:duplicate key within the delivery",
                "b.csv:1:duplicate key within the delivery"), quarantined);
        Row audit = sql("SELECT rows_read, rows_quarantined FROM audit.delivery WHERE delivery_id = '2026-06-01'").first();
        assertEquals(List.of(430L, 3L), List.of(audit.getLong(0), audit.getLong(1)));
    }
}
