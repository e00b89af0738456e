package nl.buurtsignaal.hub;

import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** The hub's HTTP API (contract section 7): every route for every role, and the rules of deciding. */
class HubTest extends SparkTestBase {
    @TempDir
    static Path dir;
    static Lake lake;
    static Hub hub;
    static final String AS_OF = "2026-10-31";

    @BeforeAll
    static void start() {
        lake = lake(dir.resolve("lake"));
        HubFixture.writeLake(lake, config(), 12, "2026-09-30", AS_OF);
        hub = new Hub(lake, config(), HubUsers.read(HubFixture.writeUsers(dir))).start("127.0.0.1", 0, 3600);
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    static HubFixture.Client as(String user) {
        HubFixture.Client c = new HubFixture.Client(hub.port());
        if (user != null) {
            assertEquals(200, c.login(user, HubFixture.PASSWORD).statusCode(), user);
        }
        return c;
    }

    static String signal(int i) {
        return String.format("sig-%s-%06d", AS_OF, i);
    }

    static HubFixture.Client observer;

    /** The latest event of a signal, as a coordinator sees it (null when none). */
    static String latest(String signalId) {
        if (observer == null) {
            observer = as("coen");
        }
        String body = observer.get("/api/signals/" + signalId).body();
        List<String> ids = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"event_id\":\"([^\"]+)\"").matcher(body);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids.isEmpty() ? null : ids.get(ids.size() - 1);
    }

    static String decision(String status, String extra, String basedOn) {
        return "{\"status\":\"" + status + "\"" + extra + ",\"based_on\":" + (basedOn == null ? "null" : "\"" + basedOn + "\"") + "}";
    }

    record Route(String method, String path, Set<Role> allowed) {
    }

    static final Set<Role> EVERYONE = Set.copyOf(Role.HUB);
    static final Set<Role> READERS = Set.of(Role.REVIEWER, Role.COORDINATOR);
    static final List<Route> ROUTES = List.of(
            new Route("GET", "/api/me", EVERYONE),
            new Route("GET", "/api/options", EVERYONE),
            new Route("GET", "/api/signals", READERS),
            new Route("GET", "/api/signals/" + signal(0), READERS),
            new Route("POST", "/api/signals/" + signal(1) + "/decisions", READERS),
            new Route("GET", "/api/labels", Set.of(Role.DATA_SCIENTIST)),
            new Route("GET", "/api/audit/access", Set.of(Role.AUDITOR)),
            new Route("GET", "/api/audit/review", Set.of(Role.AUDITOR)),
            new Route("GET", "/api/map?theme=undermining", READERS),
            new Route("GET", "/api/subjects/address/04022000" + "00000003", READERS),
            new Route("GET", "/api/overdue", READERS),
            new Route("GET", "/api/precision?from=2026-09-30", Set.of(Role.COORDINATOR, Role.AUDITOR)),
            new Route("POST", "/api/logout", EVERYONE));
    static final List<String> ONE_USER_PER_ROLE = List.of("rita", "cora", "aud", "dana");

    @Test
    void everyRouteForEveryRoleAndWithoutASession() {
        java.util.Map<String, HubFixture.Client> clients = new java.util.HashMap<>();
        for (Route route : ROUTES) {
            assertEquals(401, as(null).send(route.method(), route.path(), route.method().equals("POST") ? "{}" : null, false)
                    .statusCode(), route + " without a session");
            for (String user : ONE_USER_PER_ROLE) {
                // one session per user; logout is the matrix's last route
                HubFixture.Client c = clients.computeIfAbsent(user, HubTest::as);
                Role role = Role.of(HubFixture.USERS.stream().filter(u -> u.startsWith(user + ":")).findFirst().orElseThrow().split(":")[1]);
                String body = route.method().equals("POST")
                        ? decision("in_review", "", route.allowed().contains(role) ? latest(signal(1)) : null) : null;
                int status = route.method().equals("POST") ? c.post(route.path(), body).statusCode() : c.get(route.path()).statusCode();
                if (route.allowed().contains(role)) {
                    assertTrue(status >= 200 && status < 300, route + " as " + role + ": " + status);
                } else {
                    assertEquals(403, status, route + " as " + role);
                }
            }
        }
    }

