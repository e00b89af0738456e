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
    void theCrosswalkSharesAnAreaOutOverItsPartsAndMergesWholeAreas() {
        // old: X (a1, a2, a3), Y (a4), Z (a5), W (a6); new: X split into X1 (a1, a2) and X2 (a3), Y and Z
        // merged into YZ; a6 is outside every new area and counts in no pair
        StructType schema = new StructType().add("areas", DataTypes.StringType).add("address_id", DataTypes.StringType)
                .add("area_code", DataTypes.StringType).add("status", DataTypes.StringType);
        Dataset<Row> placed = spark().createDataFrame(List.of(
                RowFactory.create("old", "a1", "X", "placed"), RowFactory.create("new", "a1", "X1", "placed"),
                RowFactory.create("old", "a2", "X", "placed"), RowFactory.create("new", "a2", "X1", "placed"),
                RowFactory.create("old", "a3", "X", "placed"), RowFactory.create("new", "a3", "X2", "placed"),
                RowFactory.create("old", "a4", "Y", "placed"), RowFactory.create("new", "a4", "YZ", "placed"),
                RowFactory.create("old", "a5", "Z", "placed"), RowFactory.create("new", "a5", "YZ", "placed"),
                RowFactory.create("old", "a6", "W", "placed"), RowFactory.create("new", "a6", null, "outside")), schema);
        // residents: two at a1, one at a2, a3 and a5, none at a4
        Dataset<Row> residents = spark().createDataFrame(List.of(RowFactory.create("a1"), RowFactory.create("a1"),
                        RowFactory.create("a2"), RowFactory.create("a3"), RowFactory.create("a5"), RowFactory.create("a6")),
                new StructType().add("address_id", DataTypes.StringType));
        assertRows(List.of(
                        // the split, by hand: X's 3 addresses 2 + 1, its 4 residents 3 + 1
                        "old,X,new,X1,2,0.6666666666666666,3,0.75",
                        "old,X,new,X2,1,0.3333333333333333,1,0.25",
                        // the merge: each old area whole into YZ (Y has no residents: no resident share)
                        "old,Y,new,YZ,1,1.0,0,",
                        "old,Z,new,YZ,1,1.0,1,1.0",
                        // and back: YZ's two addresses half from Y, half from Z; its one resident from Z
                        "new,X1,old,X,2,1.0,3,1.0",
                        "new,X2,old,X,1,1.0,1,1.0",
                        "new,YZ,old,Y,1,0.5,0,0.0",
                        "new,YZ,old,Z,1,0.5,1,1.0"),
                Crosswalk.of(placed, residents));
    }

    @Test
    void runRefusesAnUnknownClassificationBeforeAnythingRuns() {
        String err = stderrOf(() -> assertEquals(2, cli("run", "--lake", dir.resolve("lake").toString(),
                "--as-of", "2026-10-31", "--areas", "cbs-2014,buurten-2031")));
        assertTrue(err.contains("no classification buurten-2031 in "), err);
        assertFalse(dir.resolve("lake").toFile().exists(), "no lake was made or opened");
    }
}
