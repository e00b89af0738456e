package nl.buurtsignaal.ingest;

import nl.buurtsignaal.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The ingest's transformations with rows in and rows out: problems per row, bronze rows, quarantine rows. */
class DeliveryRowsTest extends SparkTestBase {
    private static final Pseudonymiser PSEUDONYMS = new Pseudonymiser("a test key".getBytes(StandardCharsets.UTF_8));
    private static final Sources.Source BRP = Sources.byName("brp_residence").orElseThrow();
    private static final Manifest RAW_CSV = new Manifest("brp_residence", "d1", "2026-11-01T02:00:00Z", "csv", ";",
            "dd-MM-yyyy", "UTF-8", List.of(new Manifest.DataFile("a.csv", 5, "0".repeat(64))), "full", "raw", null);
    private static final String ADDRESS = "0402200000000001";
    private static Dataset<Row> checked;
    private static FileSplits splits;

    @BeforeAll
    static void deliver() {
        DeliveryRows.registerUdfs(spark(), PSEUDONYMS);
        StructType strings = new StructType();
        for (String c : List.of("person_id", "valid_from", "valid_to", "address_id", "birth_year", "status", DeliveryRows.FILE)) {
            strings = strings.add(c, DataTypes.StringType);
        }
        strings = strings.add(DeliveryRows.SPLIT, DataTypes.LongType).add(DeliveryRows.POSITION, DataTypes.LongType);
        // As Spark reads a file in two parts: the later part (from byte 4096) in partition 0, the
        // first part in partition 1, whose positions start at 1 << 33. Row 4 repeats row 1's key.
        long partition1 = 1L << 33;
        Dataset<Row> delivered = spark().createDataFrame(List.of(
                RowFactory.create("111222333", "01-01-2020", null, ADDRESS, "1991", "resident", "a.csv", 4096L, 0L),
                RowFactory.create("123456782", "31-02-2021", null, ADDRESS, "1985", "alien", "a.csv", 4096L, 1L),
                RowFactory.create("111222333", "01-01-2020", null, ADDRESS, "1990", "resident", "a.csv", 0L, partition1),
                RowFactory.create("123456789", "01-01-2020", null, ADDRESS, "1990", "resident", "a.csv", 0L, partition1 + 1),
                RowFactory.create("123456782", "01-06-2021", "01-05-2021", ADDRESS, "1985", "resident", "a.csv", 0L, partition1 + 2)),
                strings);
        Dataset<Row> problems = DeliveryRows.withProblems(BRP, RAW_CSV, delivered, Set.of()).cache();
        splits = FileSplits.of(problems);
        checked = splits.withRowNumbers(problems);
    }

    @Test
    void oneAggregateCountsEachFileAndItsBadRows() {
        assertEquals(Map.of("a.csv", 5L), splits.rowsPerFile());
        assertEquals(4, splits.badRows());
    }

    @Test
    void eachRowGetsItsFirstProblem() {
        assertRows(List.of(
                "1,",
                "2,person_id: not a valid BSN (eleven-test) or pseudonym",
                "3,valid_to before valid_from",
                "4,duplicate key within the delivery",
                "5,valid_from: an unparsable or impossible date"), checked.select(DeliveryRows.ROW, DeliveryRows.REASON));
    }

    @Test
    void bronzeRowsArePseudonymisedAndTyped() {
        Dataset<Row> bronze = DeliveryRows.bronzeRows(BRP, checked.filter(col(DeliveryRows.REASON).isNull()), RAW_CSV, "run-1");
        assertRows(List.of(PSEUDONYMS.person("111222333") + ",2020-01-01,," + ADDRESS + ",1990,resident,d1,run-1"), bronze);
    }

    @Test
    void quarantineRowsNameTheirReasonAndHoldNoRawBsn() {
        Dataset<Row> quarantine = DeliveryRows.quarantineRows(BRP, RAW_CSV,
                checked.filter(col(DeliveryRows.REASON).isNotNull()), "run-1");
        assertRows(List.of(
                "brp_residence,d1,2,a.csv,person_id: not a valid BSN (eleven-test) or pseudonym",
                "brp_residence,d1,3,a.csv,valid_to before valid_from",
                "brp_residence,d1,4,a.csv,duplicate key within the delivery",
                "brp_residence,d1,5,a.csv,valid_from: an unparsable or impossible date"),
                quarantine.select("source", "delivery_id", "row_number", "file", "reason"));
        for (Row r : quarantine.select("row_json").collectAsList()) {
            for (String bsn : List.of("111222333", "123456789", "123456782")) {
                assertFalse(r.getString(0).contains(bsn), r.getString(0));
            }
        }
    }
}
