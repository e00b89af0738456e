package nl.buurtsignaal.bench;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.conform.Conform;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub's bench: a lake with many signals over several reference dates, the hub started as a
 * user starts it (its own JVM), and the latency of the queue, a signal page and a decision,
 * measured warm over HTTP as a browser asks them.
 */
public final class HubBench {
    public record Figures(int signals, int asOfs, long persons, long links, double readySeconds, double[] queueMs, double[] viewMs,
                          double[] decideMs, double[] dossierMs, double[] dossierQueueMs, double[] meldingMs) {
        public String summary() {
            return String.format(Locale.ROOT, "hub bench, %d signals over %d reference dates, the %d links of a city of %d persons: "
                            + "ready %.1f s after start (target 15 s); "
                            + "queue p50 %.0f ms p95 %.0f ms (target 150); signal page p50 %.0f ms p95 %.0f ms (target 100); "
                            + "decision p50 %.0f ms p95 %.0f ms (target 500); dossier page p50 %.0f ms p95 %.0f ms (target 200); "
                            + "queue by dossier p50 %.0f ms p95 %.0f ms; melding p50 %.0f ms p95 %.0f ms (target 500)",
                    signals, asOfs, links, persons, readySeconds, pct(queueMs, 50), pct(queueMs, 95), pct(viewMs, 50), pct(viewMs, 95),
                    pct(decideMs, 50), pct(decideMs, 95), pct(dossierMs, 50), pct(dossierMs, 95), pct(dossierQueueMs, 50),
                    pct(dossierQueueMs, 95), pct(meldingMs, 50), pct(meldingMs, 95));
        }

        public String markdown(String environment) {
            return String.format(Locale.ROOT, """
                    %s
                    ## The hub (`bin/buurtsignaal hub-bench`)

                    %s

                    %d signals over %d reference dates, and the %d links (`gold.subject_link`) and registries of a city of \
                    %d persons; the hub in a JVM of its own, as `bin/buurtsignaal hub` starts it; \
                    requests over HTTP from one client after a warm-up, as a browser sends them.

                    | what | p50 | p95 | target (p95) | met |
                    | --- | --- | --- | --- | --- |
                    | ready after start | %.1f s | | 15 s | %s |
                    | queue page (`GET /api/signals`, varied filters, %d requests) | %.0f ms | %.0f ms | 150 ms | %s |
                    | signal page (`GET /api/signals/{id}`, %d requests) | %.0f ms | %.0f ms | 100 ms | %s |
                    | decision incl. its Delta commit (`POST …/decisions`, %d requests) | %.0f ms | %.0f ms | 500 ms | %s |
                    | dossier page (`GET /api/subjects/address/{id}`, network within two links, %d requests) | %.0f ms | %.0f ms | 200 ms | %s |
                    | queue sorted by open signals in the dossier (`sort=dossier`, %d requests) | %.0f ms | %.0f ms | | |
                    | melding incl. its Delta commit (`POST /api/meldingen`, %d requests) | %.0f ms | %.0f ms | 500 ms | %s |
                    %s
                    """, Sections.HUB.begin(), environment, signals, asOfs, links, persons, readySeconds, readySeconds <= 15 ? "yes" : "no",
                    queueMs.length, pct(queueMs, 50), pct(queueMs, 95), pct(queueMs, 95) <= 150 ? "yes" : "no",
                    viewMs.length, pct(viewMs, 50), pct(viewMs, 95), pct(viewMs, 95) <= 100 ? "yes" : "no",
                    decideMs.length, pct(decideMs, 50), pct(decideMs, 95), pct(decideMs, 95) <= 500 ? "yes" : "no",
                    dossierMs.length, pct(dossierMs, 50), pct(dossierMs, 95), pct(dossierMs, 95) <= 200 ? "yes" : "no",
                    dossierQueueMs.length, pct(dossierQueueMs, 50), pct(dossierQueueMs, 95),
                    meldingMs.length, pct(meldingMs, 50), pct(meldingMs, 95), pct(meldingMs, 95) <= 500 ? "yes" : "no", Sections.HUB.end());
        }
    }

    private static final Pattern READY = Pattern.compile("hub ready on (http://[^/]+/)");

    private HubBench() {
    }

