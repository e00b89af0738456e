package nl.buurtsignaal.lake;

import nl.buurtsignaal.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LakeTest extends SparkTestBase {
    @Test
    void aTableWhoseFirstCommitWasKilledIsNoTableAndTheNextWriteCreatesIt(@TempDir Path dir) throws IOException {
        // what a process killed while creating silver.household leaves: a log folder, no commit
        Path table = dir.resolve("silver").resolve("household");
        Files.createDirectories(table.resolve("_delta_log"));
        Files.writeString(table.resolve("part-00000-orphan.snappy.parquet"), "half a file");
        Lake lake = lake(dir);
        assertFalse(lake.exists("silver.household"));
        assertEquals(List.of(), lake.tables());

        lake.replaceAsOf("silver.household", LocalDate.of(2026, 10, 31),
                sql("SELECT DATE'2026-10-31' AS as_of, 'A1' AS address_id, 3 AS residents"));
        assertTrue(lake.exists("silver.household"));
        assertEquals(List.of("silver.household"), lake.tables());
        assertEquals(0L, lake.version("silver.household"));
        assertEquals(1L, lake.read("silver.household").count());
    }

    @Test
    void readingTheFilesGivesTheRowsOfTheLatestVersionAsDeltaDoes(@TempDir Path dir) {
        Lake lake = lake(dir);
        lake.append("bronze.brp_residence", sql("SELECT 'P1' AS person_id, DATE'2020-01-01' AS valid_from, 1 AS n"));
        lake.append("bronze.brp_residence", sql("SELECT 'P2' AS person_id, CAST(NULL AS DATE) AS valid_from, 2 AS n"));
        lake.replaceWhere("bronze.brp_residence", "person_id = 'P1'",
                sql("SELECT 'P1' AS person_id, DATE'2021-02-02' AS valid_from, 3 AS n"));
        assertEquals(rows(lake.read("bronze.brp_residence")), rows(lake.readFiles("bronze.brp_residence")));
        assertEquals(List.of("P1,2021-02-02,3", "P2,,2"), rows(lake.readFiles("bronze.brp_residence")));
        assertEquals(lake.read("bronze.brp_residence").schema(), lake.readFiles("bronze.brp_residence").schema());

        lake.replaceWhere("bronze.brp_residence", "true", sql("SELECT 'P9' AS person_id, DATE'2020-01-01' AS valid_from, 9 AS n").limit(0));
        assertEquals(0L, lake.readFiles("bronze.brp_residence").count(), "an emptied table reads as no rows");
    }

    @Test
    void aTableWithDeletionVectorsIsReadThroughDeltaSoThatDeletedRowsStayDeleted(@TempDir Path dir) {
        Lake lake = lake(dir);
        sql("SELECT id AS n, concat('P', id) AS person_id FROM range(0, 50)").repartition(1).write().format("delta")
                .option("delta.enableDeletionVectors", "true").save(lake.location("bronze.care_provision"));
        spark().sql("DELETE FROM delta.`" + lake.location("bronze.care_provision") + "` WHERE n = 7");
        // the file still holds the erased row: only the deletion vector says it is gone
        assertEquals(50L, spark().read().parquet(lake.location("bronze.care_provision") + "/*.parquet").count());
        assertEquals(49L, lake.readFiles("bronze.care_provision").count());
        assertEquals(0L, lake.readFiles("bronze.care_provision").filter("n = 7").count());
    }
}
