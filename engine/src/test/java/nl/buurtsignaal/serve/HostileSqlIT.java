package nl.buurtsignaal.serve;

import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.cli.Main;
import nl.buurtsignaal.hub.HubFixture;
import nl.buurtsignaal.hub.HubUsers;
import nl.buurtsignaal.hub.Role;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQL endpoint and the {@code sql} command against a user who tries: every statement of the
 * corpus below is sent through Arrow's Flight SQL JDBC driver to {@code serve} (as {@code bi} and
 * as {@code analyst}) and through {@code sql}; each must be refused with a one-line reason, leave
 * every Delta table of the lake at its version, and be in audit.access. The corpus holds each class
 * of bypass found against the earlier check (names as typed, a short list of statement classes)
 * and more of our own.
 */
class HostileSqlIT extends SparkTestBase {
    @TempDir
    static Path dir;
    static Lake lake;
    static Serve serve;
    static Path keyFile;
    static Path usersFile;
    static final String AS_OF = "2026-10-31";
    static final Logins LOGINS = new Logins(() -> serve.port());
    static final List<String> UNDERMINING = List.of("overcrowded_addresses_pct", "frequent_movers_per_1000",
            "company_cluster_addresses_per_1000", "risk_branch_establishments_per_1000", "short_lived_companies_pct",
            "cash_purchases_pct", "quick_resales_pct", "enforcement_cases_per_1000", "vacant_residential_pct");

    /** A hostile statement: who sends it, and whether {@code sql} (which reads every table) must refuse it too. */
    record Attempt(String user, String statement, boolean everywhere) {
    }

    /** Refused for everyone, {@code sql} included. */
    static Attempt all(String statement) {
        return new Attempt("ana", statement, true);
    }

    /** Refused for bi (reads only published.*), though an analyst's {@code sql} may read it. */
    static Attempt bi(String statement) {
        return new Attempt("bia", statement, false);
    }

