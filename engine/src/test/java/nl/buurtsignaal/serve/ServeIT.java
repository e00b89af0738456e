package nl.buurtsignaal.serve;

import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.hub.HubFixture;
import nl.buurtsignaal.hub.HubUsers;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQL endpoint as BI tools reach it: Arrow's Flight SQL JDBC driver (the one DBeaver loads)
 * against {@code serve} on loopback, with the connection settings the README gives.
 */
class ServeIT extends SparkTestBase {
    @TempDir
    static Path dir;
    static Lake lake;
    static Serve serve;
    static final String AS_OF = "2026-10-31";

    @BeforeAll
    static void start() {
        lake = lake(dir.resolve("lake"));
        HubFixture.writeLake(lake, config(), 6, AS_OF);
        // three indicator values: one published (23 of 121, rounded to 25 of 120), two suppressed
        lake.overwrite(Tables.BUURT_INDICATOR, sql("SELECT DATE'" + AS_OF + "' AS as_of, buurt_code, 'undermining' AS theme, "
                + "'overcrowded_addresses_pct' AS indicator_id, CAST(n AS BIGINT) AS numerator, CAST(d AS BIGINT) AS denominator, "
                + "100.0D * n / d AS value, 0.5D AS z_score, false AS suppressed "
                + "FROM VALUES ('BU04020101', 23, 121), ('BU04020102', 3, 200), ('BU05340001', 10, 20) AS t(buurt_code, n, d)"));
        lake.overwrite(Tables.SILVER_PROVISION, sql("SELECT 'p1' AS provision_id, 'ab' AS person_id, 'wmo' AS kind"));
        Path users = dir.resolve("users.txt");
        for (String user : List.of("ana:analyst", "bia:bi", "aud:auditor")) {
            HubUsers.add(users, user.split(":")[0], nl.buurtsignaal.hub.Role.of(user.split(":")[1]), HubFixture.PASSWORD);
        }
        serve = new Serve(lake, config(), HubUsers.read(users)).start("127.0.0.1", 0, nl.buurtsignaal.base.Progress.silent());
    }

    static final Logins LOGINS = new Logins(() -> serve.port());

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

    static Connection connect(String user, String password) throws SQLException {
        return Logins.connect(serve.port(), user, password);
    }

