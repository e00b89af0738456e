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
}