    static List<Attempt> corpus() {
        String lakeDir = lake.root();
        String key = keyFile.toString();
        String users = usersFile.toString();
        return List.of(
                // another spelling of a relation bi may not read
                bi("WITH `silver.provision` AS (SELECT 1 AS x) SELECT * FROM silver.provision"),
                bi("WITH `gold.signal` AS (SELECT 1 AS x) SELECT * FROM gold.signal"),
                bi("SELECT * FROM silver.provision VERSION AS OF 0"),
                bi("SELECT * FROM gold.signal TIMESTAMP AS OF '2000-01-01'"),
                bi("SELECT * FROM IDENTIFIER('silver.provision')"),
                bi("SELECT * FROM IDENTIFIER('gold' || '.signal')"),
                bi("SELECT * FROM spark_catalog.silver.provision"),
                bi("SELECT * FROM `silver`.`provision`"),
                bi("SeLeCt * FrOm SILVER . PROVISION"),
                bi("/* published.buurt */ SELECT * FROM -- published.buurt\n silver.provision"),
                bi("TABLE silver.provision"),
                bi("FROM silver.provision |> SELECT *"),
                bi("FROM published.buurt |> WHERE buurt_code IN (SELECT buurt_code FROM gold.signal) |> SELECT *"),
                bi("VALUES (1) UNION ALL SELECT count(*) FROM silver.provision"),
                bi("SELECT (SELECT count(*) FROM silver.provision) AS n"),
                bi("SELECT * FROM published.buurt WHERE EXISTS (SELECT 1 FROM (SELECT * FROM (SELECT * FROM silver.provision)))"),
                bi("SELECT * FROM published.buurt b, LATERAL (SELECT * FROM gold.signal s WHERE s.buurt_code = b.buurt_code)"),
                bi("SELECT * FROM published.buurt_score, silver.provision"),
                bi("SELECT * FROM gold.buurt_indicator_trend"),
                bi("SELECT * FROM gold.buurt_score"),
                bi("SELECT * FROM hub.review"),
                bi("SELECT * FROM audit.access"),
                // the per-person care rows and the access log are not the analyst's over the network
                new Attempt("ana", "SELECT * FROM silver.provision", false),
                new Attempt("ana", "SELECT count(*) FROM bronze.care_provision", false),
                new Attempt("ana", "SELECT * FROM quarantine.row", false),
                new Attempt("ana", "SELECT * FROM audit.access", false),
                // any file the process can read, the key and the users file above all
                all("SELECT * FROM text.`" + key + "`"),
                all("SELECT * FROM IDENTIFIER('text.`" + key + "`')"),
                all("SELECT * FROM IDENTIFIER('csv.`" + users + "`')"),
                all("SELECT * FROM csv.`" + users + "`"),
                all("SELECT * FROM json.`" + lakeDir + "`"),
                all("SELECT * FROM binaryFile.`" + key + "`"),
                all("SELECT * FROM parquet.`" + lakeDir + "/silver/provision`"),
                all("SELECT * FROM delta.`" + lakeDir + "/silver/provision`"),
                all("SELECT * FROM IDENTIFIER('delta.`" + lakeDir + "/gold/signal`')"),
                all("SELECT input_file_name() FROM gold.signal"),
                all("SELECT * FROM silver.provision WITH ('versionAsOf' = '0')"),
                // changes to the lake or to the session, however wrapped
                all("EXECUTE IMMEDIATE 'DELETE FROM gold.signal'"),
                all("EXECUTE IMMEDIATE 'SELECT * FROM silver.provision'"),
                all("RESTORE TABLE gold.signal TO VERSION AS OF 0"),
                all("RESTORE TABLE audit.access TO VERSION AS OF 0"),
                all("INSERT OVERWRITE DIRECTORY '" + dir.resolve("out") + "' USING csv SELECT * FROM gold.signal"),
                all("INSERT INTO hub.review SELECT 'e1', 'sig-" + AS_OF + "-000000', 'forwarded', 'cora', 'coordinator', "
                        + "current_timestamp(), NULL, 'politie', 'e0', NULL"),
                all("DELETE FROM audit.access"),
                all("UPDATE gold.signal SET severity = 3"),
                all("MERGE INTO gold.signal t USING gold.signal s ON t.signal_id = s.signal_id WHEN MATCHED THEN DELETE"),
                all("SET spark.sql.runSQLOnFiles=true"),
                all("RESET"),
                all("ADD JAR '" + dir.resolve("x.jar") + "'"),
                all("ADD FILE '" + key + "'"),
                all("CALL spark_catalog.system.rollback_to_snapshot('gold.signal', 1)"),
                all("DESCRIBE HISTORY gold.signal"),
                all("DESCRIBE DETAIL gold.signal"),
                all("SHOW TBLPROPERTIES gold.signal"),
                all("VACUUM gold.signal RETAIN 0 HOURS"),
                all("OPTIMIZE gold.signal"),
                all("CREATE TEMPORARY VIEW v AS SELECT * FROM silver.provision"),
                all("CREATE OR REPLACE VIEW published.buurt AS SELECT * FROM silver.provision"),
                all("CREATE TABLE t USING text LOCATION '" + dir + "'"),
                all("CACHE TABLE c AS SELECT * FROM gold.signal"),
                all("DECLARE VARIABLE v INT DEFAULT 1"),
                all("EXPLAIN SELECT * FROM silver.provision"),
                all("USE silver"),
                all("WITH x AS (SELECT * FROM gold.signal) INSERT INTO gold.signal SELECT * FROM x"),
                // the JVM, by any spelling
                all("SELECT reflect('java.lang.System', 'getProperty', 'user.home')"),
                all("SELECT `reflect`('java.lang.System', 'getProperty', 'user.home')"),
                all("SELECT JAVA_METHOD('java.lang.System', 'getProperty', 'user.home')"),
                all("SELECT try_reflect('java.lang.System', 'exit', 0)"),
                all("SELECT IDENTIFIER('reflect')('java.lang.System', 'getProperty', 'user.home')"),
                all("SELECT IDENTIFIER('java_' || 'method')('java.lang.System', 'getProperty', 'user.home')"),
                all("SELECT * FROM gold.signal WHERE signal_id IN (SELECT java_method('java.lang.System', 'getenv', 'HOME'))"),
                all("FROM gold.signal |> SELECT reflect('java.lang.Runtime', 'getRuntime')"),
                all("SELECT xpath('<a><b>1</b></a>', '/a/b')"),
                all("SELECT schema_of_xml('<a/>')"),
                // memory and work from one row
                all("SELECT explode(sequence(1, 2000000000))"),
                all("SELECT sequence(1, 2000000000)"),
                all("SELECT count(*) FROM (SELECT explode(array_repeat(1, 2000000000)))"),
                all("SELECT length(repeat('x', 2000000000))"),
                all("SELECT length(space(2000000000))"),
                all("SELECT stack(2, 1, 2)"),
                all("SELECT inline(array(struct(1, 2)))"),
                all("SELECT * FROM gold.signal LATERAL VIEW explode(array(1, 2)) t AS x"),
                all("SELECT * FROM range(2000000000)"),
                all("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r"),
                all("SELECT /*+ REPARTITION(100000) */ * FROM gold.signal"),
                // constants Spark evaluates while it analyses, before any plan can be checked
                all("SELECT * FROM gold.signal LIMIT length(repeat('x', 2000000000))"),
                all("VALUES (repeat('x', 2000000000))"),
                all("SELECT * FROM IDENTIFIER(repeat('x', 2000000000))"),
                all("SELECT IDENTIFIER('rep' || 'eat')('x', 2000000000)"),
                all("SELECT * FROM gold.signal VERSION AS OF length(space(2000000000))"),
                all("SELECT format_string('%2000000000s', 'x')"),
                all("SELECT lpad('x', 2000000000, 'y')"),
                // IDENTIFIER as a statement's target
                all("INSERT INTO IDENTIFIER('gold.signal') SELECT * FROM gold.signal"),
                all("DROP TABLE IDENTIFIER('gold.signal')"),
                bi("TABLE IDENTIFIER('silver.provision')"),
                // not SQL at all, or two statements
                all("SELECT 1; DROP TABLE gold.signal"),
                all("SELECT * FROM ｓilver.provision"));
    }