    static List<String> rows(String user, String query) throws SQLException {
        try (Statement s = as(user).createStatement(); ResultSet r = s.executeQuery(query)) {
            List<String> rows = new ArrayList<>();
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    line.append(i == 1 ? "" : "|").append(r.getString(i));
                }
                rows.add(line.toString());
            }
            return rows;
        }
    }

    static String refusal(String user, String query) {
        SQLException e = assertThrows(SQLException.class, () -> rows(user, query), user + ": " + query);
        return e.getMessage();
    }

    @Test
    void anAnalystQueriesEveryTableWithTypesAsTheyAre() throws SQLException {
        assertEquals(List.of("6"), rows("ana", "SELECT count(*) FROM gold.signal"));
        try (Statement s = as("ana").createStatement();
             ResultSet r = s.executeQuery("SELECT as_of, severity, evidence FROM gold.signal ORDER BY signal_id LIMIT 1")) {
            assertTrue(r.next());
            assertEquals(java.sql.Date.valueOf(AS_OF), r.getDate(1));
            assertEquals(1, r.getInt(2));
            assertTrue(r.getString(3).startsWith("{\"residents\":6"), "nested values as JSON: " + r.getString(3));
        }
        // but the per-person care rows (contract section 4): a role of its own, off by default
        assertTrue(refusal("ana", "SELECT count(*) FROM silver.provision").contains("the role analyst may not read silver.provision"));
    }

    @Test
    void biSeesOnlyThePublishedAggregatesAsPublishExportsThem() throws SQLException {
        assertEquals(List.of("BU04020101|25|120|19.0|false", "BU04020102|null|200|null|true", "BU05340001|null|null|null|true"),
                rows("bia", "SELECT buurt_code, numerator, denominator, value, suppressed FROM published.buurt_indicator ORDER BY buurt_code"));
        List<String> exported = new ArrayList<>();
        for (Row r : nl.buurtsignaal.publish.OpenData.export(lake.read(Tables.BUURT_INDICATOR), lake.read(Tables.SILVER_BUURT),
                java.time.LocalDate.parse(AS_OF), nl.buurtsignaal.scoring.Disclosure.of(config())).collectAsList()) {
            exported.add(r.getAs("buurt_code") + "|" + r.getAs("numerator") + "|" + r.getAs("denominator") + "|" + r.getAs("value")
                    + "|" + r.getAs("suppressed"));
        }
        assertEquals(exported, rows("bia", "SELECT buurt_code, numerator, denominator, value, suppressed FROM published.buurt_indicator ORDER BY buurt_code"));
        assertEquals(List.of("4"), rows("bia", "SELECT count(*) FROM published.buurt_score WHERE theme = 'undermining'"));
        for (String forbidden : List.of("gold.signal", "gold.buurt_indicator", "silver.provision", "audit.access")) {
            assertTrue(refusal("bia", "SELECT * FROM " + forbidden).contains("the role bi may not read " + forbidden), forbidden);
        }
        // nor by a detour: a subquery, a common table expression, a file read as a table
        assertTrue(refusal("bia", "SELECT * FROM published.buurt_score WHERE buurt_code IN (SELECT buurt_code FROM gold.signal)")
                .contains("may not read gold.signal"));
        assertTrue(refusal("bia", "WITH s AS (SELECT * FROM gold.signal) SELECT * FROM s").contains("may not read gold.signal"));
        assertFalse(refusal("bia", "SELECT * FROM delta.`" + lake.location(Tables.SIGNAL) + "`").isBlank());
    }

    @Test
    void nothingChangesTheLake() throws SQLException {
        for (String write : List.of("DELETE FROM gold.signal", "INSERT INTO gold.signal SELECT * FROM gold.signal",
                "DROP TABLE gold.signal", "CREATE TABLE x AS SELECT 1", "SET spark.sql.runSQLOnFiles=true")) {
            assertTrue(refusal("ana", write).contains("only queries run here"), write);
        }
        try (Statement s = as("ana").createStatement()) {
            assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE gold.signal SET severity = 0"));
        }
        assertTrue(refusal("ana", "SELECT reflect('java.lang.System', 'exit', 0)").contains("calls a Java method in the server"));
        assertTrue(refusal("ana", "SELECT * FROM range(3)").contains("table-valued functions"));
        assertEquals(List.of("6"), rows("ana", "SELECT count(*) FROM gold.signal"));
    }

    @Test
    void aWrongPasswordGetsNoConnection() {
        assertThrows(SQLException.class, () -> connect("ana", "not the password").createStatement().executeQuery("SELECT 1"));
        assertThrows(SQLException.class, () -> connect("nobody", "x").createStatement().executeQuery("SELECT 1"));
    }

    @Test
    void theCatalogShowsEachRoleWhatItMayRead() throws SQLException {
        assertEquals(Set.of("published.buurt", "published.buurt_indicator", "published.buurt_score"), tables("bia"));
        Set<String> analyst = tables("ana");
        assertTrue(analyst.containsAll(Set.of("gold.signal", "silver.officer", "published.buurt_indicator")), analyst.toString());
        assertFalse(analyst.contains("silver.provision"), analyst.toString());
        // the hub's roles are not admitted to serve unless serve.roles lists them
        assertThrows(SQLException.class, () -> connect("aud", HubFixture.PASSWORD).createStatement().executeQuery("SELECT 1"));
        try (ResultSet r = as("bia").getMetaData().getColumns(null, "published", "buurt_indicator", "%")) {
            List<String> columns = new ArrayList<>();
            while (r.next()) {
                columns.add(r.getString("COLUMN_NAME"));
            }
            assertEquals(List.of("as_of", "gemeente_code", "gemeente_name", "wijk_code", "wijk_name", "buurt_code", "buurt_name",
                    "theme", "indicator_id", "numerator", "denominator", "value", "suppressed"), columns);
        }
    }

    static Set<String> tables(String user) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (ResultSet r = as(user).getMetaData().getTables(null, null, "%", null)) {
            while (r.next()) {
                names.add(r.getString("TABLE_SCHEM") + "." + r.getString("TABLE_NAME"));
            }
        }
        return names;
    }

    @Test
    void everyQueryIsAuditedWithoutANumberLikeABsn() throws SQLException {
        rows("ana", "SELECT count(*) FROM gold.signal WHERE subject_id <> '123456782'");
        refusal("bia", "SELECT * FROM gold.signal WHERE subject_id = '123456782'");
        serve.flushNow();
        List<Row> entries = lake.read(Tables.AUDIT_ACCESS).filter("detail LIKE '%subject_id%'").collectAsList();
        Set<String> seen = new TreeSet<>();
        for (Row r : entries) {
            seen.add(r.getAs("user") + " " + r.getAs("role") + " " + r.getAs("action"));
            assertFalse(r.<String>getAs("detail").contains("123456782"), r.<String>getAs("detail"));
            assertTrue(r.<String>getAs("detail").contains("[9 digits]"), r.<String>getAs("detail"));
        }
        // prepared (the JDBC driver's way: the schema), then run (before the first row), both with the statement; the run's end apart
        assertEquals(Set.of("ana analyst sql_prepare", "ana analyst sql", "bia bi sql_refused"), seen);
        assertTrue(lake.read(Tables.AUDIT_ACCESS).filter("action = 'sql_end' AND user = 'ana' AND detail LIKE '%rows=1; ok'").count() > 0);
        assertTrue(lake.read(Tables.AUDIT_ACCESS).filter("action = 'login' AND detail = 'serve' AND user = 'ana'").count() > 0);
    }

    @Test
    void aQuerySeesTheLakesLatestVersion() throws SQLException {
        lake.overwrite(Tables.SILVER_OFFICER, sql("SELECT 'o1' AS officer_id"));
        assertEquals(List.of("1"), rows("ana", "SELECT count(*) FROM silver.officer"));
        lake.append(Tables.SILVER_OFFICER, sql("SELECT 'o2' AS officer_id"));
        assertEquals(List.of("2"), rows("ana", "SELECT count(*) FROM silver.officer"));
    }
}
