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
        // at most one login kept: a second one makes the first one's Spark session go
        try (Serve serve = new Serve(lake, config("serve.max_logins=1"), HubUsers.read(users)).start("127.0.0.1", 0, cert, key,
                nl.buurtsignaal.base.Progress.silent())) {
            String url = "jdbc:arrow-flight-sql://127.0.0.1:" + serve.port();
            String tls = url + "/?useEncryption=true&disableCertificateVerification=true";
            try (Connection c = DriverManager.getConnection(tls, "bia", HubFixture.PASSWORD);
                 ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM published.buurt")) {
                assertTrue(r.next());
                assertTrue(r.getInt(1) > 0);
                try (Connection second = DriverManager.getConnection(tls, "bia", HubFixture.PASSWORD);
                     ResultSet r2 = second.createStatement().executeQuery("SELECT 1")) {
                    assertTrue(r2.next());
                    assertEquals(1, serve.logins(), "the login used longest ago made room");
                }
            }
            assertThrows(SQLException.class, () -> DriverManager.getConnection(url + "/?useEncryption=false", "bia", HubFixture.PASSWORD)
                    .createStatement().executeQuery("SELECT 1"), "no plain text on a TLS port");
        }
    }
}
