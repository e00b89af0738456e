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
    public record Figures(int signals, int asOfs, double readySeconds, double[] queueMs, double[] viewMs, double[] decideMs) {
        public String summary() {
            return String.format(Locale.ROOT, "hub bench, %d signals over %d reference dates: ready %.1f s after start (target 15 s); "
                            + "queue p50 %.0f ms p95 %.0f ms (target 150); signal page p50 %.0f ms p95 %.0f ms (target 100); "
                            + "decision p50 %.0f ms p95 %.0f ms (target 500)",
                    signals, asOfs, readySeconds, pct(queueMs, 50), pct(queueMs, 95), pct(viewMs, 50), pct(viewMs, 95),
                    pct(decideMs, 50), pct(decideMs, 95));
        }

        public String markdown(String environment) {
            return String.format(Locale.ROOT, """
                    %s
                    ## The hub (`bin/buurtsignaal hub-bench`)

                    %s

                    %d signals over %d reference dates; the hub in a JVM of its own, as `bin/buurtsignaal hub` starts it; \
                    requests over HTTP from one client after a warm-up, as a browser sends them.

                    | what | p50 | p95 | target (p95) | met |
                    | --- | --- | --- | --- | --- |
                    | ready after start | %.1f s | | 15 s | %s |
                    | queue page (`GET /api/signals`, varied filters, %d requests) | %.0f ms | %.0f ms | 150 ms | %s |
                    | signal page (`GET /api/signals/{id}`, %d requests) | %.0f ms | %.0f ms | 100 ms | %s |
                    | decision incl. its Delta commit (`POST …/decisions`, %d requests) | %.0f ms | %.0f ms | 500 ms | %s |
                    %s
                    """, Sections.HUB.begin(), environment, signals, asOfs, readySeconds, readySeconds <= 15 ? "yes" : "no",
                    queueMs.length, pct(queueMs, 50), pct(queueMs, 95), pct(queueMs, 95) <= 150 ? "yes" : "no",
                    viewMs.length, pct(viewMs, 50), pct(viewMs, 95), pct(viewMs, 95) <= 100 ? "yes" : "no",
                    decideMs.length, pct(decideMs, 50), pct(decideMs, 95), pct(decideMs, 95) <= 500 ? "yes" : "no", Sections.HUB.end());
        }
    }

    /** gold.signal's columns (contract section 4). */
    public static final StructType SIGNAL = new StructType().add("signal_id", DataTypes.StringType).add("as_of", DataTypes.DateType)
            .add("rule_id", DataTypes.StringType).add("subject_type", DataTypes.StringType)
            .add("subject_id", DataTypes.StringType).add("address_id", DataTypes.StringType)
            .add("buurt_code", DataTypes.StringType).add("severity", DataTypes.IntegerType)
            .add("evidence", DataTypes.StringType);
    /** gold.buurt_score's columns (contract section 4). */
    public static final StructType SCORE = new StructType().add("as_of", DataTypes.DateType).add("buurt_code", DataTypes.StringType)
            .add("theme", DataTypes.StringType).add("score", DataTypes.DoubleType).add("rank", DataTypes.IntegerType)
            .add("flagged", DataTypes.BooleanType)
            .add("contributions", new ArrayType(new StructType().add("indicator_id", DataTypes.StringType)
                    .add("contribution", DataTypes.DoubleType), true))
            .add("method_version", DataTypes.StringType);

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
        lake.overwrite(Tables.SIGNAL, lake.spark().createDataFrame(rows, SIGNAL).repartition(1));
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
        lake.overwrite(Tables.BUURT_SCORE, lake.spark().createDataFrame(scores, SCORE).repartition(1));
        lake.overwrite(Tables.SILVER_BUURT, Conform.referenceBuurten(lake.spark(), config));
    }

    /**
     * Starts the hub with {@code command} (a launcher, in a JVM of its own), measures, and stops it.
     * {@code signalIds} are the signals to view and decide on.
     */
    public static Figures measure(List<String> command, int signals, int asOfs, List<String> signalIds, String user,
                                  String password, int requests, Path log) throws IOException, InterruptedException {
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
            int decisions = Math.min(40, signalIds.size());
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
            return new Figures(signals, asOfs, ready, queue, view, decide);
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
