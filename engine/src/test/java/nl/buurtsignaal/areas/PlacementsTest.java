package nl.buurtsignaal.areas;

import nl.buurtsignaal.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Placement as a Spark job over BAG rows: every address in every classification, the ones not
 * placed kept with their reason and counted; {@code run --areas} refuses an unknown name before
 * anything runs.
 */
class PlacementsTest extends SparkTestBase {
    @TempDir
    Path dir;

    @Test
    void everyAddressInEveryClassificationNothingDroppedAndCounted() {
        Map<String, Classification> all = Classification.all(config());
        List<Classification> both = List.of(all.get("cbs-2014"), all.get("hlt-2026"));
        // a point in Hillegom's first area, (98 500, 478 000) RD; one in Hilversum; one far at sea
        var hillegom = all.get("hlt-2026").geometry().get("HLT-HIL-01").getInteriorPoint();
        StructType schema = new StructType().add("address_id", DataTypes.StringType).add("buurt_code", DataTypes.StringType)
                .add("postcode", DataTypes.StringType).add("x_rd", DataTypes.DoubleType).add("y_rd", DataTypes.DoubleType);
        Dataset<Row> bag = spark().createDataFrame(List.of(
                RowFactory.create("a1", "BU05340000", "2181AA", hillegom.getX(), hillegom.getY()),
                RowFactory.create("a2", "BU04020101", "1211AA", null, null),
                RowFactory.create("a3", "BU05340000", "2181AB", 10_000.0, 500_000.0),
                RowFactory.create("a4", "BU99999999", "0000XX", null, null)), schema);
        Dataset<Row> placed = Placements.of(bag, both);
        assertRows(List.of(
                        "cbs-2014,a1,BU05340000,BU05340000,BU05340000,placed,false",
                        "cbs-2014,a2,BU04020101,BU04020101,,placed,false",
                        "cbs-2014,a3,BU05340000,BU05340000,,placed,true",
                        "cbs-2014,a4,,BU99999999,,unknown_code,false",
                        "hlt-2026,a1,HLT-HIL-01,BU05340000,HLT-HIL-01,placed,false",
                        "hlt-2026,a2,,BU04020101,,not_covered,false",
                        "hlt-2026,a3,,BU05340000,,outside,false",
                        "hlt-2026,a4,,BU99999999,,not_covered,false"),
                placed.select("areas", "address_id", "area_code", "delivered_code", "point_code", "status", "disagrees"));
        assertEquals(List.of(
                        new Placements.Counts("cbs-2014", 4, 3, 0, 0, 1, 0, 1),
                        new Placements.Counts("hlt-2026", 4, 1, 1, 0, 0, 2, 0)),
                Placements.counts(placed, both));
        assertEquals(List.of(Placements.SCHEMA.fieldNames()), List.of(placed.columns()));
    }

    @Test
    void runRefusesAnUnknownClassificationBeforeAnythingRuns() {
        String err = stderrOf(() -> assertEquals(2, cli("run", "--lake", dir.resolve("lake").toString(),
                "--as-of", "2026-10-31", "--areas", "cbs-2014,buurten-2031")));
        assertTrue(err.contains("no classification buurten-2031 in "), err);
        assertFalse(dir.resolve("lake").toFile().exists(), "no lake was made or opened");
    }
}
