package nl.buurtsignaal.hub;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.conform.Conform;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;

/** A small lake for the hub (signals on two reference dates, scores, neighbourhoods) and an HTTP client for it. */
public final class HubFixture {
    public static final String PASSWORD = "correct horse battery";
    public static final List<String> USERS = List.of("rita:reviewer", "ruud:reviewer", "cora:coordinator", "coen:coordinator",
            "aud:auditor", "dana:data_scientist", "tina:data_scientist", "ana:analyst", "bia:bi");

    private HubFixture() {
    }

    /** gold.signal with {@code perAsOf} signals on each of the given dates, gold.buurt_score and silver.buurt. */
    public static void writeLake(Lake lake, EngineConfig config, int perAsOf, String... asOfs) {
        List<String> buurten = List.of("BU04020101", "BU04020102", "BU05340001", "BU15250000");
        List<Row> rows = new ArrayList<>();
        for (String asOf : asOfs) {
            for (int i = 0; i < perAsOf; i++) {
                String address = String.format("04022000%08d", i);
                rows.add(RowFactory.create(String.format("sig-%s-%06d", asOf, i), Date.valueOf(asOf), "U-ADDR-OVERCROWDED",
                        "address", address, address, buurten.get(i % buurten.size()), 1 + i % 3,
                        "{\"residents\":6,\"floor_area_m2\":40,\"m2_per_resident\":6.7,\"max_m2_per_resident\":12,"
                                + "\"persons\":[{\"person_id\":\"" + "ab".repeat(32) + "\",\"resident_since\":\"2024-01-01\"}]}"));
            }
        }
        lake.overwrite(Tables.SIGNAL, lake.spark().createDataFrame(rows, Tables.SIGNAL_SCHEMA).coalesce(1));
        List<Row> scores = new ArrayList<>();
        for (String asOf : asOfs) {
            int rank = 1;
            for (String b : buurten) {
                for (String theme : List.of("undermining", "care_stacking")) {
                    scores.add(RowFactory.create(Date.valueOf(asOf), b, theme, 3.0 - rank * 0.5, rank, rank == 1,
                            List.of(RowFactory.create("overcrowded_addresses_pct", 1.5)), "m-test"));
                }
                rank++;
            }
        }
        lake.overwrite(Tables.BUURT_SCORE, lake.spark().createDataFrame(scores, Tables.BUURT_SCORE_SCHEMA).coalesce(1));
        lake.overwrite(Tables.SILVER_BUURT, Conform.referenceBuurten(lake.spark(), config));
    }

    public static Path writeUsers(Path dir) {
        Path file = dir.resolve("users.txt");
        for (String u : USERS) {
            String[] parts = u.split(":");
            HubUsers.add(file, parts[0], Role.of(parts[1]), PASSWORD);
        }
        return file;
    }

    /** A browser-like client: one cookie jar, the CSRF token of its login. */
    public static final class Client {
        private final HttpClient http;
        private final String base;
        public String csrf;

        public Client(int port) {
            this.http = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
            this.base = "http://127.0.0.1:" + port;
        }

        public HttpResponse<String> login(String name, String password) {
            HttpResponse<String> r = send("POST", "/api/login", "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}", false);
            if (r.statusCode() == 200) {
                csrf = r.body().replaceAll(".*\"csrf\":\"([^\"]+)\".*", "$1");
            }
            return r;
        }

        public HttpResponse<String> get(String path) {
            return send("GET", path, null, false);
        }

        public HttpResponse<String> post(String path, String json) {
            return send("POST", path, json, true);
        }

        public HttpResponse<String> send(String method, String path, String json, boolean withCsrf) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                    .header("Content-Type", "application/json");
            if (withCsrf && csrf != null) {
                b.header("X-CSRF-Token", csrf);
            }
            try {
                return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
