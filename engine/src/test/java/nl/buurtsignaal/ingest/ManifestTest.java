package nl.buurtsignaal.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ManifestTest {
    private static final String SHA = "3daeb26560f6141094f84d9296e79c7f7961fd70d8bc6011fb2e59dc5434674d";

    @TempDir
    Path landing;

    private Path delivery(String json) throws IOException {
        Path dir = landing.resolve("enforcement_case").resolve("2026-11-01");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(Manifest.FILE_NAME), json);
        return dir;
    }

    private static String manifest(String extra) {
        return "{\"source\":\"enforcement_case\",\"delivery_id\":\"2026-11-01\",\"extracted_at\":\"2026-11-01T02:00:00Z\","
                + "\"format\":\"csv\",\"files\":[{\"name\":\"part-00000.csv\",\"rows\":16,\"sha256\":\"" + SHA + "\"}],"
                + "\"kind\":\"full\",\"identifiers\":\"raw\"" + extra + "}";
    }

    @Test
    void readsTheContractsFieldsAndCsvDialect() throws IOException {
        Manifest m = Manifest.read(delivery(manifest(",\"csv\":{\"delimiter\":\";\",\"date_format\":\"dd-MM-yyyy\",\"encoding\":\"UTF-8\"}")),
                "enforcement_case");
        assertTrue(m.isCsv());
        assertEquals(";", m.delimiter());
        assertEquals("dd-MM-yyyy", m.dateFormat());
        assertEquals(16, m.files().get(0).rows());
        assertFalse(m.isDelta());
    }

    @Test
    void csvDefaultsApplyWithoutTheField() throws IOException {
        Manifest m = Manifest.read(delivery(manifest("")), "enforcement_case");
        assertEquals(",", m.delimiter());
        assertEquals("yyyy-MM-dd", m.dateFormat());
    }

    @Test
    void rejectsEveryMalformedManifestWithItsReason() throws IOException {
        assertReason("not valid JSON", "{not json");
        assertReason("source", manifest("").replace("\"enforcement_case\"", "\"brp_residence\""));
        assertReason("delivery_id", manifest("").replace("\"2026-11-01\",\"extracted", "\"2026-10-01\",\"extracted"));
        assertReason("format", manifest("").replace("\"csv\"", "\"xlsx\""));
        assertReason("kind", manifest("").replace("\"full\"", "\"partial\""));
        assertReason("key_id", manifest("").replace("\"raw\"", "\"pseudonymised\""));
        assertReason("rows", manifest("").replace("16", "-1"));
        assertReason("sha256", manifest("").replace(SHA, "abc"));
        assertReason("file name", manifest("").replace("part-00000.csv", "../etc/passwd"));
        assertReason("extracted_at", manifest("").replace("2026-11-01T02:00:00Z", "yesterday"));
        assertReason("files", manifest("").replace("[{\"name\":\"part-00000.csv\",\"rows\":16,\"sha256\":\"" + SHA + "\"}]", "[]"));
    }

    @Test
    void aMissingManifestIsRejected() throws IOException {
        Path dir = landing.resolve("woz_value").resolve("2026-11-01");
        Files.createDirectories(dir);
        DeliveryRejected e = assertThrows(DeliveryRejected.class, () -> Manifest.read(dir, "woz_value"));
        assertTrue(e.getMessage().contains("manifest missing"));
    }

    private void assertReason(String expected, String json) throws IOException {
        Path dir = delivery(json);
        DeliveryRejected e = assertThrows(DeliveryRejected.class, () -> Manifest.read(dir, "enforcement_case"), json);
        assertTrue(e.getMessage().contains(expected), e.getMessage() + " should name " + expected);
    }
}
