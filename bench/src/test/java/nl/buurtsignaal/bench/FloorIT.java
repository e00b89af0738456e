package nl.buurtsignaal.bench;

import nl.buurtsignaal.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's floor on the contract example: the engine's commits, counted, and nothing left behind. */
class FloorIT extends SparkTestBase {
    private static final Path LANDING = nl.buurtsignaal.TestPaths.CONTRACT_EXAMPLE.resolve("landing");

    @Test
    void theFloorWritesATableForEveryDeliveryAndAsManyAsARunWrites(@TempDir Path work) throws IOException {
        long deliveries;
        try (var sources = Files.list(LANDING)) {
            deliveries = sources.mapToLong(source -> {
                try (var dirs = Files.list(source)) {
                    return dirs.filter(d -> Files.isRegularFile(d.resolve("_manifest.json"))).count();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
        Path lake = work.resolve("floor-lake");
        Floor.Figures figures = new Floor(spark(), config()).measure(LANDING, lake, LocalDate.parse("2026-10-31"));

        // a table per delivery and the audit's; ten silver tables, the reference, three gold tables, two audit tables
        assertEquals(deliveries + 1, figures.ingestCommits());
        assertEquals(10 + 1 + 3 + 2, figures.runCommits());
        assertTrue(figures.ingestJobs() >= deliveries, "a job at least per delivery: " + figures);
        assertTrue(figures.runJobs() >= figures.runCommits(), "a job at least per table: " + figures);
        assertTrue(figures.ingestSeconds() > 0 && figures.runSeconds() > 0, figures.toString());
        assertFalse(Files.exists(lake), "the floor's lake is removed");
    }
}
