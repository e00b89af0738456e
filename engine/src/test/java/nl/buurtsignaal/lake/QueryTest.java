package nl.buurtsignaal.lake;

import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.base.UsageException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gate at its edges; the whole hostile corpus runs against serve and sql in HostileSqlIT. */
class QueryTest extends SparkTestBase {
    @TempDir
    static Path dir;
    static Lake lake;
    static SparkSession session;
    /** Reads gold.signal only, without history, and the trend view. */
    static final Query.Grant SIGNALS = new Query.Grant("tester", Tables.SIGNAL::equals, Set.of(Tables.BUURT_INDICATOR_TREND), false);

    @BeforeAll
    static void lake() {
        lake = lake(dir.resolve("lake"));
        lake.overwrite(Tables.SIGNAL, sql("SELECT 's1' AS signal_id, 'BU1' AS buurt_code, 2 AS severity"));
        lake.append(Tables.SIGNAL, sql("SELECT 's2' AS signal_id, 'BU1' AS buurt_code, 3 AS severity"));
        lake.overwrite(Tables.SILVER_PROVISION, sql("SELECT 'ab' AS person_id, 'wmo' AS provision"));
        lake.overwrite(Tables.BUURT_INDICATOR, sql("SELECT DATE'2026-10-31' AS as_of, 'BU1' AS buurt_code, 'undermining' AS theme, "
                + "'x' AS indicator_id, 1L AS numerator, 10L AS denominator, 10.0D AS value"));
        lake.registerAll();
        session = spark().newSession();
        session.conf().set("spark.sql.runSQLOnFiles", "false");
    }

    static Query check(String text, Query.Grant grant) {
        return Query.check(session, lake, text, grant);
    }

    static String refusal(String text) {
        return assertThrows(Query.Refused.class, () -> check(text, SIGNALS), text).getMessage();
    }

    @Test
    void aReadOfAGrantedTableRunsTheCheckedPlanAndNamesTheTablesByIdentity() {
        Query q = check("WITH x AS (SELECT * FROM GOLD.Signal WHERE severity > 1) SELECT count(*) FROM x "
                + "WHERE buurt_code IN (SELECT buurt_code FROM `gold`.`signal`)", SIGNALS);
        assertEquals(Set.of("gold.signal"), q.tables());
        assertEquals(2L, q.rows().collectAsList().get(0).getLong(0));
        // a view the grant names, and what it reads beneath
        assertEquals(Set.of("gold.buurt_indicator", "gold.buurt_indicator_trend"), check("SELECT count(*) FROM gold.buurt_indicator_trend", SIGNALS).tables());
    }

    @Test
    void theNamesOfAStatementAreFoundWhereverTheyAreWrittenForRegistrationOnly() {
        assertEquals(Set.of("gold.signal", "silver.address", "audit.run"), Query.named(spark(),
                "SELECT * FROM gold.signal WHERE address_id IN (SELECT address_id FROM silver.address) AND EXISTS (SELECT 1 FROM `audit`.`run`)"));
    }

    @Test
    void aRelationIsJudgedByWhatItIsNotHowItIsSpelled() {
        assertTrue(refusal("WITH `gold.signal` AS (SELECT 1 AS x) SELECT * FROM silver.provision").contains("may not read silver.provision"));
        assertTrue(refusal("SELECT * FROM IDENTIFIER('silver.' || 'provision')").contains("may not read silver.provision"));
        assertTrue(refusal("SELECT * FROM spark_catalog.silver.provision").contains("may not read silver.provision"));
        assertTrue(refusal("SELECT * FROM gold.signal VERSION AS OF 0").contains("history"));
        assertEquals(1, check("SELECT * FROM gold.signal VERSION AS OF 0",
                new Query.Grant("historian", Tables.SIGNAL::equals, Set.of(), true)).rows().count(), "with history: the first version");
        // a CTE named like a table is the CTE, and reads nothing of the lake
        assertEquals(Set.of(), check("WITH `silver.provision` AS (SELECT 1 AS x) SELECT * FROM `silver.provision`", SIGNALS).tables());
    }

