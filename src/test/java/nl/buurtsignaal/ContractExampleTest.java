package nl.buurtsignaal;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The worked example of the data contract (shared/contract/example, copied into the test
 * resources): the engine must produce exactly its expected signals and indicator counts.
 */
class ContractExampleTest extends SparkTestBase {
    private static final Path EXAMPLE = Path.of("src/test/resources/contract-example");

    @TempDir
    static Path work;
    static Path lakeDir;

    @BeforeAll
    static void ingestAndRun() throws IOException {
        Path key = work.resolve("example-key.txt");
        Files.copy(EXAMPLE.resolve("example-key.txt"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        lakeDir = work.resolve("lake");
        assertEquals(0, cli("ingest", "--landing", EXAMPLE.resolve("landing").toString(), "--lake", lakeDir.toString(),
                "--key-file", key.toString()));
        assertEquals(0, cli("run", "--lake", lakeDir.toString(), "--as-of", "2026-10-31"));
        lake(lakeDir).registerAll();
    }

    @Test
    void runningTheSameAsOfAgainGivesIdenticalGoldTables() {
        nl.buurtsignaal.lake.Lake lake = lake(lakeDir);
        List<String> gold = List.of("gold.signal", "gold.buurt_indicator", "gold.buurt_score");
        java.util.Map<String, TreeSet<String>> before = new java.util.TreeMap<>();
        gold.forEach(t -> before.put(t, rows(lake.read(t))));
        assertEquals(0, cli("run", "--lake", lakeDir.toString(), "--as-of", "2026-10-31"));
        gold.forEach(t -> assertEquals(before.get(t), rows(lake.read(t)), t));
        assertEquals(before.get("gold.signal").size(), lake.read("gold.signal").count(), "no duplicated rows");
    }

    @Test
    void signalsMatchTheExpectedRowsExactly() throws IOException {
        TreeSet<String> actual = rows(sql("SELECT rule_id, subject_type, subject_id FROM gold.signal WHERE as_of = DATE'2026-10-31'"));
        assertEquals(expected("signals.csv"), actual);
    }

    @Test
    void indicatorCountsMatchTheExpectedRowsExactly() throws IOException {
        TreeSet<String> actual = rows(sql("SELECT buurt_code, indicator_id, numerator, denominator FROM gold.buurt_indicator "
                + "WHERE as_of = DATE'2026-10-31' AND denominator > 0"));
        assertEquals(expected("indicators.csv"), actual);
    }

    @Test
    void theBenchsDuckDbPeerComputesTheSameRows() {
        nl.buurtsignaal.bench.Bench.Check check = nl.buurtsignaal.bench.Bench.crossCheck(lake(lakeDir), config(),
                java.time.LocalDate.of(2026, 10, 31));
        assertEquals(List.of(), check.examples());
        assertEquals(check.engineSignals(), check.duckdbSignals());
        org.junit.jupiter.api.Assertions.assertTrue(check.equal() && check.engineSignals() > 0, check.toString());
    }

    private static TreeSet<String> expected(String file) throws IOException {
        List<String> lines = Files.readAllLines(EXAMPLE.resolve("expected").resolve(file));
        TreeSet<String> rows = new TreeSet<>();
        lines.stream().skip(1).map(String::strip).filter(l -> !l.isEmpty()).forEach(rows::add);
        return rows;
    }
}
