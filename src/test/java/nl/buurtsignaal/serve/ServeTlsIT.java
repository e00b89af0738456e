package nl.buurtsignaal.serve;

import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.hub.HubFixture;
import nl.buurtsignaal.hub.HubUsers;
import nl.buurtsignaal.hub.Role;
import nl.buurtsignaal.lake.Lake;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code serve --tls-cert --tls-key}: the JDBC driver connects over TLS, and a plain-text client gets nothing. */
class ServeTlsIT extends SparkTestBase {
    @TempDir
    static Path dir;

    @Test
    void theEndpointSpeaksTlsWithTheGivenCertificate() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertEquals(0, openssl.waitFor(), "openssl made a test certificate");
        Lake lake = lake(dir.resolve("lake"));
        HubFixture.writeLake(lake, config(), 2, "2026-10-31");
        Path users = dir.resolve("users.txt");
        HubUsers.add(users, "bia", Role.BI, HubFixture.PASSWORD);
        try (Serve serve = new Serve(lake, config(), HubUsers.read(users)).start("127.0.0.1", 0, cert, key,
                nl.buurtsignaal.base.Progress.silent())) {
            String url = "jdbc:arrow-flight-sql://127.0.0.1:" + serve.port();
            try (Connection c = DriverManager.getConnection(url + "/?useEncryption=true&disableCertificateVerification=true",
                    "bia", HubFixture.PASSWORD);
                 ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM published.buurt")) {
                assertTrue(r.next());
                assertTrue(r.getInt(1) > 0);
            }
            assertThrows(SQLException.class, () -> DriverManager.getConnection(url + "/?useEncryption=false", "bia", HubFixture.PASSWORD)
                    .createStatement().executeQuery("SELECT 1"), "no plain text on a TLS port");
        }
    }
}
