package nl.buurtsignaal.ingest;

import nl.buurtsignaal.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fast parse of ISO dates gives what Spark's formatter gives; other patterns go through the formatter. */
class RowChecksTest extends SparkTestBase {

    @Test
    void aDateIsWhatSparksFormatterMakesOfIt() {
        List<String> values = new ArrayList<>(Arrays.asList(
                "2026-11-01", "2024-02-29", "2023-02-29", "2021-02-31", "2026-13-01", "2026-00-10", "2026-01-00",
                "2026-1-01", "26-11-01", " 2026-11-01", "2026-11-01 ", "2026-11-01T10:00", "20261101", "2026/11/01",
                "01-11-2026", "31-04-2026", "30-04-2026", "1-11-2026", "01.11.2026", "11/01/2026", "2026-11-0a",
                "0000-01-01", "9999-12-31", "", "abc", null));
        Dataset<String> rows = spark().createDataset(values, Encoders.STRING());
        for (String pattern : List.of("yyyy-MM-dd", "dd-MM-yyyy", "dd.MM.yyyy", "MM/dd/yyyy", "yyyyMMdd", "yyyy/MM/dd",
                "d-M-yyyy", "dd-MMM-yyyy")) {
            Dataset<Row> both = rows.select(col("value"),
                    RowChecks.dateOf(col("value"), pattern).as("fast"),
                    call_function("try_to_date", col("value"), lit(pattern)).as("formatter"));
            for (Row r : both.collectAsList()) {
                assertEquals(r.get(2), r.get(1), pattern + ": " + r.get(0));
            }
        }
    }
}
