package nl.buurtsignaal.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.dossier.ControlSample;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import nl.buurtsignaal.protect.Erasure;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Contract section 9 on the worked example's lake (ingested and run as {@code run} does): the
 * links against hand-made rows, the control sample, every route of section 9 for every role with
 * its 400s, 404s, the cap and its audit actions, outcomes and deadlines, and a dossier opened and a
 * melding registered in real Chromium (screenshots in target/screenshots/).
 */
class HubDossierIT extends SparkTestBase {
    private static final Path EXAMPLE = nl.buurtsignaal.TestPaths.CONTRACT_EXAMPLE;
    private static final LocalDate AS_OF = LocalDate.parse("2026-10-31");
    private static final String STRAWMAN = "159f2e318b4dca39bc7939f0e8cd8293346d6d4af4b84a4e857f1f52beb23c5f";
    private static final String CROWDED = "0402200000100122";
    private static final String CASH_OBJECT = "0402010000100142";
    private static final int CAP = 6;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Lake lake;
    static EngineConfig config;
    static Hub hub;

    @BeforeAll
    static void start() throws Exception {
        Path landing = dir.resolve("landing");
        copyTree(EXAMPLE.resolve("landing"), landing);
        Path key = dir.resolve("key.txt");
        Files.copy(EXAMPLE.resolve("example-key.txt"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path lakeDir = dir.resolve("lake");
        assertEquals(0, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(), "--key-file", key.toString()));
        assertEquals(0, cli("run", "--lake", lakeDir.toString(), "--as-of", AS_OF.toString()));
        // a copy as the run left it, before the hub writes to the lake, for the erasure test
        copyTree(lakeDir, dir.resolve("erasure-lake"));
        lake = lake(lakeDir);
        lake.registerAll();
        config = config("hub.dossier_max_nodes=" + CAP);
        hub = new Hub(lake, config, HubUsers.read(HubFixture.writeUsers(dir))).start("127.0.0.1", 0, 0.2);
        hub.data().awaitDossiers(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    static HubFixture.Client as(String user) {
        HubFixture.Client c = new HubFixture.Client(hub.port());
        assertEquals(200, c.login(user, HubFixture.PASSWORD).statusCode(), user);
        return c;
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(r.body(), e);
        }
    }

    static String melding(String type, String id, String text) {
        return "{\"source\":\"street\",\"reliability\":\"B\",\"credibility\":\"2\",\"subject_type\":\"" + type + "\",\"subject_id\":\""
                + id + "\",\"observed_on\":\"2026-10-20\",\"text\":\"" + text + "\"}";
    }

    @Test
    void linksComeFromTheRegistriesAsHandMadeRowsSay() {
        Dataset<Row> links = lake.readAsOf(Tables.SUBJECT_LINK, AS_OF).select("from_type", "from_id", "to_type", "to_id", "link", "since");
        // the straw man: where he lives and the two companies he is still an officer of (two roles ended in 2025)
        assertRows(List.of("person," + STRAWMAN + ",address,0553200000100004,lives_at,2015-03-03",
                        "person," + STRAWMAN + ",company,30002370,officer_of,2024-09-01",
                        "person," + STRAWMAN + ",company,30002385,officer_of,2024-04-14"),
                links.filter("from_id = '" + STRAWMAN + "' OR to_id = '" + STRAWMAN + "'"));
        // the object a young company bought for cash, and its address
        assertRows(List.of("company,30002532,object," + CASH_OBJECT + ",owns,2025-08-02",
                        "object," + CASH_OBJECT + ",address,0402200000100142,object_at,"),
                links.filter("from_id = '" + CASH_OBJECT + "' OR to_id = '" + CASH_OBJECT + "'"));
        assertEquals(new TreeSet<>(nl.buurtsignaal.dossier.SubjectLinks.LINKS).containsAll(
                rows(links.select("link").distinct())), true);
        // never from care data or enforcement: no case id or provision appears, and no link names them
        assertEquals(0, links.filter("link NOT IN ('registered_at','officer_of','lives_at','owns','bought','object_at')").count());
        assertEquals(0, links.join(lake.read(Tables.SILVER_ENFORCEMENT_CASE).select("case_id"),
                links.col("from_id").equalTo(org.apache.spark.sql.functions.col("case_id"))
                        .or(links.col("to_id").equalTo(org.apache.spark.sql.functions.col("case_id")))).count());
    }

    @Test
    void theControlSampleIsSeededReproducibleAndNeverHoldsASignalledAddress() {
        Dataset<Row> sample = lake.readAsOf(Tables.CONTROL_SAMPLE, AS_OF);
        EngineConfig defaults = config();
        int per = ControlSample.perGemeente(defaults);
        Map<String, Long> perGemeente = new java.util.TreeMap<>();
        sample.join(lake.read(Tables.SILVER_BUURT), "buurt_code").groupBy("gemeente_code").count().collectAsList()
                .forEach(r -> perGemeente.put(r.getString(0), r.getLong(1)));
        assertFalse(perGemeente.isEmpty());
        perGemeente.values().forEach(n -> assertEquals(per, n.longValue()));
        Dataset<Row> signals = lake.readAsOf(Tables.SIGNAL, AS_OF);
        Set<String> signalled = new HashSet<>();
        signals.select("address_id").union(signals.filter("subject_type = 'address'").select("subject_id")).collectAsList()
                .forEach(r -> signalled.add(r.getString(0)));
        List<String> drawn = rows(sample.select("address_id"));
        assertTrue(drawn.stream().noneMatch(signalled::contains), "a control address has no signal on as_of");
        java.util.function.Function<String, Dataset<Row>> silver = lake::read;
        assertEquals(drawn, rows(ControlSample.of(lake, silver, defaults, AS_OF).select("address_id")), "the same seed draws the same addresses");
        List<String> other = rows(ControlSample.of(lake, silver, config("hub.control_sample_seed=7"), AS_OF).select("address_id"));
        assertNotEquals(drawn, other, "another seed, another sample");
        List<String> smaller = rows(ControlSample.of(lake, silver, config("hub.control_sample_per_gemeente=2"), AS_OF).select("address_id"));
        assertTrue(drawn.containsAll(smaller) && smaller.size() == 2 * perGemeente.size(), "a smaller sample is part of the larger");
        assertEquals(0, ControlSample.of(lake, silver, config("hub.control_sample_per_gemeente=0"), AS_OF).count(), "0 turns it off");
        assertEquals(Set.of(String.valueOf(ControlSample.seed(defaults))), Set.copyOf(rows(sample.select("seed"))));
    }

    @Test
    void everyRouteOfSectionNineForEveryRole() {
        record Route(String method, String path, Set<Role> allowed) {
        }
        Set<Role> readers = Set.of(Role.REVIEWER, Role.COORDINATOR);
        List<Route> routes = List.of(
                new Route("GET", "/api/subjects/address/" + CROWDED, readers),
                new Route("GET", "/api/subjects?type=address&q=0402", readers),
                new Route("POST", "/api/meldingen", readers),
                new Route("GET", "/api/overdue", readers),
                new Route("GET", "/api/precision", Set.of(Role.COORDINATOR, Role.AUDITOR)));
        Map<Role, HubFixture.Client> clients = Map.of(Role.REVIEWER, as("rita"), Role.COORDINATOR, as("cora"), Role.AUDITOR, as("aud"),
                Role.DATA_SCIENTIST, as("dana"));
        for (Route route : routes) {
            String body = route.method().equals("POST") ? melding("address", CROWDED, "Route check.") : null;
            assertEquals(401, new HubFixture.Client(hub.port()).send(route.method(), route.path(), body, false).statusCode(), route + " without a session");
            for (Map.Entry<Role, HubFixture.Client> c : clients.entrySet()) {
                int status = c.getValue().send(route.method(), route.path(), body, route.method().equals("POST")).statusCode();
                if (route.allowed().contains(c.getKey())) {
                    assertTrue(status >= 200 && status < 300, route + " as " + c.getKey() + ": " + status);
                } else {
                    assertEquals(403, status, route + " as " + c.getKey());
                }
            }
            if (route.method().equals("POST")) {
                assertEquals(403, clients.get(Role.REVIEWER).send("POST", route.path(), body, false).statusCode(), "without the CSRF token");
            }
        }
    }

    @Test
    void aMeldingIsCheckedThenQueuedAsASignal() {
        HubFixture.Client rita = as("rita");
        List<String> bad = List.of(
                melding("address", CROWDED, "A BSN 123456782 in the text").replace("\"source\":\"street\"", "\"source\":\"street\""),
                melding("address", CROWDED, "bsn 123.456.782"),
                melding("address", CROWDED, "ok").replace("street", "rumour"),
                melding("address", CROWDED, "ok").replace("\"B\"", "\"E\""),
                melding("address", CROWDED, "ok").replace("\"2\"", "\"5\""),
                melding("person", STRAWMAN, "a person is never a subject"),
                melding("address", "0402200000999999", "not in the lake"),
                melding("company", "99999999", "not in the lake"),
                melding("address", CROWDED, "ok").replace("2026-10-20", "2999-01-01"),
                melding("address", CROWDED, "ok").replace("2026-10-20", "20-10-2026"),
                melding("address", CROWDED, ""),
                melding("address", CROWDED, "x".repeat(2001)));
        for (String body : bad) {
            HttpResponse<String> r = rita.post("/api/meldingen", body);
            assertEquals(400, r.statusCode(), body.length() > 300 ? "2,001 characters" : body);
            assertTrue(r.body().matches("\\{\"error\":\"[^\"\\n]+\"}"), r.body());
            assertFalse(r.body().contains("123456782"), "the refused number is not echoed");
        }
        assertTrue(rita.post("/api/meldingen", bad.get(0)).body().contains("BSN"), "says why");
        int before = json(rita.get("/api/signals?rule_id=MELDING")).path("total").asInt();
        HttpResponse<String> ok = rita.post("/api/meldingen", melding("company", "30002370", "The shop of this company is never open."));
        assertEquals(201, ok.statusCode(), ok.body());
        String signalId = json(ok).path("signal_id").asText();
        assertEquals("M-" + json(ok).path("melding_id").asText(), signalId);
        JsonNode queue = json(rita.get("/api/signals?rule_id=MELDING"));
        assertEquals(before + 1, queue.path("total").asInt(), "in the latest date's queue");
        JsonNode view = json(rita.get("/api/signals/" + signalId));
        assertEquals("MELDING", view.path("rule_id").asText());
        assertEquals("new", view.path("status").asText());
        assertTrue(view.path("facts").toString().contains("never open"), view.toString());
        // the same review statuses and four eyes as any signal
        assertEquals(201, rita.post("/api/signals/" + signalId + "/decisions",
                "{\"status\":\"confirmed\",\"reason_code\":\"facts_confirmed_on_site\",\"based_on\":null}").statusCode());
        String latest = view(rita, signalId).path("history").get(0).path("event_id").asText();
        assertEquals(201, rita.post("/api/signals/" + signalId + "/decisions",
                "{\"status\":\"forward_proposed\",\"partner\":\"riec\",\"based_on\":\"" + latest + "\"}").statusCode());
        String proposal = view(rita, signalId).path("history").get(1).path("event_id").asText();
        assertEquals(403, rita.post("/api/signals/" + signalId + "/decisions",
                "{\"status\":\"forwarded\",\"based_on\":\"" + proposal + "\"}").statusCode(), "not by the proposer");
        assertTrue(hub.access().between(null, null).stream().anyMatch(e -> e.action().equals("melding") && signalId.equals(e.signalId())));
    }

    static JsonNode view(HubFixture.Client c, String signalId) {
        return json(c.get("/api/signals/" + signalId));
    }

    @Test
    void aDossierHoldsFactsWithProvenanceSignalsLinksAndANetworkCutAtItsCap() {
        HubFixture.Client cora = as("cora");
        JsonNode d = json(cora.get("/api/subjects/person/" + STRAWMAN));
        assertEquals(STRAWMAN, d.path("subject").path("id").asText());
        assertTrue(d.path("signals").toString().contains("U-PERSON-STRAWMAN"));
        Map<String, String> personFacts = new java.util.HashMap<>();
        d.path("facts").forEach(f -> personFacts.put(f.path("name").asText(), f.path("value").asText()));
        assertEquals("2", personFacts.get("companies as officer"), personFacts.toString());
        assertEquals("0553200000100004", personFacts.get("registered address"));
        Set<String> linked = new TreeSet<>();
        d.path("links").forEach(l -> linked.add(l.path("link").asText()));
        assertTrue(linked.containsAll(Set.of("officer_of", "lives_at")), linked.toString());
        // persons are "person 1, 2 …" in the network, the subject itself included
        d.path("nodes").forEach(n -> {
            if (n.path("type").asText().equals("person")) {
                assertTrue(n.path("label").asText().matches("person \\d+"), n.toString());
            }
        });
        // an address: its facts, each with the source table, delivery and date it came from; no care data
        JsonNode a = json(cora.get("/api/subjects/address/" + CROWDED));
        Map<String, JsonNode> facts = new java.util.HashMap<>();
        a.path("facts").forEach(f -> facts.put(f.path("name").asText(), f));
        assertTrue(facts.keySet().containsAll(List.of("use", "floor area (m2)", "registered residents", "households", "active establishments")),
                facts.keySet().toString());
        assertTrue(facts.get("registered residents").path("value").asInt() >= 4);
        facts.values().forEach(f -> {
            assertTrue(f.path("source").asText().startsWith("bronze."), f.toString());
            assertFalse(f.path("source").asText().contains("care"), f.toString());
            assertEquals("2026-11-01", f.path("delivery").asText(), f.toString());
            assertFalse(f.path("delivered_on").isNull(), f.toString());
        });
        assertFalse(a.toString().contains("provision"), "no care data in a dossier");
        // the cap: a subject with more than CAP subjects within two links shows CAP of them and says how many it left out
        Dossiers dossiers = hub.data().snapshot().dossiers();
        HubData.Signal widest = hub.data().snapshot().signals().stream().max(java.util.Comparator.comparing((HubData.Signal sig) ->
                dossiers.network(sig.subjectType(), sig.subjectId(), 10_000).nodes().size()).thenComparing(HubData.Signal::signalId)).orElseThrow();
        int all = dossiers.network(widest.subjectType(), widest.subjectId(), 10_000).nodes().size();
        assertTrue(all > CAP, "precondition: " + all + " subjects within two links");
        JsonNode capped = json(cora.get("/api/subjects/" + widest.subjectType() + "/" + widest.subjectId()));
        assertEquals(CAP, capped.path("nodes").size());
        assertEquals(all - CAP, capped.path("cut").path("omitted").asInt());
        Set<String> shown = new HashSet<>();
        capped.path("nodes").forEach(n -> shown.add(n.path("type").asText() + "|" + n.path("id").asText()));
        capped.path("links").forEach(l -> assertTrue(shown.contains(l.path("from_type").asText() + "|" + l.path("from_id").asText())
                && shown.contains(l.path("to_type").asText() + "|" + l.path("to_id").asText()), "links only among shown subjects"));
        capped.path("nodes").forEach(n -> assertTrue(n.path("distance").asInt() <= 2));
        // 404 for an unknown subject, 400 for an unknown type; the view is audited with its subject
        assertEquals(404, cora.get("/api/subjects/address/0402200000999999").statusCode());
        assertEquals(404, cora.get("/api/subjects/person/" + "ab".repeat(32)).statusCode());
        assertEquals(400, cora.get("/api/subjects/care/1").statusCode());
        assertTrue(hub.access().between(null, null).stream().anyMatch(e -> e.action().equals("dossier")
                && ("address " + CROWDED).equals(e.detail())));
        // the queue: per signal, the other open signals of its dossier, and sortable by them
        JsonNode queue = json(cora.get("/api/signals?sort=dossier&limit=200"));
        List<Integer> open = new ArrayList<>();
        queue.path("items").forEach(i -> open.add(i.path("dossier_open").asInt()));
        List<Integer> sorted = new ArrayList<>(open);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertEquals(sorted, open);
        assertEquals(400, cora.get("/api/signals?sort=name").statusCode());
    }

    @Test
    void controlItemsAreBlindToReviewersAndNamedToTheAuditor() {
        HubFixture.Client rita = as("rita");
        JsonNode checks = json(rita.get("/api/signals?rule_id=" + ControlSample.BLIND_RULE_ID + "&limit=200"));
        assertEquals(lake.readAsOf(Tables.CONTROL_SAMPLE, AS_OF).count(), checks.path("total").asLong());
        assertFalse(rita.get("/api/signals?limit=200").body().contains(ControlSample.RULE_ID), "no CONTROL in a reviewer's queue");
        assertFalse(json(rita.get("/api/options")).path("rules").toString().contains("\"" + ControlSample.RULE_ID + "\""));
        String control = checks.path("items").get(0).path("signal_id").asText();
        assertFalse(rita.get("/api/signals/" + control).body().contains(ControlSample.RULE_ID));
        // it cannot be forwarded unless confirmed first
        HttpResponse<String> early = rita.post("/api/signals/" + control + "/decisions",
                "{\"status\":\"forward_proposed\",\"partner\":\"riec\",\"based_on\":null}");
        assertEquals(400, early.statusCode(), early.body());
        assertEquals(201, rita.post("/api/signals/" + control + "/decisions",
                "{\"status\":\"dismissed\",\"reason_code\":\"insufficient_grounds\",\"based_on\":null}").statusCode());
        JsonNode audit = json(as("aud").get("/api/audit/review"));
        boolean named = false;
        for (JsonNode e : audit) {
            named |= e.path("signal_id").asText().equals(control) && e.path("control").asBoolean()
                    && e.path("rule_id").asText().equals(ControlSample.RULE_ID);
        }
        assertTrue(named, "the auditor's list marks the control item");
        JsonNode precision = json(as("aud").get("/api/precision"));
        boolean controlRow = false;
        for (JsonNode r : precision) {
            controlRow |= r.path("rule_id").asText().equals(ControlSample.RULE_ID) && r.path("reviewed").asInt() >= 1;
        }
        assertTrue(controlRow, precision.toString());
    }

    @Test
    void outcomesFollowForwardingOverrideTheLabelAndOverdueItemsAreListed() {
        HubFixture.Client rita = as("rita");
        HubFixture.Client cora = as("cora");
        List<String> signals = new ArrayList<>();
        json(rita.get("/api/signals?rule_id=U-OBJ-ABC")).path("items").forEach(i -> signals.add(i.path("signal_id").asText()));
        String id = signals.get(0);
        assertEquals(400, rita.post("/api/signals/" + id + "/decisions",
                "{\"status\":\"outcome\",\"outcome_code\":\"no_change\",\"based_on\":null}").statusCode(), "not forwarded: no outcome");
        // confirmed, proposed and forwarded 40 days ago (the first status was due after 28)
        Reviews reviews = hub.reviews();
        Instant longAgo = Instant.now().minus(Duration.ofDays(40));
        Reviews.Event c = reviews.decide(id, "rita", Role.REVIEWER, new Reviews.Decision("confirmed", "facts_confirmed_by_registry", null, null, null),
                false, longAgo);
        Reviews.Event p = reviews.decide(id, "rita", Role.REVIEWER, new Reviews.Decision("forward_proposed", null, "riec", null, c.eventId()),
                false, longAgo.plusSeconds(60));
        Reviews.Event f = reviews.decide(id, "cora", Role.COORDINATOR, new Reviews.Decision("forwarded", null, null, null, p.eventId()),
                false, longAgo.plusSeconds(120));
        JsonNode overdue = json(rita.get("/api/overdue"));
        assertEquals(1, overdue.size(), overdue.toString());
        assertEquals(id, overdue.get(0).path("signal_id").asText());
        assertEquals("status", overdue.get(0).path("kind").asText());
        assertEquals(LocalDate.ofInstant(longAgo.plusSeconds(120), java.time.ZoneOffset.UTC).plusDays(28).toString(),
                overdue.get(0).path("due").asText());
        assertEquals(400, cora.post("/api/signals/" + id + "/decisions",
                "{\"status\":\"outcome\",\"outcome_code\":\"found_it\",\"based_on\":\"" + f.eventId() + "\"}").statusCode(), "an unknown code");
        assertEquals(201, cora.post("/api/signals/" + id + "/decisions",
                "{\"status\":\"outcome\",\"outcome_code\":\"in_progress\",\"based_on\":\"" + f.eventId() + "\"}").statusCode());
        assertEquals(0, json(rita.get("/api/overdue")).size(), "a first status came; the outcome is not due for 182 days");
        String pending = view(rita, id).path("history").get(3).path("event_id").asText();
        assertEquals(201, rita.post("/api/signals/" + id + "/decisions",
                "{\"status\":\"outcome\",\"outcome_code\":\"no_change\",\"based_on\":\"" + pending + "\"}").statusCode(), "a reviewer may record it too");
        JsonNode label = null;
        for (JsonNode l : json(as("dana").get("/api/labels"))) {
            if (l.path("signal_id").asText().equals(id)) {
                label = l;
            }
        }
        assertEquals(0, label.path("label").asInt(), "the partner found nothing: it overrides the hub's confirmation");
        assertEquals("outcome", label.path("label_source").asText());
        assertEquals("no_change", label.path("outcome_code").asText());
        assertTrue(hub.access().between(null, null).stream().anyMatch(e -> e.action().equals("outcome") && id.equals(e.signalId())));
    }

    @Test
    void aDossierIsOpenedAndAMeldingRegisteredInChromium() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        boolean installed = Files.isExecutable(chromium) && Files.isExecutable(driver);
        if (System.getenv("CI") != null) {
            assertTrue(installed, "CI must have /usr/bin/chromium and /usr/bin/chromedriver (.ci/run installs them)");
        }
        assumeTrue(installed, "no /usr/bin/chromium and chromedriver: apt-get install chromium chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100",
                "--disable-gpu", "--no-first-run", "--disable-extensions");
        WebDriver browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).usingAnyFreePort().build(),
                options);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            Path shots = nl.buurtsignaal.TestPaths.build().resolve("screenshots");
            Files.createDirectories(shots);
            String base = "http://127.0.0.1:" + hub.port();
            browser.get(base + "/#/login");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("name"))).sendKeys("rita");
            browser.findElement(By.id("password")).sendKeys(HubFixture.PASSWORD);
            browser.findElement(By.id("login")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#queue tr.row")));

            // the straw man's signal, then its dossier and network
            String strawmanSignal = null;
            for (JsonNode item : json(as("rita").get("/api/signals?rule_id=U-PERSON-STRAWMAN")).path("items")) {
                if (item.path("subject_id").asText().equals(STRAWMAN)) {
                    strawmanSignal = item.path("signal_id").asText();
                }
            }
            browser.get(base + "/#/signal/" + strawmanSignal);
            wait.until(ExpectedConditions.elementToBeClickable(By.id("open-dossier"))).click();
            WebElement network = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#network g.node")));
            assertTrue(network.isDisplayed());
            List<WebElement> nodes = browser.findElements(By.cssSelector("#network g.node"));
            assertTrue(nodes.size() > 1 && nodes.size() <= CAP, nodes.size() + " nodes");
            assertFalse(browser.findElement(By.tagName("h1")).getText().contains(STRAWMAN), "the pseudonym only on demand");
            browser.findElement(By.id("show-pseudonym")).click();
            assertEquals(STRAWMAN, wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("pseudonym"))).getText());
            shot(browser, shots, "dossier-person");

            // a linked company: click its node, then register a melding on it from its dossier
            WebElement company = browser.findElement(By.cssSelector("#network g.node.company"));
            String kvk = company.getAttribute("data-id");
            new org.openqa.selenium.interactions.Actions(browser).moveToElement(company).click().perform();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), kvk));
            assertTrue(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dossier-facts"))).getText().contains("officers"));
            shot(browser, shots, "dossier-company");
            browser.findElement(By.id("new-melding")).click();
            new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("source")))).selectByValue("partner");
            new Select(browser.findElement(By.id("reliability"))).selectByValue("A");
            assertEquals(kvk, browser.findElement(By.id("subject_id")).getAttribute("value"));
            WebElement text = browser.findElement(By.id("text"));
            text.sendKeys("Toezicht: BSN 123456782 seen on a letter.");
            browser.findElement(By.id("melding-submit")).click();
            assertTrue(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("melding-message"))).getText().contains("BSN"));
            shot(browser, shots, "melding-refused");
            text.clear();
            text.sendKeys("Toezicht: the company's premises were closed at four visits during opening hours.");
            browser.findElement(By.id("melding-submit")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "MELDING"));
            assertTrue(browser.findElement(By.id("facts")).getText().contains("closed at four visits"));
            shot(browser, shots, "melding-registered");

            // the coordinator's precision page
            browser.findElement(By.id("logout")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("name"))).sendKeys("cora");
            browser.findElement(By.id("password")).sendKeys(HubFixture.PASSWORD);
            browser.findElement(By.id("login")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#queue tr.row")));
            browser.findElement(By.linkText("Rule precision")).click();
            assertTrue(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("precision"))).getText().contains("CONTROL"));
            shot(browser, shots, "precision");
            browser.findElement(By.linkText("Overdue")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("overdue")));
            shot(browser, shots, "overdue");
        } finally {
            browser.quit();
        }
    }

    static void shot(WebDriver browser, Path shots, String name) throws Exception {
        File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), shots.resolve("hub-" + name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void erasingAPersonRemovesTheirLinks() {
        // on a copy of the lake: the hub's lake keeps the person for the other tests
        Lake own = lake(dir.resolve("erasure-lake"));
        assertTrue(own.read(Tables.SUBJECT_LINK).filter("from_id = '" + STRAWMAN + "'").count() > 0);
        new Erasure(own, nl.buurtsignaal.base.Progress.silent()).erase(List.of(STRAWMAN), 1e6);
        assertEquals(0, own.read(Tables.SUBJECT_LINK).filter("from_id = '" + STRAWMAN + "' OR to_id = '" + STRAWMAN + "'").count());
        assertTrue(lake.read(Tables.SUBJECT_LINK).filter("from_id = '" + STRAWMAN + "'").count() > 0, "the hub's lake is untouched");
    }
}