    @BeforeAll
    static void start() throws Exception {
        lake = lake(dir.resolve("lake"));
        HubFixture.writeLake(lake, config(), 6, AS_OF);
        // every undermining indicator of one neighbourhood published but cash_purchases_pct (2 of 100: suppressed)
        List<String> values = new ArrayList<>();
        List<String> contributions = new ArrayList<>();
        for (String id : UNDERMINING) {
            long n = id.equals("cash_purchases_pct") ? 2 : 10;
            values.add("('" + id + "', " + n + "L)");
            contributions.add("named_struct('indicator_id', '" + id + "', 'contribution', 0.1234D)");
        }
        lake.overwrite(Tables.BUURT_INDICATOR, sql("SELECT DATE'" + AS_OF + "' AS as_of, 'BU04020101' AS buurt_code, "
                + "'undermining' AS theme, indicator_id, n AS numerator, 100L AS denominator, n * 1.0D AS value, 0.5D AS z_score, "
                + "false AS suppressed FROM VALUES " + String.join(", ", values) + " AS t(indicator_id, n)"));
        lake.overwrite(Tables.BUURT_SCORE, sql("SELECT DATE'" + AS_OF + "' AS as_of, 'BU04020101' AS buurt_code, 'undermining' AS theme, "
                + "3.14159D AS score, 1 AS rank, true AS flagged, array(" + String.join(", ", contributions) + ") AS contributions, "
                + "'m-test' AS method_version"));
        lake.overwrite(Tables.SILVER_PROVISION, sql("SELECT 'p1' AS provision_id, 'ab' AS person_id, 'wmo' AS kind"));
        lake.overwrite(Tables.bronze("care_provision"), sql("SELECT 'ab' AS person_id, 'wmo' AS provision"));
        lake.overwrite(Tables.QUARANTINE_ROW, sql("SELECT 'care_provision' AS source, '{}' AS row_json"));
        lake.overwrite(Tables.HUB_REVIEW, sql("SELECT 'e0' AS event_id, 'sig-" + AS_OF + "-000000' AS signal_id, "
                + "'forward_proposed' AS status, 'rita' AS reviewer, 'reviewer' AS role, current_timestamp() AS decided_at, "
                + "CAST(NULL AS STRING) AS reason_code, 'politie' AS partner, CAST(NULL AS STRING) AS based_on, CAST(NULL AS STRING) AS note"));
        keyFile = dir.resolve("key.txt");
        Files.writeString(keyFile, "k1:c2VjcmV0LWtleS1ieXRlcy1mb3ItdGVzdHMtb25seQ==\n");
        usersFile = dir.resolve("users.txt");
        for (String user : List.of("ana:analyst", "bia:bi")) {
            HubUsers.add(usersFile, user.split(":")[0], Role.of(user.split(":")[1]), HubFixture.PASSWORD);
        }
        serve = new Serve(lake, config(), HubUsers.read(usersFile)).start("127.0.0.1", 0, nl.buurtsignaal.base.Progress.silent());
    }

    @AfterAll
    static void stop() throws SQLException {
        LOGINS.close();
        if (serve != null) {
            serve.close();
        }
    }

    static Connection as(String user) throws SQLException {
        return LOGINS.as(user);
    }

    /** Every table's Delta version but the audit's (audit.access, audit.run), which the attempts themselves grow. */
    static Map<String, Long> versions() {
        Map<String, Long> v = new LinkedHashMap<>();
        for (String table : lake.tables()) {
            if (!table.equals(Tables.AUDIT_ACCESS) && !table.equals(Tables.AUDIT_RUN)) {
                v.put(table, lake.version(table));
            }
        }
        return v;
    }