    @Test
    void everyErrorIsOneLineOfJsonWithoutAStackTrace() {
        HubFixture.Client c = as("rita");
        for (HttpResponse<String> r : List.of(c.get("/api/signals/sig-unknown"), c.get("/api/signals?limit=0"),
                c.get("/api/signals?as_of=31-10-2026"), c.post("/api/signals/" + signal(2) + "/decisions", "not json"),
                as(null).get("/api/options"))) {
            assertTrue(r.body().matches("\\{\"error\":\"[^\"\\n]+\"}"), r.body());
            assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
            assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(""));
        }
        assertEquals(404, c.get("/api/signals/sig-unknown").statusCode());
        assertEquals(404, c.get("/api/no-such-route").statusCode());
        assertEquals(401, as(null).get("/api/no-such-route").statusCode(), "without a session: 401, whatever the path");
    }

    @Test
    void theSessionCookieIsHttpOnlyAndStrict() {
        HttpResponse<String> r = new HubFixture.Client(hub.port()).login("rita", HubFixture.PASSWORD);
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
        assertTrue(r.body().contains("\"role\":\"reviewer\"") && r.body().contains("\"csrf\""), r.body());
    }

    @Test
    void aChangeWithoutTheRightCsrfTokenIsRefused() {
        HubFixture.Client c = as("rita");
        String body = decision("in_review", "", latest(signal(3)));
        assertEquals(403, c.send("POST", "/api/signals/" + signal(3) + "/decisions", body, false).statusCode(), "missing");
        String right = c.csrf;
        c.csrf = "wrong";
        assertEquals(403, c.post("/api/signals/" + signal(3) + "/decisions", body).statusCode(), "wrong");
        c.csrf = right;
        assertEquals(201, c.post("/api/signals/" + signal(3) + "/decisions", body).statusCode(), "right");
    }

    @Test
    void forwardingNeedsASecondPersonWhoIsACoordinator() {
        String s = signal(4);
        HubFixture.Client cora = as("cora");
        HubFixture.Client rita = as("rita");
        HubFixture.Client coen = as("coen");
        assertEquals(400, cora.post("/api/signals/" + s + "/decisions", decision("forward_proposed", ",\"partner\":\"nobody\"", null)).statusCode());
        assertEquals(400, cora.post("/api/signals/" + s + "/decisions", decision("confirmed", ",\"reason_code\":\"gut_feeling\"", null)).statusCode());
        assertEquals(400, cora.post("/api/signals/" + s + "/decisions", decision("approved", "", null)).statusCode());
        assertEquals(201, cora.post("/api/signals/" + s + "/decisions", decision("forward_proposed", ",\"partner\":\"riec\"", null)).statusCode());
        String proposal = latest(s);
        assertEquals(403, cora.post("/api/signals/" + s + "/decisions", decision("forwarded", "", proposal)).statusCode(), "own proposal");
        assertEquals(403, rita.post("/api/signals/" + s + "/decisions", decision("forwarded", "", proposal)).statusCode(), "a reviewer");
        assertEquals(201, coen.post("/api/signals/" + s + "/decisions", decision("forwarded", "", proposal)).statusCode(), "another coordinator");
        String view = rita.get("/api/signals/" + s).body();
        assertTrue(view.contains("\"status\":\"forwarded\"") && view.contains("\"partner\":\"riec\""), view);
    }

    @Test
    void twoDecisionsAtOnceGiveOne201AndOne409AndOneEvent() throws Exception {
        String s = signal(5);
        String base = latest(s);
        HubFixture.Client rita = as("rita");
        HubFixture.Client ruud = as("ruud");
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Integer>> both = List.of(
                    () -> { together.await(); return rita.post("/api/signals/" + s + "/decisions",
                            decision("dismissed", ",\"reason_code\":\"data_error\"", base)).statusCode(); },
                    () -> { together.await(); return ruud.post("/api/signals/" + s + "/decisions",
                            decision("confirmed", ",\"reason_code\":\"facts_confirmed_by_registry\"", base)).statusCode(); });
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(both)) {
                statuses.add(f.get());
            }
            statuses.sort(null);
            assertEquals(List.of(201, 409), statuses);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1L, lake.read(Tables.HUB_REVIEW).filter("signal_id = '" + s + "'").count(), "exactly one event");
    }

    @Test
    void theSqlEndpointsRolesDoNotLogInToTheHub() {
        for (String user : List.of("ana", "bia")) {
            HubFixture.Client c = new HubFixture.Client(hub.port());
            HttpResponse<String> r = c.login(user, HubFixture.PASSWORD);
            assertEquals(403, r.statusCode(), user);
            assertTrue(r.body().contains("SQL endpoint"), r.body());
            assertEquals(401, c.get("/api/me").statusCode(), "no session was started for " + user);
        }
    }

    @Test
    void wrongPasswordsGive401ThenThrottle() {
        HubFixture.Client c = new HubFixture.Client(hub.port());
        for (int i = 0; i < 5; i++) {
            assertEquals(401, c.login("tina", "wrong password " + i).statusCode());
        }
        assertEquals(429, c.login("tina", "wrong again").statusCode());
        assertEquals(429, c.login("tina", HubFixture.PASSWORD).statusCode(), "even the right password, for a while");
        assertEquals(401, c.login("nobody", "x").statusCode(), "an unknown name looks like a wrong password");
        assertEquals(401, c.login("123456782", "x").statusCode());
        String audit = as("aud").get("/api/audit/access").body();
        assertTrue(audit.contains("\"user\":\"tina\",\"role\":null,\"action\":\"login_failed\""), audit);
        assertFalse(audit.contains("123456782") || audit.contains("nobody"), "a name that is no user's is not kept");
    }

    @Test
    void aUsersFileOthersMayReadIsRefused() throws Exception {
        Path shared = dir.resolve("shared-users.txt");
        Files.copy(dir.resolve("users.txt"), shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r-----"));
        UsageException e = assertThrows(UsageException.class, () -> HubUsers.read(shared));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        assertFalse(Files.readString(dir.resolve("users.txt")).contains(HubFixture.PASSWORD), "only hashes are stored");
    }

    @Test
    void listsViewsAndLoginsAreInTheAccessAudit() {
        HubFixture.Client rita = as("rita");
        rita.get("/api/signals?rule_id=U-ADDR-OVERCROWDED");
        rita.get("/api/signals/" + signal(6));
        String audit = as("aud").get("/api/audit/access").body();
        assertTrue(audit.contains("\"user\":\"rita\",\"role\":\"reviewer\",\"action\":\"view\",\"signal_id\":\"" + signal(6) + "\""), audit);
        assertTrue(audit.contains("\"action\":\"list\"") && audit.contains("rule_id=U-ADDR-OVERCROWDED"), audit);
        assertTrue(audit.contains("\"action\":\"login\""), audit);
        // and in the Delta table once the journal is flushed, as every refresh does
        hub.refreshNow();
        assertTrue(lake.read(Tables.AUDIT_ACCESS).filter("action = 'view' AND signal_id = '" + signal(6) + "'").count() > 0,
                "the view reached audit.access");
    }

    @Test
    void theQueueFiltersPagesCountsAndShowsHistory() {
        HubFixture.Client c = as("rita");
        String page = c.get("/api/signals?limit=5&offset=0").body();
        assertTrue(page.contains("\"as_of\":\"" + AS_OF + "\"") && page.contains("\"total\":12"), page);
        assertEquals(5, page.split("\"signal_id\"").length - 1);
        String hilversum = c.get("/api/signals?gemeente=GM0402&severity=3&limit=50").body();
        assertFalse(hilversum.contains("BU05340001") || hilversum.contains("\"severity\":1"), hilversum);
        assertTrue(c.get("/api/signals?buurt_code=BU04020101").body().contains("\"consecutive\":2"), "second date in a row");
        String view = c.get("/api/signals/" + signal(0)).body();
        assertTrue(view.contains("6 residents are registered at this dwelling of 40 m²: 6.7 m² per resident"), view);
        assertTrue(view.contains("\"earlier_as_of\":[\"2026-09-30\"]") && view.contains("\"scores\""), view);
    }

    @Test
    void newRunResultsAppearWithoutARestart() {
        HubFixture.Client c = as("rita");
        assertFalse(c.get("/api/options").body().contains("2026-11-30"));
        HubFixture.writeLake(lake, config(), 3, "2026-09-30", AS_OF, "2026-11-30");
        hub.refreshNow();
        assertTrue(c.get("/api/options").body().contains("2026-11-30"), "the new reference date appeared");
        HubFixture.writeLake(lake, config(), 12, "2026-09-30", AS_OF);
        hub.refreshNow();
        assertFalse(c.get("/api/options").body().contains("2026-11-30"), "the lake as the other tests expect it");
    }

    /** A note is free text and may name someone: erase redacts the person's pseudonym there too. */
    @Test
    void eraseRedactsAPseudonymInANote() {
        String person = "cd".repeat(32);
        HubFixture.Client rita = as("rita");
        String s = signal(7);
        assertEquals(201, rita.post("/api/signals/" + s + "/decisions",
                decision("in_review", ",\"note\":\"spoke with resident " + person + "\"", latest(s))).statusCode());
        new nl.buurtsignaal.protect.Erasure(lake, nl.buurtsignaal.base.Progress.silent()).erase(List.of(person), 0);
        // notes live in hub.review_note, apart from the append-only decisions
        assertEquals(0L, lake.read(Tables.HUB_REVIEW_NOTE).filter("instr(note, '" + person + "') > 0").count());
        assertEquals(1L, lake.read(Tables.HUB_REVIEW_NOTE).filter("note = 'spoke with resident [erased]'").count());
        assertEquals(0L, lake.read(Tables.HUB_REVIEW).filter("note IS NOT NULL").count());
        hub.refreshNow();
        assertTrue(rita.get("/api/signals/" + s).body().contains("spoke with resident [erased]"), "the hub shows the redacted note");
    }

    @Test
    void aSecondHubOnTheSameLakeIsRefused() throws Exception {
        UsageException e = assertThrows(UsageException.class, () -> new Hub(lake, config(),
                HubUsers.read(dir.resolve("users.txt"))).start("127.0.0.1", 0, 1));
        assertTrue(e.getMessage().contains("one hub per lake"), e.getMessage());
        assertEquals(200, as("rita").get("/api/options").statusCode(), "the first one serves on");
    }

    /** Purpose binding: what the hub read holds no care data, and comes from the tables it declares only. */
    @Test
    void noRouteReadsCareData() {
        assertFalse(hub.data().filesRead().isEmpty());
        for (String file : hub.data().filesRead()) {
            assertFalse(file.contains("care_provision") || file.contains("/silver/provision/"), file);
            assertTrue(HubData.READS.stream().anyMatch(t -> file.contains(lake.location(t))), file + " is not a declared table");
        }
        assertFalse(HubData.READS.stream().anyMatch(t -> t.contains("provision") || t.contains("care")));
        assertTrue(HubData.READS.containsAll(hub.data().tablesRead()), hub.data().tablesRead().toString());
    }
}