    @Test
    void filesByTheirPathAreNeverRead() {
        String path = lake.location(Tables.SIGNAL);
        for (String text : List.of("SELECT * FROM delta.`" + path + "`", "SELECT * FROM parquet.`" + path + "`",
                "SELECT * FROM IDENTIFIER('text.`" + path + "`')")) {
            UsageException e = assertThrows(UsageException.class, () -> check(text, SIGNALS), text);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        // with SQL on files turned on, the analysed plan still shows a file, and the gate refuses it
        SparkSession open = spark().newSession();
        open.conf().set("spark.sql.runSQLOnFiles", "true");
        assertTrue(assertThrows(Query.Refused.class, () -> Query.check(open, lake, "SELECT * FROM IDENTIFIER('parquet.`" + path + "`')",
                SIGNALS)).getMessage().contains("path"));
    }

    @Test
    void onlyReadsPassAndNothingIsRunWhileChecking() {
        long version = lake.version(Tables.SIGNAL);
        assertTrue(refusal("RESTORE TABLE gold.signal TO VERSION AS OF 0").contains("RestoreTableStatement"));
        assertTrue(refusal("EXECUTE IMMEDIATE 'DELETE FROM gold.signal'").contains("EXECUTE IMMEDIATE"));
        assertTrue(refusal("INSERT OVERWRITE DIRECTORY '" + dir.resolve("out") + "' USING csv SELECT 1").contains("change"));
        assertTrue(refusal("SET spark.sql.runSQLOnFiles=true").contains("change"));
        assertTrue(refusal("DESCRIBE HISTORY gold.signal").startsWith("only queries run here"));
        assertEquals(version, lake.version(Tables.SIGNAL), "the restore was not run by the check");
        assertEquals("false", session.conf().get("spark.sql.runSQLOnFiles"));
    }

    @Test
    void functionsAreRefusedByTheirClassWhateverTheirSpelling() {
        for (String text : List.of("SELECT reflect('java.lang.System', 'getProperty', 'user.home')",
                "SELECT `JAVA_METHOD`('java.lang.System', 'getProperty', 'user.home')",
                "SELECT IDENTIFIER('ref' || 'lect')('java.lang.System', 'getProperty', 'user.home')",
                "SELECT try_reflect('java.lang.System', 'getProperty', 'user.home')")) {
            assertTrue(refusal(text).contains("calls a Java method"), text);
        }
        assertTrue(refusal("SELECT input_file_name() FROM gold.signal").contains("names the lake's files"));
        assertTrue(refusal("SELECT explode(array(1, 2))").contains("generators"));
        assertTrue(refusal("SELECT size(sequence(1, 2000000000))").contains("memory"));
        assertTrue(refusal("SELECT * FROM range(10)").contains("table-valued"));
        // evaluated while Spark analyses: refused by name before that
        assertTrue(refusal("SELECT * FROM gold.signal LIMIT length(repeat('x', 2000000000))").contains("memory"));
        assertTrue(refusal("SELECT * FROM IDENTIFIER(repeat('x', 2000000000))").contains("not a computation"));
        assertTrue(refusal("SELECT IDENTIFIER('rep' || 'eat')('x', 2000000000)").contains("memory"));
        assertTrue(refusal("SELECT lpad(signal_id, 20000, '0') FROM gold.signal").contains("memory"));
        assertEquals("000s1", check("SELECT lpad(signal_id, 5, '0') FROM gold.signal ORDER BY 1", SIGNALS).rows().first().getString(0),
                "a short pad is allowed");
    }

    @Test
    void aQueryThatDoesNotParseIsAUsageErrorInOneLineWithoutABsn() {
        UsageException e = assertThrows(UsageException.class, () -> check("SELEC * FROM gold.signal", SIGNALS));
        assertTrue(e.getMessage().startsWith("query error: ") && e.getMessage().contains("SELEC"), "names the cause: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        UsageException bsn = assertThrows(UsageException.class, () -> check("SELECT * FROM gold.signal WHERE 123456782 123456782", SIGNALS));
        assertFalse(bsn.getMessage().contains("123456782"), bsn.getMessage());
        assertTrue(bsn.getMessage().contains("[9 digits]"), "Spark's message named the token: " + bsn.getMessage());
    }
}