    @Test
    void everyHostileStatementIsRefusedBySqlEndpointWithAReasonAndLeavesTheLakeAsItWas() throws Exception {
        List<Attempt> corpus = corpus();
        assertTrue(corpus.size() >= 50, "a corpus of at least 50: " + corpus.size());
        Map<String, Long> before = versions();
        List<String> answered = new ArrayList<>();
        for (Attempt a : corpus) {
            try (Statement s = as(a.user()).createStatement()) {
                s.setQueryTimeout(60);
                try (ResultSet r = s.executeQuery(a.statement())) {
                    int n = 0;
                    while (r.next() && n < 3) {
                        n++;
                    }
                    answered.add(a.user() + ": " + a.statement() + " (answered)");
                }
            } catch (SQLException e) {
                String reason = String.valueOf(e.getMessage());
                if (reason.isBlank()) {
                    answered.add(a.user() + ": " + a.statement() + " (refused without a reason)");
                }
            }
        }
        assertEquals(List.of(), answered, "every hostile statement is refused");
        assertEquals(before, versions(), "no Delta table changed");
        Path out = dir.resolve("out");
        assertTrue(!Files.exists(out), "nothing was written to a directory");
        serve.flushNow();
        List<String> details = new ArrayList<>();
        for (Row r : lake.read(Tables.AUDIT_ACCESS).filter("action IN ('sql_refused', 'sql_error')").collectAsList()) {
            details.add(r.getAs("user") + " " + r.getAs("detail"));
        }
        List<String> unrecorded = new ArrayList<>();
        for (Attempt a : corpus) {
            String logged = Access.logged(a.statement());
            if (details.stream().noneMatch(d -> d.startsWith(a.user() + " ") && d.endsWith("; " + logged))) {
                unrecorded.add(a.user() + ": " + a.statement());
            }
        }
        assertEquals(List.of(), unrecorded, "every attempt is in audit.access");
    }

    @Test
    void everyStatementRefusedForEveryoneIsRefusedBySqlToo() {
        Map<String, Long> before = versions();
        List<String> answered = new ArrayList<>();
        for (Attempt a : corpus()) {
            if (!a.everywhere()) {
                continue;
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream oldErr = System.err;
            PrintStream oldOut = System.out;
            int code;
            try {
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                code = Main.execute("sql", "--lake", lake.root(), "--set", "spark_master=local[2]", a.statement());
            } finally {
                System.setErr(oldErr);
                System.setOut(oldOut);
            }
            String message = err.toString(StandardCharsets.UTF_8).strip();
            if (code != Main.USAGE || message.isEmpty() || message.lines().count() != 1 || out.size() > 0) {
                answered.add(a.statement() + " -> exit " + code + ", " + out.size() + " bytes out, stderr: " + message);
            }
        }
        assertEquals(List.of(), answered, "sql refuses each with exit 2 and one line on standard error");
        assertEquals(before, versions(), "no Delta table changed");
        // sql is the service account's own command: each attempt is a failed sql run in audit.run
        long everywhere = corpus().stream().filter(Attempt::everywhere).count();
        assertEquals(everywhere, lake.read(Tables.AUDIT_RUN).filter("command = 'sql' AND status LIKE 'failed%'").count(),
                "every refused sql statement is in audit.run");
    }

    @Test
    void whatTheRolesMayReadStillAnswers() throws SQLException {
        try (Statement s = as("bia").createStatement();
             ResultSet r = s.executeQuery("SELECT buurt_code, score, contributions, suppressed FROM published.buurt_score")) {
            assertTrue(r.next());
            assertEquals("BU04020101", r.getString(1));
            assertEquals(3.14, r.getDouble(2), 1e-9, "rounded as the report shows it");
            String published = r.getString(3);
            assertFalse(published.contains("cash_purchases_pct"), "a suppressed indicator's contribution is not published: " + published);
            assertTrue(published.contains("{\"indicator_id\":\"overcrowded_addresses_pct\",\"contribution\":0.12}"), published);
            assertFalse(r.getBoolean(4));
            assertFalse(r.next());
        }
        try (Statement s = as("ana").createStatement();
             ResultSet r = s.executeQuery("WITH s AS (SELECT * FROM gold.signal) SELECT count(*) FROM s "
                     + "WHERE buurt_code IN (SELECT buurt_code FROM published.buurt)")) {
            assertTrue(r.next());
            assertEquals(6, r.getInt(1));
        }
    }
}
