package nl.buurtsignaal.scoring;

import nl.buurtsignaal.SparkTestBase;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The disclosure rule's two forms, Spark's SQL and the driver's Java, decide every count alike. */
class DisclosureTest extends SparkTestBase {
    private final Disclosure rule = new Disclosure(50);

    @Test
    void theRuleAtItsEdges() {
        assertTrue(rule.suppressed(10, 49), "a denominator below the minimum");
        assertFalse(rule.suppressed(10, 50), "at the minimum");
        assertFalse(rule.suppressed(0, 50), "no case at all is publishable");
        assertTrue(rule.suppressed(1, 500));
        assertTrue(rule.suppressed(4, 500));
        assertFalse(rule.suppressed(5, 500));
        assertEquals(0, Disclosure.rounded(2));
        assertEquals(5, Disclosure.rounded(3));
        assertEquals(120, Disclosure.rounded(122.4));
        assertTrue(Disclosure.scoreShown(0.51, 1.0));
        assertFalse(Disclosure.scoreShown(0.5, 1.0), "half the weight is not more than half");
    }

    @Test
    void sqlAndJavaAgreeOnEveryCount() {
        List<Row> counts = new ArrayList<>();
        for (long d : new long[]{0, 1, 49, 50, 51, 500}) {
            for (long n = 0; n <= 8; n++) {
                counts.add(RowFactory.create(n, d, n / 10.0, d / 10.0));
            }
        }
        StructType schema = new StructType().add("numerator", DataTypes.LongType).add("denominator", DataTypes.LongType)
                .add("published", DataTypes.DoubleType).add("total", DataTypes.DoubleType);
        List<Row> judged = spark().createDataFrame(counts, schema).selectExpr("numerator", "denominator", "published", "total",
                rule.suppressedSql(""), rule.denominatorShownSql("denominator"), Disclosure.roundedSql("numerator"),
                Disclosure.scoreShownSql("published", "total")).collectAsList();
        assertEquals(counts.size(), judged.size());
        for (Row r : judged) {
            long n = r.getLong(0);
            long d = r.getLong(1);
            String at = n + "/" + d;
            assertEquals(rule.suppressed(n, d), r.getBoolean(4), at);
            assertEquals(rule.denominatorShown(d), r.getBoolean(5), at);
            assertEquals(Disclosure.rounded(n), r.getLong(6), at);
            assertEquals(Disclosure.scoreShown(r.getDouble(2), r.getDouble(3)), r.getBoolean(7), at);
        }
    }
}
