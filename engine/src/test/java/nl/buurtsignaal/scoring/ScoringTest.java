package nl.buurtsignaal.scoring;

import nl.buurtsignaal.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ScoringTest extends SparkTestBase {
    private static final StructType VALUES = new StructType().add("g", DataTypes.StringType)
            .add("k", DataTypes.StringType).add("value", DataTypes.DoubleType);

    private static Map<String, Double> z(Object[]... rows) {
        List<Row> data = new ArrayList<>();
        for (Object[] r : rows) {
            data.add(RowFactory.create(r));
        }
        Dataset<Row> df = spark().createDataFrame(data, VALUES);
        Map<String, Double> out = new HashMap<>();
        for (Row r : Scoring.withRobustZ(df, "g").select("k", "z_score").collectAsList()) {
            out.put(r.getString(0), r.isNullAt(1) ? null : r.getDouble(1));
        }
        return out;
    }

    /** The same values in another row order (another file layout, another cluster) give the same z, bit for bit. */
    @Test
    void robustZDoesNotDependOnTheOrderOfRows() {
        List<Row> data = new ArrayList<>();
        double[] spread = {1e16, 1.0, 1.0, 1.0, 1.0, 1.0}; // 1e16 + 1 + 1 ... != 1 + 1 + ... + 1e16
        for (int i = 0; i < 15; i++) {
            data.add(RowFactory.create("a", "zero" + i, 0.0)); // median and MAD 0: sigma from the mean deviation
        }
        for (int i = 0; i < spread.length; i++) {
            data.add(RowFactory.create("a", "v" + i, spread[i]));
        }
        List<Row> reversed = new ArrayList<>(data);
        java.util.Collections.reverse(reversed);
        Map<String, Double> forward = zOf(spark().createDataFrame(data, VALUES).coalesce(1));
        Map<String, Double> backward = zOf(spark().createDataFrame(reversed, VALUES).coalesce(1));
        assertEquals(forward, backward);
        assertTrue(forward.get("v0") > 0);
    }

    private static Map<String, Double> zOf(Dataset<Row> df) {
        Map<String, Double> out = new HashMap<>();
        for (Row r : Scoring.withRobustZ(df, "g").select("k", "z_score").collectAsList()) {
            out.put(r.getString(0), r.isNullAt(1) ? null : r.getDouble(1));
        }
        return out;
    }

    @Test
    void robustZOnAHandComputedExample() {
        // median 3, MAD 1, sigma 1.4826: z(100) = 97 / 1.4826, z(1) = -2 / 1.4826
        Map<String, Double> z = z(new Object[]{"a", "b1", 1.0}, new Object[]{"a", "b2", 2.0}, new Object[]{"a", "b3", 3.0},
                new Object[]{"a", "b4", 4.0}, new Object[]{"a", "b5", 100.0}, new Object[]{"a", "b6", null});
        assertEquals(65.4256, z.get("b5"), 1e-3);
        assertEquals(-1.3490, z.get("b1"), 1e-3);
        assertEquals(0.0, z.get("b3"), 1e-9);
        assertNull(z.get("b6"), "no value, no z-score");
    }

    @Test
    void meanAbsoluteDeviationStandsInWhenTheMadIsZero() {
        // median 0, MAD 0, mean absolute deviation 2, sigma 2 * 1.2533
        Map<String, Double> z = z(new Object[]{"a", "b1", 0.0}, new Object[]{"a", "b2", 0.0}, new Object[]{"a", "b3", 0.0},
                new Object[]{"a", "b4", 0.0}, new Object[]{"a", "b5", 10.0},
                new Object[]{"same", "c1", 5.0}, new Object[]{"same", "c2", 5.0});
        assertEquals(10.0 / (2 * 1.2533), z.get("b5"), 1e-6);
        assertEquals(0.0, z.get("b1"), 1e-9);
        assertEquals(0.0, z.get("c1"), 1e-9, "no spread at all: z = 0");
    }

    @Test
    void indicatorsCompleteTheGridAndSuppressSmallCounts() {
        StructType countSchema = new StructType().add("indicator_id", DataTypes.StringType).add("theme", DataTypes.StringType)
                .add("scale", DataTypes.IntegerType).add("buurt_code", DataTypes.StringType)
                .add("numerator", DataTypes.LongType).add("denominator", DataTypes.LongType);
        Dataset<Row> counts = spark().createDataFrame(List.of(
                RowFactory.create("x_pct", "undermining", 100, "BU00000001", 10L, 200L),
                RowFactory.create("x_pct", "undermining", 100, "BU00000002", 3L, 200L),
                RowFactory.create("x_pct", "undermining", 100, "BU00000003", 10L, 40L)), countSchema);
        Dataset<Row> buurten = spark().createDataFrame(List.of(RowFactory.create("BU00000001"), RowFactory.create("BU00000002"),
                RowFactory.create("BU00000003"), RowFactory.create("BU00000004")), new StructType().add("buurt_code", DataTypes.StringType));
        Map<String, Row> byBuurt = new HashMap<>();
        for (Row r : Scoring.indicators(counts, buurten, LocalDate.of(2026, 10, 31), new Disclosure(50), 0, "test").collectAsList()) {
            byBuurt.put(r.getAs("buurt_code"), r);
        }
        assertEquals(5.0, (double) byBuurt.get("BU00000001").getAs("value"), 1e-9);
        assertFalse((boolean) byBuurt.get("BU00000001").getAs("suppressed"));
        assertTrue((boolean) byBuurt.get("BU00000002").getAs("suppressed"), "numerator 3 is between 1 and 4");
        assertTrue((boolean) byBuurt.get("BU00000003").getAs("suppressed"), "denominator 40 is below 50");
        Row empty = byBuurt.get("BU00000004");
        assertEquals(0L, (long) empty.getAs("denominator"));
        assertNull(empty.getAs("value"), "denominator 0: no value");
        assertNull(empty.getAs("z_score"));
    }

    @Test
    void aHamletCannotOutrankALargeNeighbourhoodOnSmallNumbers() {
        StructType countSchema = new StructType().add("indicator_id", DataTypes.StringType).add("theme", DataTypes.StringType)
                .add("scale", DataTypes.IntegerType).add("buurt_code", DataTypes.StringType)
                .add("numerator", DataTypes.LongType).add("denominator", DataTypes.LongType);
        List<Row> rows = new ArrayList<>(List.of(
                RowFactory.create("care_pct", "care_stacking", 100, "BU04020001", 2L, 10L),      // hamlet: 20 %
                RowFactory.create("care_pct", "care_stacking", 100, "BU04020002", 120L, 1000L)));  // large: 12 %
        for (int i = 3; i <= 6; i++) {
            rows.add(RowFactory.create("care_pct", "care_stacking", 100, "BU0402000" + i, 10L, 200L)); // 5 %
        }
        Dataset<Row> counts = spark().createDataFrame(rows, countSchema);
        Dataset<Row> buurten = counts.select("buurt_code");
        Map<String, Double> raw = zByBuurt(Scoring.indicators(counts, buurten, LocalDate.of(2026, 10, 31), new Disclosure(50), 0, "test"));
        Map<String, Double> shrunk = zByBuurt(Scoring.indicators(counts, buurten, LocalDate.of(2026, 10, 31), new Disclosure(50), 50, "test"));
        assertTrue(raw.get("BU04020001") > raw.get("BU04020002"), "without shrinkage the hamlet leads");
        assertTrue(shrunk.get("BU04020002") > shrunk.get("BU04020001"), "with shrinkage the large neighbourhood leads");
    }

    @Test
    void scoresAreWeightedMeansWithContributionsLargestFirst() {
        // weights (conf): overcrowded_addresses_pct 1.0, vacant_residential_pct 0.5
        StructType schema = new StructType().add("buurt_code", DataTypes.StringType).add("theme", DataTypes.StringType)
                .add("indicator_id", DataTypes.StringType).add("z_score", DataTypes.DoubleType);
        Dataset<Row> indicators = spark().createDataFrame(List.of(
                RowFactory.create("BU1", "undermining", "overcrowded_addresses_pct", 3.0),
                RowFactory.create("BU1", "undermining", "vacant_residential_pct", 0.0),
                RowFactory.create("BU2", "undermining", "overcrowded_addresses_pct", 1.0),
                RowFactory.create("BU2", "undermining", "vacant_residential_pct", 4.0),
                RowFactory.create("BU3", "undermining", "overcrowded_addresses_pct", null)), schema);
        Map<String, Row> scores = new HashMap<>();
        for (Row r : Scoring.scores(spark(), indicators, config(), "m-test", LocalDate.of(2026, 10, 31)).collectAsList()) {
            scores.put(r.getAs("buurt_code"), r);
        }
        // BU1: (1.0 * 3 + 0.5 * 0) / 1.5 = 2.0; BU2: (1.0 * 1 + 0.5 * 4) / 1.5 = 2.0 -> tie broken by code
        assertEquals(2.0, (double) scores.get("BU1").getAs("score"), 1e-9);
        assertEquals(2.0, (double) scores.get("BU2").getAs("score"), 1e-9);
        assertEquals(1, (int) scores.get("BU1").getAs("rank"));
        assertTrue((boolean) scores.get("BU1").getAs("flagged"), "2.0 reaches the default flag minimum");
        List<Row> contributions = scores.get("BU2").getList(scores.get("BU2").fieldIndex("contributions"));
        assertEquals("vacant_residential_pct", contributions.get(0).getString(0), "largest first");
        assertEquals(2.0 / 1.5, contributions.get(0).getDouble(1), 1e-9);
        assertEquals(1.0 / 1.5, contributions.get(1).getDouble(1), 1e-9);
        assertFalse(scores.containsKey("BU3"), "no z-score at all: no score");
        assertEquals("m-test", scores.get("BU1").getAs("method_version"));
    }

    private static Map<String, Double> zByBuurt(Dataset<Row> indicators) {
        Map<String, Double> out = new HashMap<>();
        for (Row r : indicators.select("buurt_code", "z_score").collectAsList()) {
            out.put(r.getString(0), r.getDouble(1));
        }
        return out;
    }
}