    /** gold.signal with {@code signals} signals spread over {@code asOfs} month-end dates, with scores and neighbourhoods. */
    public static void writeLake(Lake lake, EngineConfig config, int signals, int asOfs, LocalDate last) {
        List<String> buurten = Conform.referenceBuurten(lake.spark(), config).select("buurt_code")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        String[] rules = {"U-ADDR-OVERCROWDED", "U-ADDR-FREQUENT-MOVERS", "U-ADDR-VOW-CHURN", "U-ADDR-COMPANY-CLUSTER",
                "U-ADDR-ENFORCEMENT", "U-OBJ-ABC", "U-OBJ-CASH-COMPANY", "U-PERSON-STRAWMAN", "U-ADDR-RISK-BRANCH-CHURN"};
        SplittableRandom random = new SplittableRandom(42);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < signals; i++) {
            // subjects recur over the dates, as they do month after month
            LocalDate asOf = last.minusMonths(i % asOfs).withDayOfMonth(1).plusMonths(1).minusDays(1);
            int subject = (i / asOfs) % Math.max(1, signals / asOfs);
            String address = String.format("0402200%09d", subject);
            String rule = rules[subject % rules.length];
            StringBuilder persons = new StringBuilder();
            for (int p = 0; p < 4 + subject % 4; p++) {
                persons.append(p == 0 ? "" : ",").append("{\"person_id\":\"").append(String.format("%064x", (long) subject * 16 + p))
                        .append("\",\"resident_since\":\"2024-0").append(1 + p).append("-01\"}");
            }
            rows.add(RowFactory.create(String.format("sig-%032x", (long) i), Date.valueOf(asOf), rule, "address", address, address,
                    buurten.get(subject % buurten.size()), 1 + random.nextInt(3),
                    "{\"residents\":" + (4 + subject % 4) + ",\"floor_area_m2\":40,\"m2_per_resident\":8.0,"
                            + "\"max_m2_per_resident\":12,\"persons\":[" + persons + "]}"));
        }
        lake.overwrite(Tables.SIGNAL, lake.spark().createDataFrame(rows, Tables.SIGNAL_SCHEMA).repartition(1));
        List<Row> scores = new ArrayList<>();
        for (int d = 0; d < asOfs; d++) {
            LocalDate asOf = last.minusMonths(d).withDayOfMonth(1).plusMonths(1).minusDays(1);
            for (String theme : config.themes()) {
                for (int b = 0; b < buurten.size(); b++) {
                    double s = random.nextGaussian();
                    scores.add(RowFactory.create(Date.valueOf(asOf), buurten.get(b), theme, s, b + 1, s >= 2,
                            List.of(RowFactory.create("overcrowded_addresses_pct", s / 2)), "m-bench"));
                }
            }
        }
        lake.overwrite(Tables.BUURT_SCORE, lake.spark().createDataFrame(scores, Tables.BUURT_SCORE_SCHEMA).repartition(1));
        lake.overwrite(Tables.SILVER_BUURT, Conform.referenceBuurten(lake.spark(), config));
    }

    /**
     * The registries and links of a city of {@code persons} persons on {@code asOf}, made by Spark
     * from ranges (no row passes the driver): one address per 2.2 persons, each with its object
     * (silver.address, silver.household), a company per 10 persons registered at an address
     * (silver.establishment, silver.company) with one or two officers, and a cash purchase by every
     * 30th company; gold.subject_link holds their lives_at, registered_at, officer_of, object_at and
     * owns links. The signals of {@link #writeLake} concern the first addresses. Returns the links written.
     */
    public static long writeCity(Lake lake, long persons, LocalDate asOf) {
        var spark = lake.spark();
        long addresses = Math.max(10, Math.round(persons / 2.2));
        long companies = Math.max(1, persons / 10);
        String on = "DATE'" + asOf + "'";
        String address = "concat('0402200', lpad(cast(%s AS STRING), 9, '0'))";
        String object = "concat('0402010', lpad(cast(%s AS STRING), 9, '0'))";
        String kvk = "lpad(cast(30000000 + %s AS STRING), 8, '0')";
        String person = "sha2(concat('person:', cast(%s AS STRING)), 256)";
        String buurt = "element_at(array('BU04020101', 'BU04020102', 'BU04020103', 'BU04020201', 'BU04020202'), cast(%s %% 5 AS INT) + 1)";
        spark.range(addresses).createOrReplaceTempView("bench_address");
        spark.range(persons).createOrReplaceTempView("bench_person");
        spark.range(companies).createOrReplaceTempView("bench_company");
        lake.overwrite(Tables.SILVER_ADDRESS, spark.sql("SELECT " + on + " AS as_of, " + address.formatted("id") + " AS address_id, "
                + object.formatted("id") + " AS object_id, 'woonfunctie' AS usage, true AS is_residential, cast(40 + id % 80 AS INT) AS floor_area_m2, "
                + buurt.formatted("id") + " AS buurt_code FROM bench_address"));
        lake.overwrite(Tables.SILVER_HOUSEHOLD, spark.sql("SELECT " + on + " AS as_of, " + address.formatted("a") + " AS address_id, "
                + buurt.formatted("a") + " AS buurt_code, 'woonfunctie' AS usage, true AS is_residential, cast(40 + a % 80 AS INT) AS floor_area_m2, "
                + "count(*) AS residents FROM (SELECT (id * 7) % " + addresses + " AS a FROM bench_person) GROUP BY a"));
        lake.overwrite(Tables.SILVER_ESTABLISHMENT, spark.sql("SELECT " + on + " AS as_of, lpad(cast(id AS STRING), 12, '0') AS establishment_id, "
                + kvk.formatted("id") + " AS kvk_number, " + address.formatted("(id * 13) % " + addresses) + " AS address_id, "
                + buurt.formatted("id") + " AS buurt_code, '4711' AS sbi_code, true AS is_risk_branch, 'bv' AS legal_form, "
                + "date_sub(" + on + ", cast(id % 2000 AS INT)) AS registered_on, CAST(NULL AS DATE) AS deregistered_on, true AS is_active "
                + "FROM bench_company"));
        lake.overwrite(Tables.SILVER_COMPANY, spark.sql("SELECT " + on + " AS as_of, " + kvk.formatted("id") + " AS kvk_number, "
                + "date_sub(" + on + ", cast(id % 2000 AS INT)) AS registered_on, CAST(NULL AS DATE) AS deregistered_on, "
                + "1L AS establishments, 1L AS active_establishments FROM bench_company"));
        String link = "SELECT " + on + " AS as_of, '%s' AS from_type, %s AS from_id, '%s' AS to_type, %s AS to_id, '%s' AS link, %s AS since FROM %s";
        org.apache.spark.sql.Dataset<Row> links = spark.sql(String.join(" UNION ALL ",
                link.formatted("person", person.formatted("id"), "address", address.formatted("(id * 7) % " + addresses), "lives_at",
                        "date_sub(" + on + ", cast(id % 3000 AS INT))", "bench_person"),
                link.formatted("company", kvk.formatted("id"), "address", address.formatted("(id * 13) % " + addresses), "registered_at",
                        "date_sub(" + on + ", cast(id % 2000 AS INT))", "bench_company"),
                link.formatted("person", person.formatted("(id * 31) % " + persons), "company", kvk.formatted("id"), "officer_of",
                        "date_sub(" + on + ", cast(id % 2000 AS INT))", "bench_company"),
                link.formatted("person", person.formatted("(id * 17) % " + persons), "company", kvk.formatted("id"), "officer_of",
                        "date_sub(" + on + ", cast(id % 1500 AS INT))", "bench_company WHERE id % 3 = 0"),
                link.formatted("object", object.formatted("id"), "address", address.formatted("id"), "object_at", "CAST(NULL AS DATE)",
                        "bench_address"),
                link.formatted("company", kvk.formatted("id"), "object", object.formatted("(id * 101) % " + addresses), "owns",
                        "date_sub(" + on + ", cast(id % 900 AS INT))", "bench_company WHERE id % 30 = 0")));
        lake.overwrite(Tables.SUBJECT_LINK, links.repartition(2));
        return lake.read(Tables.SUBJECT_LINK).count();
    }

    /**
     * Starts the hub with {@code command} (a launcher, in a JVM of its own), measures, and stops it.
     * {@code signalIds} are the signals to view and decide on.
     */
    public static Figures measure(List<String> command, int signals, int asOfs, long persons, long links, List<String> signalIds,
                                  List<String> addresses, String user, String password, int requests, Path log)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        Process hub = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String ready0 = null;
            while (ready0 == null) {
                if (!hub.isAlive()) {
                    throw new IllegalStateException("the hub stopped before it was ready: see " + log);
                }
                Matcher m = READY.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) {
                    ready0 = m.group(1);
                } else if (System.nanoTime() - started > 120e9) {
                    throw new IllegalStateException("the hub was not ready within 120 s: see " + log);
                } else {
                    Thread.sleep(20);
                }
            }
            double ready = (System.nanoTime() - started) / 1e9;
            String base = ready0;
            HttpClient http = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
            String login = send(http, "POST", base + "api/login", "{\"name\":\"" + user + "\",\"password\":\"" + password + "\"}", null);
            String csrf = login.replaceAll(".*\"csrf\":\"([^\"]+)\".*", "$1");
            String[] filters = {"", "severity=3", "rule_id=U-ADDR-OVERCROWDED", "gemeente=GM0402", "status=new",
                    "offset=200", "buurt_code=BU04020101", "gemeente=GM0553&severity=2"};
            // steady state: the first dossier waits until the dossiers' index is read (its own thread, after ready)
            for (int i = 0; i < 20; i++) {
                send(http, "GET", base + "api/subjects/address/" + addresses.get(i % addresses.size()), null, null);
            }
            for (int i = 0; i < 30; i++) { // warm-up: the JIT, the first answers
                send(http, "GET", base + "api/signals?" + filters[i % filters.length], null, null);
                send(http, "GET", base + "api/signals/" + signalIds.get(i % signalIds.size()), null, null);
            }
            double[] queue = new double[requests];
            double[] view = new double[requests];
            for (int i = 0; i < requests; i++) {
                String filter = filters[i % filters.length];
                queue[i] = timed(() -> send(http, "GET", base + "api/signals?limit=50&" + filter, null, null));
                String id = signalIds.get((i * 7919) % signalIds.size());
                view[i] = timed(() -> send(http, "GET", base + "api/signals/" + id, null, null));
            }
            int decisions = Math.min(100, signalIds.size());
            double[] decide = new double[decisions];
            for (int i = 0; i < decisions; i++) {
                String id = signalIds.get(signalIds.size() - 1 - i);
                String page = send(http, "GET", base + "api/signals/" + id, null, null);
                Matcher latest = Pattern.compile("\"event_id\":\"([^\"]+)\"").matcher(page);
                String basedOn = null;
                while (latest.find()) {
                    basedOn = latest.group(1);
                }
                String body = "{\"status\":\"in_review\",\"based_on\":" + (basedOn == null ? "null" : "\"" + basedOn + "\"") + "}";
                decide[i] = timed(() -> send(http, "POST", base + "api/signals/" + id + "/decisions", body, csrf));
            }
            double[] dossier = new double[requests];
            for (int i = 0; i < requests; i++) {
                String id = addresses.get((i * 7919) % addresses.size());
                dossier[i] = timed(() -> send(http, "GET", base + "api/subjects/address/" + id, null, null));
            }
            double[] byDossier = new double[Math.max(1, requests / 10)];
            for (int i = 0; i < byDossier.length; i++) {
                String filter = filters[i % filters.length];
                byDossier[i] = timed(() -> send(http, "GET", base + "api/signals?limit=50&sort=dossier&" + filter, null, null));
            }
            double[] melding = new double[decisions];
            for (int i = 0; i < decisions; i++) {
                String body = "{\"source\":\"street\",\"reliability\":\"B\",\"credibility\":\"2\",\"subject_type\":\"address\","
                        + "\"subject_id\":\"" + addresses.get(i % addresses.size()) + "\",\"observed_on\":\"2026-10-20\","
                        + "\"text\":\"Bench: lights on all night, many people coming and going.\"}";
                melding[i] = timed(() -> send(http, "POST", base + "api/meldingen", body, csrf));
            }
            return new Figures(signals, asOfs, persons, links, ready, queue, view, decide, dossier, byDossier, melding);
        } finally {
            hub.destroy();
            hub.waitFor();
        }
    }

    private interface Call {
        void run() throws IOException, InterruptedException;
    }

    private static double timed(Call call) throws IOException, InterruptedException {
        long t = System.nanoTime();
        call.run();
        return (System.nanoTime() - t) / 1e6;
    }

    private static String send(HttpClient http, String method, String url, String body, String csrf)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    static double pct(double[] values, int p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
