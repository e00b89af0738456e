package nl.buurtsignaal.bench;

import nl.buurtsignaal.Deliveries;
import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.ingest.ContractColumn;
import nl.buurtsignaal.ingest.KeyFile;
import nl.buurtsignaal.ingest.Sources;
import nl.buurtsignaal.lake.Lake;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static nl.buurtsignaal.Deliveries.bsn;
import static nl.buurtsignaal.Deliveries.delivery;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench's DuckDB peer ingests as the engine does: on deliveries with every kind of bad row, a
 * dropped column, the Dutch dialect, a supplier's pseudonyms and a rejected later delivery, its
 * bronze tables hold exactly the engine's bronze rows.
 */
class DeliveredBronzeIT extends SparkTestBase {
    private static final String BRP = "person_id;valid_from;valid_to;address_id;birth_year;status;favourite_colour";
    private static final String TRANSFER = "transfer_id,object_id,transfer_date,buyer_type,buyer_id,price_eur,mortgage_registered";
    private static final String CARE = "person_id,provision,valid_from,valid_to,partner";
    private static final String WOZ = "object_id,reference_date,value_eur";

    private static String object(int i) {
        return String.format("04020100%08d", i);
    }

    @Test
    void duckDbLandsTheEnginesBronzeRowsFromTheDeliveredFiles(@TempDir Path work) throws IOException {
        Path landing = work.resolve("landing");
        Path key = work.resolve("key.txt");
        Deliveries.privateKeyFile(key, "k2026");

        List<String> brpA = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            brpA.add(bsn(i) + ";01-0" + (1 + i % 9) + "-2020;" + (i % 4 == 0 ? "15-06-2024" : "") + ";" + object(i) + ";1980;resident;blue");
        }
        brpA.set(3, "123456789;01-01-2020;;" + object(3) + ";1980;resident;blue");            // fails the eleven-test
        brpA.set(4, bsn(4) + ";31-02-2020;;" + object(4) + ";1980;resident;blue");             // impossible date
        brpA.set(5, bsn(5) + ";01-01-1849;;" + object(5) + ";1980;resident;blue");             // a year before 1850
        brpA.set(6, bsn(6) + ";01-01-2020;01-01-2019;" + object(6) + ";1980;resident;blue");   // ends before it starts
        brpA.set(7, bsn(7) + ";01-01-2020;;" + object(7) + ";1980;tourist;blue");               // unknown status
        brpA.set(8, bsn(8) + ";01-01-2020;;;1980;resident;blue");                                // address missing
        brpA.set(9, bsn(9) + ";01-01-2020;;12345;19x0;resident;blue");                           // two problems
        brpA.set(10, bsn(11) + ";01-02-2020;;" + object(10) + ";1980;resident;blue");           // a key ...
        List<String> brpB = new ArrayList<>();
        for (int i = 120; i < 200; i++) {
            brpB.add(bsn(i) + ";01-03-2021;;" + object(i) + ";1975;vow;green");
        }
        brpB.add(bsn(11) + ";01-02-2020;;" + object(99) + ";1981;resident;red");                 // ... again, in a later file
        delivery(landing, "brp_residence", "2026-11-01").csv(";", "dd-MM-yyyy")
                .file("a.csv", BRP, brpA.toArray(String[]::new)).file("b.csv", BRP, brpB.toArray(String[]::new)).write();

        List<String> transfers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            transfers.add(String.format("T%011d", i) + "," + object(i) + ",2025-0" + (1 + i % 9) + "-15,"
                    + (i % 2 == 0 ? "person," + bsn(i) : "company," + String.format("%08d", 10000000 + i)) + ","
                    + (300000 + i) + "," + (i % 3 == 0 ? "ja" : i % 3 == 1 ? "false" : "T"));
        }
        transfers.add("T99999999999," + object(1) + ",2025-01-15,company," + bsn(1) + ",1,true"); // a BSN as KvK number
        delivery(landing, "brk_transfer", "2026-11-01").file("a.csv", TRANSFER, transfers.toArray(String[]::new)).write();

        KeyFile keys = KeyFile.read(key);
        List<String> care = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            care.add(keys.currentPseudonymiser().person(bsn(i)) + "," + (i % 2 == 0 ? "bijstand" : "schuldhulp")
                    + ",2025-01-01,,ISD");
        }
        care.add(keys.currentPseudonymiser().person(bsn(40)) + ",astrology,2025-01-01,,ISD");   // unknown provision
        delivery(landing, "care_provision", "2026-11-01").pseudonymised("k2026")
                .file("a.csv", CARE, care.toArray(String[]::new)).write();

        delivery(landing, "woz_value", "2026-10-01").file("a.csv", WOZ, object(1) + ",2026-01-01,250000",
                object(2) + ",2026-01-01,260000").write();
        delivery(landing, "woz_value", "2026-11-01").file("a.csv", WOZ, "not-an-id,2026-01-01,1",
                object(2) + ",2026-01-01,2").write();                                               // rejected: half bad

        Path lakeDir = work.resolve("lake");
        assertEquals(3, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(), "--key-file", key.toString()),
                "exit 3: the later woz delivery is rejected");
        Lake lake = lake(lakeDir);
        long quarantined = lake.read("audit.delivery").filter(col("status").equalTo("accepted"))
                .agg(org.apache.spark.sql.functions.sum("rows_quarantined")).first().getLong(0);
        assertEquals(10, quarantined, "seven bad rows and a repeated key in brp, a transfer, a provision");

        try (DuckDbPeer duck = new DuckDbPeer(2, "1GB")) {
            DeliveredBronze.Landed landed = duck.landDeliveries(List.of(landing), keys,
                    config().settings().provisions().keySet(), config().settings().ingest().maxBadRowShare());
            assertEquals(quarantined, landed.badRows());
            for (String source : List.of("brp_residence", "brk_transfer", "care_provision", "woz_value")) {
                List<String> columns = Sources.byName(source).orElseThrow().columns().stream().map(ContractColumn::name).toList();
                Set<String> engine = new HashSet<>();
                Column[] text = columns.stream().map(c -> coalesce(col(c).cast("string"), lit("null"))).toArray(Column[]::new);
                for (Row r : lake.read("bronze." + source).select(concat_ws("|", text)).collectAsList()) {
                    engine.add(r.getString(0));
                }
                Set<String> duckdb = duck.rows("bronze." + source, columns);
                assertEquals(engine, duckdb, source);
                assertTrue(engine.size() >= 2, source);
            }
        }
    }

    @Test
    void aDeltaDeliveryIsRefusedWithItsNameNotMisread(@TempDir Path work) throws IOException {
        Path landing = work.resolve("landing");
        Path key = work.resolve("key.txt");
        Deliveries.privateKeyFile(key, "k2026");
        delivery(landing, "woz_value", "2026-10-01").file("a.csv", WOZ, object(1) + ",2026-01-01,250000").write();
        delivery(landing, "woz_value", "2026-11-01").kind("delta")
                .file("a.csv", WOZ + ",op", object(1) + ",2026-01-01,260000,U").write();
        try (DuckDbPeer duck = new DuckDbPeer(1, "256MB")) {
            IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> duck.landDeliveries(List.of(landing), KeyFile.read(key), config().settings().provisions().keySet(), 0.05));
            assertEquals("the bench's DuckDB peer reads full deliveries only; woz_value/2026-11-01 is a delta",
                    refused.getMessage());
        }
    }
}
