package nl.buurtsignaal.lake;

import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.base.UsageException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkSessionsTest extends SparkTestBase {
    private static final long MB = 1024 * 1024;

    @Test
    void belowTheThresholdTheSmallInputSettingsApplyAndAboveItTheSessionsOwnComeBack() {
        SparkSession spark = spark();
        // the session's own values: conf/buurtsignaal.yaml's spark section, else Spark's defaults
        String ownPartitions = spark.sparkContext().getConf().get("spark.sql.shuffle.partitions", "200");
        String ownAdaptive = spark.sparkContext().getConf().get("spark.sql.adaptive.enabled", "true");

        try {
            assertFitsAndRestores(spark, ownPartitions, ownAdaptive);
        } finally {
            // the shared session back in its own profile, whatever failed above
            SparkSessions.fitToInput(spark, config(), 0);
        }
    }

    private static void assertFitsAndRestores(SparkSession spark, String ownPartitions, String ownAdaptive) {
        assertTrue(SparkSessions.fitToInput(spark, config(), 19 * MB));
        assertEquals("2", spark.conf().get("spark.sql.shuffle.partitions"));
        assertEquals("false", spark.conf().get("spark.sql.adaptive.enabled"));
        assertEquals("false", spark.conf().get("spark.sql.codegen.wholeStage"));

        assertFalse(SparkSessions.fitToInput(spark, config(), 20 * MB));
        assertEquals(ownPartitions, spark.conf().get("spark.sql.shuffle.partitions"));
        assertEquals(ownAdaptive, spark.conf().get("spark.sql.adaptive.enabled"));
        assertEquals("true", spark.conf().get("spark.sql.codegen.wholeStage"));

        assertTrue(SparkSessions.fitToInput(spark, config("small_input.mode=on"), 500 * MB));
        assertFalse(SparkSessions.fitToInput(spark, config("small_input.mode=off"), 0));
        assertTrue(SparkSessions.fitToInput(spark, config("small_input.max_input_mb=1"), MB - 1));
        UsageException wrong = assertThrows(UsageException.class,
                () -> SparkSessions.fitToInput(spark, config("small_input.mode=sometimes"), 0));
        assertTrue(wrong.getMessage().contains("small_input.mode must be auto, on or off"), wrong.getMessage());
    }
}
