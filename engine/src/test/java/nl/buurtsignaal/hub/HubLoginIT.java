package nl.buurtsignaal.hub;

import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub's login and sessions against someone who tries (issue: every door holds): failures per
 * name and client, a bounded memory, throttled attempts aggregated in the audit, a body limit the
 * server counts, login only as JSON from the hub's own pages, an absolute session lifetime, and a
 * user removed from the users file out at their next request.
 */
class HubLoginIT extends SparkTestBase {
    @TempDir
    static Path dir;
    static Lake lake;
    static Hub hub;
    static Path users;

    @BeforeAll
    static void start() {
        lake = lake(dir.resolve("lake"));
        HubFixture.writeLake(lake, config(), 2, "2026-10-31");
        users = HubFixture.writeUsers(dir);
        hub = new Hub(lake, config(), HubUsers.read(users)).start("127.0.0.1", 0, 0.2);
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    /** One HTTP/1.1 request from a given loopback address, the body sent as the caller writes it; the status line's code. */
    static int raw(String from, String head, byte[]... chunks) throws IOException {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), hub.port(), InetAddress.getByName(from), 0)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            for (byte[] c : chunks) {
                out.write(c);
            }
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    static int login(String from, String name, String password) throws IOException {
        byte[] body = ("{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8);
        return raw(from, "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n", body);
    }

    @Test
    void someoneElsesFailuresNeverLockAUserOut() throws IOException {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, login("127.0.0.1", "ruud", "wrong password " + i));
        }
        assertEquals(429, login("127.0.0.1", "ruud", HubFixture.PASSWORD), "the guessing client is refused, even the right password");
        long started = System.nanoTime();
        assertEquals(200, login("127.0.0.2", "ruud", HubFixture.PASSWORD), "the user at another client still gets in");
        assertTrue(System.nanoTime() - started >= 200_000_000L, "after a delay: the name is slowed");
    }

    @Test
    void aForwardedForHeaderIsBelievedFromATrustedProxyOnly() throws IOException {
        byte[] body = "{\"name\":\"cora\",\"password\":\"wrong\"}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 6; i++) {
            int status = raw("127.0.0.6", "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-Forwarded-For: 10.1.2." + i + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n", body);
            assertEquals(i < 5 ? 401 : 429, status, "a new X-Forwarded-For each time is no new client");
        }
    }

    @Test
    void throttledAttemptsAreCountedInTheAuditNotWrittenOneByOne() throws IOException {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, login("127.0.0.3", "coen", "wrong " + i));
        }
        for (int i = 0; i < 30; i++) {
            assertEquals(429, login("127.0.0.3", "coen", "wrong again " + i));
        }
        long throttled = hub.access().between(null, null).stream()
                .filter(e -> "coen".equals(e.user()) && e.detail() != null && e.detail().startsWith("throttled")).count();
        assertEquals(1, throttled, "one entry for the series, with its count");
    }

    @Test
    void theFailureMemoryAndThePasswordChecksAreBounded() {
        LoginThrottle t = new LoginThrottle(5, Duration.ofMinutes(15), 100, 2, Duration.ofMillis(250), Duration.ofSeconds(5), Clock.systemUTC());
        for (int i = 0; i < 10_000; i++) {
            t.failed("name-" + i, "10.0.0." + (i % 200));
        }
        assertTrue(t.remembered() <= 200, "at most 100 names and 100 pairs: " + t.remembered());
        assertTrue(t.acquire(Duration.ZERO));
        assertTrue(t.acquire(Duration.ZERO));
        assertFalse(t.acquire(Duration.ofMillis(50)), "a third check at once waits, then is turned away");
        t.release();
        assertTrue(t.acquire(Duration.ZERO));
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() {
        Instant[] now = {Instant.parse("2026-12-04T10:00:00Z")};
        Clock clock = moving(now);
        LoginThrottle t = new LoginThrottle(5, Duration.ofMinutes(15), 100, 2, Duration.ofMillis(250), Duration.ofSeconds(5), clock);
        for (int i = 0; i < 5; i++) {
            t.failed("rita", "a");
        }
        assertTrue(t.before("rita", "a").refused());
        assertFalse(t.before("rita", "b").refused());
        assertTrue(t.before("rita", "b").delay().toMillis() > 0);
        now[0] = now[0].plus(Duration.ofMinutes(16));
        assertFalse(t.before("rita", "a").refused());
        assertEquals(0, t.remembered(), "forgotten, not kept");
    }

    /** A clock that reads {@code now[0]}, for a test to move. */
    static Clock moving(Instant[] now) {
        return new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now[0];
            }
        };
    }

    @Test
    void aBodyIsLimitedByWhatArrivesNotByWhatTheHeaderSays() throws IOException {
        byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        String head = "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        byte[] end = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(413, raw("127.0.0.4", head, chunk, chunk, end), "a chunked login body past the limit");
        HubFixture.Client c = new HubFixture.Client(hub.port());
        assertEquals(200, c.login("rita", HubFixture.PASSWORD).statusCode());
        String big = "{\"status\":\"in_review\",\"note\":\"" + "x".repeat(70_000) + "\",\"based_on\":null}";
        assertEquals(413, c.post("/api/signals/sig-2026-10-31-000000/decisions", big).statusCode(), "and after login");
    }

    @Test
    void aLoginIsJsonFromTheHubsOwnPages() throws IOException {
        byte[] form = ("name=rita&password=" + HubFixture.PASSWORD.replace(' ', '+')).getBytes(StandardCharsets.UTF_8);
        assertEquals(415, raw("127.0.0.5", "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + form.length + "\r\nConnection: close\r\n\r\n", form), "a cross-site form post");
        byte[] json = ("{\"name\":\"rita\",\"password\":\"" + HubFixture.PASSWORD + "\"}").getBytes(StandardCharsets.UTF_8);
        for (String header : List.of("Origin: http://evil.example\r\n", "Sec-Fetch-Site: cross-site\r\n")) {
            assertEquals(403, raw("127.0.0.5", "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + header
                    + "Content-Length: " + json.length + "\r\nConnection: close\r\n\r\n", json), header);
        }
        assertEquals(200, raw("127.0.0.5", "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:" + hub.port() + "\r\nContent-Type: application/json\r\n"
                + "Origin: http://127.0.0.1:" + hub.port() + "\r\nSec-Fetch-Site: same-origin\r\n"
                + "Content-Length: " + json.length + "\r\nConnection: close\r\n\r\n", json), "the hub's own page");
    }

    @Test
    void aSessionEndsAfterItsLifetimeHoweverBusy() {
        Instant[] now = {Instant.parse("2026-12-04T08:00:00Z")};
        Clock moving = moving(now);
        Sessions sessions = new Sessions(Duration.ofMinutes(30), Duration.ofHours(10), u -> Optional.of(Role.REVIEWER), moving);
        Sessions.Session s = sessions.start("rita", Role.REVIEWER);
        for (int i = 0; i < 40; i++) {
            now[0] = now[0].plus(Duration.ofMinutes(15));
            assertEquals(i < 39, sessions.find(s.id()).isPresent(), "after " + (i + 1) * 15 + " minutes of work");
        }
    }

    @Test
    void aUserRemovedFromTheUsersFileIsOutAtTheirNextRequest() throws Exception {
        HubUsers.add(users, "temp", Role.REVIEWER, HubFixture.PASSWORD);
        Thread.sleep(1_100);
        HubFixture.Client c = new HubFixture.Client(hub.port());
        assertEquals(200, c.login("temp", HubFixture.PASSWORD).statusCode());
        assertEquals(200, c.get("/api/options").statusCode());
        List<String> kept = Files.readAllLines(users).stream().filter(l -> !l.startsWith("temp:")).toList();
        Path tmp = dir.resolve("users.new");
        Files.write(tmp, kept);
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, users, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(1_100);
        assertEquals(401, c.get("/api/options").statusCode(), "removed: the session ended");
        assertEquals(401, c.login("temp", HubFixture.PASSWORD).statusCode());
    }

    @Test
    void decisionsCannotBeRewrittenInTheTableItself() {
        HubFixture.Client c = new HubFixture.Client(hub.port());
        assertEquals(200, c.login("rita", HubFixture.PASSWORD).statusCode());
        assertEquals(201, c.post("/api/signals/sig-2026-10-31-000001/decisions",
                "{\"status\":\"in_review\",\"note\":\"looked at it\",\"based_on\":null}").statusCode());
        assertEquals("true", lake.deltaTable(Tables.HUB_REVIEW).detail().first().getMap(
                lake.deltaTable(Tables.HUB_REVIEW).detail().first().fieldIndex("properties")).get("delta.appendOnly").get());
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> lake.deltaTable(Tables.HUB_REVIEW).updateExpr(java.util.Map.of("status", "'forwarded'")));
        assertTrue(String.valueOf(e.getMessage()).toLowerCase().contains("append"), e.getMessage());
        assertEquals(List.of("looked at it"), lake.read(Tables.HUB_REVIEW_NOTE).select("note").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList(), "the note apart, where erase may redact it");
    }
}
