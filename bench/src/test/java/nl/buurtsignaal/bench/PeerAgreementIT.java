package nl.buurtsignaal.bench;

import nl.buurtsignaal.RuleEdgesLake;
import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.TestPaths;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.pipeline.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench's DuckDB peer, an independent implementation of the rules and indicators, computes the
 * engine's rows: on the contract's worked example (from the lake's bronze and straight from the
 * delivered files), at every edge of the rules' hand-made lake, and on a generated city with
 * planted cases on two reference dates. The engine's own tests hold those rows to the contract;
 * these hold the bench's peer to the engine, so the bench's equality check means something.
 */
class PeerAgreementIT extends SparkTestBase {
    private static final LocalDate AS_OF = LocalDate.of(2026, 10, 31);

    @TempDir
    static Path work;

    @Test
    void onTheWorkedExampleFromTheLakeAndFromTheDeliveredFiles() throws IOException {
        Path landing = work.resolve("example-landing");
        copyTree(TestPaths.CONTRACT_EXAMPLE.resolve("landing"), landing);
        Path key = work.resolve("example-key.txt");
        Files.copy(TestPaths.CONTRACT_EXAMPLE.resolve("example-key.txt"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path lakeDir = work.resolve("example-lake");
        assertEquals(0, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(), "--key-file", key.toString()));
        assertEquals(0, cli("run", "--lake", lakeDir.toString(), "--as-of", AS_OF.toString()));

        Bench.Check check = Bench.crossCheck(lake(lakeDir), config(), AS_OF);
        assertEquals(List.of(), check.examples());
        assertEquals(check.engineSignals(), check.duckdbSignals());
        assertTrue(check.equal() && check.engineSignals() > 0, check.toString());
        // DuckDB's own ingest: the example's bad rows, its Dutch csv dialect, its pseudonymised care
        // delivery and its raw BSNs, pseudonymised by an HMAC in SQL, give the engine's rows.
        Bench.Check fromFiles = Bench.crossCheck(lake(lakeDir), config(), AS_OF, new Bench.Deliveries(List.of(landing), key));
        assertEquals(List.of(), fromFiles.examples());
        assertTrue(fromFiles.equal() && fromFiles.engineSignals() > 0 && fromFiles.engineCounts() > 0, fromFiles.toString());
    }

    @Test
    void atEveryEdgeOfTheRulesNegativeDurationsIncluded() {
        Lake lake = lake(work.resolve("edges-lake"));
        RuleEdgesLake.write(lake);
        // the shipped catalogue and one indicator file more: it has no twin, so it is named, not compared
        EngineConfig withOneMore = config("catalogue_dir=" + RuleEdgesLake.catalogueWithOneMoreIndicator(work), "small_input.mode=off");
        new Pipeline(lake, withOneMore, Progress.silent()).run(AS_OF);

        Bench.Check twins = Bench.crossCheck(lake, withOneMore, AS_OF);
        assertTrue(twins.equal(), twins.toString());
        assertTrue(twins.engineSignals() > 10 && twins.engineCounts() > 10, twins.toString());
        assertEquals(List.of("shop_addresses_pct"), twins.withoutTwin());
    }

    @Test
    void onAGeneratedCityWithPlantedCasesOnTwoReferenceDates() {
        Path landing = work.resolve("city-landing");
        Path lakeDir = work.resolve("city-lake");
        assertEquals(0, cli("generate", "--out", landing.toString(), "--persons", "1500", "--seed", "11",
                "--as-of", AS_OF.toString(), "--plants", "2"));
        Path key = landing.resolve("_key.txt");
        assertEquals(0, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(), "--key-file", key.toString()));
        for (String asOf : List.of("2026-10-31", "2026-04-30")) {
            assertEquals(0, cli("run", "--lake", lakeDir.toString(), "--as-of", asOf));
        }
        for (String asOf : List.of("2026-10-31", "2026-04-30")) {
            Bench.Check check = Bench.crossCheck(lake(lakeDir), config(), LocalDate.parse(asOf));
            assertTrue(check.equal(), asOf + ": " + check);
            assertTrue(check.engineSignals() > 0 && check.engineCounts() > 0, asOf + ": " + check);
        }
        // and with DuckDB's own ingest of the delivered parquet and csv files, as the bench runs it
        Bench.Check fromFiles = Bench.crossCheck(lake(lakeDir), config(), AS_OF, new Bench.Deliveries(List.of(landing), key));
        assertTrue(fromFiles.equal() && fromFiles.engineSignals() > 0, fromFiles.toString());
    }
}
