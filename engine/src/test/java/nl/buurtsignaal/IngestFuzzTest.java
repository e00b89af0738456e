package nl.buurtsignaal;

import nl.buurtsignaal.ingest.DeliveryRejected;
import nl.buurtsignaal.ingest.Manifest;
import nl.buurtsignaal.lake.Lake;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Property-based fuzzing of the ingest (jqwik): random and malformed csv rows and manifests. Every
 * delivery is accepted, with rows in = rows landed + rows quarantined, or rejected with a reason;
 * the command never crashes.
 */
class IngestFuzzTest extends SparkTestBase {
    static final String HEADER = "person_id,valid_from,valid_to,address_id,birth_year,status";

    @Property(tries = 10, seed = "20261122")
    void everyCsvRowIsLandedQuarantinedOrTheDeliveryRejected(@ForAll("csvRows") List<String> rows) throws IOException {
        Path work = Files.createTempDirectory("fuzz");
        Path landing = work.resolve("landing");
        Path lakeDir = work.resolve("lake");
        Path key = work.resolve("key.txt");
        Deliveries.privateKeyFile(key, "k1");
        Deliveries.delivery(landing, "brp_residence", "d1").file("part-0.csv", HEADER, rows.toArray(new String[0])).write();

        int status = cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(), "--key-file", key.toString());
        assertTrue(status == 0 || status == 3, "exit " + status + " is neither accepted nor rejected");
        Lake lake = lake(lakeDir);
        Row audit = lake.read("audit.delivery").first();
        if (audit.getString(audit.fieldIndex("status")).equals("accepted")) {
            assertEquals(0, status);
            long landed = lake.read("bronze.brp_residence").count();
            long quarantined = lake.exists("quarantine.row") ? lake.read("quarantine.row").count() : 0;
            assertEquals(rows.size(), landed + quarantined, "rows in = landed + quarantined");
            assertEquals(quarantined, audit.getLong(audit.fieldIndex("rows_quarantined")));
        } else {
            assertEquals(3, status);
            assertFalse(audit.getString(audit.fieldIndex("reason")).isBlank());
            assertFalse(lake.exists("bronze.brp_residence"), "nothing of a rejected delivery lands");
        }
    }

    @Provide
    Arbitrary<List<String>> csvRows() {
        Arbitrary<String> bsn = Arbitraries.integers().between(0, 5000).map(Deliveries::bsn);
        Arbitrary<String> date = Arbitraries.of("2020-01-01", "2024-02-29", "2023-02-29", "01-02-2020", "", "2026-13-01", "yesterday");
        Arbitrary<String> address = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 50).map(i -> String.format("04020100%08d", i)),
                Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(18));
        Arbitrary<String> status = Arbitraries.of("resident", "vow", "emigrated", "deceased", "RESIDENT", "", "alien");
        Arbitrary<String> year = Arbitraries.of("1980", "2001", "", "19x0", "-5", "99999999999");
        Arbitrary<String> valid = Combinators.combine(bsn, date, date, address, year, status)
                .as((p, from, to, a, y, s) -> String.join(",", p, from, to, a, y, s));
        Arbitrary<String> noise = Arbitraries.strings().withChars("0123456789abc,;\"' -é\t").ofMaxLength(60);
        Arbitrary<String> mangled = Combinators.combine(valid, noise).as((v, n) -> v + "," + n);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(8, valid), net.jqwik.api.Tuple.of(1, noise), net.jqwik.api.Tuple.of(1, mangled))
                .list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 400, seed = "20261122")
    void anyManifestIsReadOrRejectedWithAReason(@ForAll("manifests") String manifest) throws IOException {
        Path dir = Files.createTempDirectory("manifest").resolve("d1");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("_manifest.json"), manifest, StandardCharsets.UTF_8);
        try {
            Manifest m = Manifest.read(dir, "woz_value");
            // what an accepted manifest promises the ingest, whatever the fuzzer changed
            assertEquals("woz_value", m.source());
            assertEquals("d1", m.deliveryId());
            assertTrue(java.util.Set.of("csv", "parquet").contains(m.format()), m.format());
            assertTrue(java.util.Set.of("full", "delta").contains(m.kind()), m.kind());
            assertTrue(java.util.Set.of("raw", "pseudonymised").contains(m.identifiers()), m.identifiers());
            assertTrue(!m.identifiers().equals("pseudonymised") || m.keyId() != null, "pseudonymised without a key_id");
            assertEquals(1, m.delimiter().length(), "one delimiter character");
            assertTrue(java.nio.charset.Charset.isSupported(m.encoding()), m.encoding());
            for (Manifest.DataFile file : m.files()) {
                assertTrue(file.name().matches("[A-Za-z0-9._-]+") && !file.name().equals("..") && !file.name().equals("."),
                        "not a plain file name: " + file.name());
                assertTrue(file.rows() >= 0, "negative rows");
                assertTrue(file.sha256().matches("[0-9a-fA-F]{64}"), "not a SHA-256");
            }
        } catch (DeliveryRejected e) {
            assertTrue(e.getMessage().startsWith("manifest"), e.getMessage());
        }
    }

    @Provide
    Arbitrary<String> manifests() {
        String valid = "{\"source\":\"woz_value\",\"delivery_id\":\"d1\",\"extracted_at\":\"2026-11-01T02:00:00Z\","
                + "\"format\":\"csv\",\"kind\":\"full\",\"identifiers\":\"raw\",\"csv\":{\"delimiter\":\";\","
                + "\"date_format\":\"dd-MM-yyyy\",\"encoding\":\"UTF-8\"},"
                + "\"files\":[{\"name\":\"a.csv\",\"rows\":3,\"sha256\":\"" + "ab".repeat(32) + "\"}]}";
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
                Arbitraries.of("null", "true", "-1", "1e309", "[]", "{}", "\"../x\"", "\"a/b.csv\"", "\"UTF-9\"", "\"?\"",
                        "\"\\u0000\"", "\"yyyy-MM-dd'\"", "\"\"", "\"delta\"", "\"pseudonymised\"", "12.5"));
        Arbitrary<String> keys = Arbitraries.of("source", "delivery_id", "extracted_at", "format", "kind", "identifiers",
                "key_id", "delimiter", "date_format", "encoding", "name", "rows", "sha256", "files", "csv");
        Arbitrary<String> replaced = Combinators.combine(keys, values).as((k, v) ->
                valid.replaceFirst("\"" + k + "\":(\"[^\"]*\"|[0-9]+|\\{[^}]*\\}|\\[[^\\]]*\\])", "\"" + k + "\":" + java.util.regex.Matcher.quoteReplacement(v)));
        Arbitrary<String> truncated = Arbitraries.integers().between(0, valid.length()).map(n -> valid.substring(0, n));
        Arbitrary<String> garbage = Arbitraries.strings().ofMaxLength(80);
        return Arbitraries.oneOf(replaced, replaced, replaced, truncated, garbage);
    }
}
