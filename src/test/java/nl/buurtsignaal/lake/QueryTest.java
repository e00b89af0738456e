package nl.buurtsignaal.lake;

import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.base.UsageException;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryTest extends SparkTestBase {
    private Query parse(String text) {
        return Query.parse(spark(), text);
    }

    @Test
    void namesEveryTableAQueryReadsWhereverItIsNamed() {
        Query q = parse("WITH flagged AS (SELECT buurt_code FROM gold.buurt_score WHERE flagged) "
                + "SELECT s.*, (SELECT max(value) FROM Gold.Buurt_Indicator i WHERE i.buurt_code = s.buurt_code) AS m "
                + "FROM gold.signal s JOIN flagged f ON f.buurt_code = s.buurt_code "
                + "WHERE s.address_id IN (SELECT address_id FROM silver.address) "
                + "AND EXISTS (SELECT 1 FROM `audit`.`run`) UNION ALL SELECT * FROM gold.signal");
        assertEquals(Set.of("gold.buurt_score", "gold.buurt_indicator", "gold.signal", "silver.address", "audit.run"), q.tables());
        assertTrue(q.readOnly());
        assertEquals(Set.of("max"), q.functions());
    }

    @Test
    void aStatementThatChangesATableIsNoQuery() {
        for (String statement : new String[]{
                "DELETE FROM gold.signal WHERE true",
                "UPDATE gold.signal SET severity = 0",
                "INSERT INTO gold.signal SELECT * FROM gold.signal",
                "WITH x AS (SELECT * FROM gold.signal) INSERT INTO gold.signal SELECT * FROM x",
                "FROM gold.signal INSERT INTO gold.signal SELECT *",
                "MERGE INTO gold.signal t USING gold.signal s ON t.signal_id = s.signal_id WHEN MATCHED THEN DELETE",
                "DROP TABLE gold.signal",
                "CREATE TABLE x AS SELECT 1",
                "CREATE TEMPORARY VIEW v AS SELECT 1",
                "SET spark.sql.runSQLOnFiles=true",
                "VACUUM gold.signal RETAIN 0 HOURS",
                "TRUNCATE TABLE gold.signal",
                "ALTER TABLE gold.signal SET TBLPROPERTIES ('a' = 'b')"}) {
            Query q = parse(statement);
            assertFalse(q.readOnly(), statement);
        }
        assertTrue(parse("SELECT 1").readOnly());
        assertTrue(parse("VALUES (1), (2)").readOnly());
        assertTrue(parse("TABLE gold.signal").readOnly());
    }

    @Test
    void functionsAreNamedAlsoInsideSubqueries() {
        assertEquals(Set.of("reflect", "count"), parse("SELECT count(*) FROM gold.signal WHERE signal_id IN "
                + "(SELECT reflect('java.lang.System', 'getProperty', 'user.home'))").functions());
    }

    @Test
    void tableValuedFunctionsAreNamedApart() {
        Query q = parse("SELECT * FROM range(3) r JOIN gold.signal s ON true");
        assertEquals(Set.of("range"), q.tableFunctions());
        assertEquals(Set.of("gold.signal"), q.tables());
    }

    @Test
    void aQueryThatDoesNotParseIsAUsageErrorInOneLine() {
        UsageException e = assertThrows(UsageException.class, () -> parse("SELEC * FROM gold.signal"));
        assertTrue(e.getMessage().startsWith("query error: ") && e.getMessage().contains("SELEC"), "names the cause: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        // Spark quotes the token it stopped at: a BSN typed there does not reach the message
        UsageException bsn = assertThrows(UsageException.class, () -> parse("SELECT * FROM gold.signal WHERE 123456782 123456782"));
        assertFalse(bsn.getMessage().contains("123456782"), bsn.getMessage());
        assertTrue(bsn.getMessage().contains("[9 digits]"), "Spark's message named the token: " + bsn.getMessage());
    }
}
