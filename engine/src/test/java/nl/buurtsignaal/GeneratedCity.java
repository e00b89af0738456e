package nl.buurtsignaal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One generated city of 15,000 persons per test JVM, ingested and run for {@link #AS_OF}: the
 * models learn on it (ModelsIT), the council's report is drawn from it (ReportIT) and its results in two
 * classifications of areas are compared (AreasIT), which costs
 * one city instead of two. Made on first use, kept until the JVM ends.
 */
final class GeneratedCity {
    static final LocalDate AS_OF = LocalDate.of(2026, 10, 31);

    private static GeneratedCity city;

    final Path landing;
    final Path lake;
    final Path key;
    /**
     * The landing zone and lake as they were when made, before any test added to them (ModelsIT
     * delivers more and runs again): what a test that redoes the city elsewhere compares with.
     */
    final Path pristineLanding;
    final Path pristineLake;

    private GeneratedCity(Path dir) {
        landing = dir.resolve("landing");
        lake = dir.resolve("lake");
        key = landing.resolve("_key.txt");
        assertEquals(0, SparkTestBase.cli("generate", "--out", landing.toString(), "--persons", "15000", "--seed", "5",
                "--as-of", AS_OF.toString(), "--plants", "1", "--all-parquet"));
        assertEquals(0, SparkTestBase.cli("ingest", "--landing", landing.toString(), "--lake", lake.toString(),
                "--key-file", key.toString()));
        // both classifications of conf/areas side by side (AreasIT); the default's rows are what the others read
        assertEquals(0, SparkTestBase.cli("run", "--lake", lake.toString(), "--as-of", AS_OF.toString(), "--areas", "cbs-2014,hlt-2026"));
        pristineLanding = dir.resolve("pristine-landing");
        pristineLake = dir.resolve("pristine-lake");
        try {
            SparkTestBase.copyTree(landing, pristineLanding);
            SparkTestBase.copyTree(lake, pristineLake);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static synchronized GeneratedCity get() {
        if (city == null) {
            try {
                Path dir = Files.createTempDirectory(Files.createDirectories(TestPaths.build()), "generated-city-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        nl.buurtsignaal.base.FileTrees.deleteRecursively(dir);
                    } catch (IOException e) {
                        System.err.println("generated city not removed: " + dir);
                    }
                }));
                city = new GeneratedCity(dir.toAbsolutePath());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return city;
    }
}
