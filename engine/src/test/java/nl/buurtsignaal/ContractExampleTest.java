package nl.buurtsignaal;

import nl.buurtsignaal.conform.Conform;
import nl.buurtsignaal.lake.Lake;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worked example of the data contract (shared/contract/example, copied into the test
 * resources): the engine must produce exactly its expected signals and indicator counts. Then
 * incremental runs: a second run for the same as_of recomputes nothing, and after a new delivery (on
 * a copy of the lake, so that the tests need no order) only what it touched, writing exactly what
 * {@code run --full} writes from the same bronze tables.
 */
class ContractExampleTest extends SparkTestBase {
    private static final Path EXAMPLE = nl.buurtsignaal.TestPaths.CONTRACT_EXAMPLE;
    private static final String AS_OF = "2026-10-31";
    private static final List<String> GOLD = List.of("gold.signal", "gold.buurt_indicator", "gold.buurt_score");

    @TempDir
    static Path work;
    static Path landing;
    static Path lakeDir;
    static Path key;
    static String firstRun;

    @BeforeAll
    static void ingestAndRun() throws IOException {
        // a copy: the incremental tests add a delivery to it
        landing = work.resolve("landing");
        copyTree(EXAMPLE.resolve("landing"), landing);
        key = work.resolve("example-key.txt");
        Files.copy(EXAMPLE.resolve("example-key.txt"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        lakeDir = work.resolve("lake");
        assertEquals(0, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(),
                "--key-file", key.toString()));
        firstRun = run(lakeDir);
        lake(lakeDir).registerAll();
    }

    @Test
    void signalsMatchTheExpectedRowsExactly() throws IOException {
        List<String> actual = rows(lake(lakeDir).read("gold.signal").filter("as_of = DATE'2026-10-31'")
                .select("rule_id", "subject_type", "subject_id"));
        assertEquals(expected("signals.csv"), actual);
    }

    @Test
    void indicatorCountsMatchTheExpectedRowsExactly() throws IOException {
        List<String> actual = rows(lake(lakeDir).read("gold.buurt_indicator").filter("as_of = DATE'2026-10-31' AND denominator > 0")
                .select("buurt_code", "indicator_id", "numerator", "denominator"));
        assertEquals(expected("indicators.csv"), actual);
    }

    @Test
    void theDeltaLogKeepsStatisticsOfAsOfAloneNoPseudonym() throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        int files = 0;
        try (var logs = java.nio.file.Files.walk(lakeDir)) {
            for (Path log : logs.filter(p -> p.getParent().getFileName().toString().equals("_delta_log")
                    && p.getFileName().toString().endsWith(".json")).toList()) {
                for (String line : java.nio.file.Files.readAllLines(log)) {
                    var add = json.readTree(line).path("add");
                    if (add.has("stats")) {
                        files++;
                        var stats = json.readTree(add.get("stats").asText());
                        for (String kind : List.of("minValues", "maxValues", "nullCount")) {
                            java.util.Iterator<String> columns = stats.path(kind).fieldNames();
                            while (columns.hasNext()) {
                                assertEquals("as_of", columns.next(), log + " keeps " + kind + " of another column");
                            }
                        }
                    }
                }
            }
        }
        assertTrue(files > 20, "data files with statistics: " + files);
    }

    /** The example's expected rows, sorted, each as often as it is listed. */
    private static List<String> expected(String file) throws IOException {
        List<String> lines = Files.readAllLines(EXAMPLE.resolve("expected").resolve(file));
        return lines.stream().skip(1).map(String::strip).filter(l -> !l.isEmpty()).sorted().toList();
    }

    /** nl.buurtsignaal.lake.Tables.SILVER_INPUTS decides what a new delivery recomputes: it must name exactly the tables each plan reads. */
    @Test
    void theDeclaredInputsOfEverySilverTableAreTheBronzeTablesItsPlanReads() {
        Lake lake = lake(lakeDir);
        var plans = Conform.plan(lake, config(), java.time.LocalDate.parse(AS_OF)).silver();
        assertEquals(nl.buurtsignaal.lake.Tables.SILVER_INPUTS.keySet(), plans.keySet());
        plans.forEach((table, plan) -> {
            TreeSet<String> read = new TreeSet<>();
            for (String file : plan.inputFiles()) {
                for (String source : Conform.SOURCES) {
                    if (file.contains(lake.location("bronze." + source) + "/")) {
                        read.add("bronze." + source);
                    }
                }
            }
            assertEquals(new TreeSet<>(nl.buurtsignaal.lake.Tables.SILVER_INPUTS.get(table)), read, table);
        });
    }

    private static final int ALL = -1;

    /** The run's "recomputed" line, its totals taken from the catalogue and the silver tables (ALL: every one). */
    private static String recomputed(int silver, int rules, int indicators) {
        var catalogue = nl.buurtsignaal.config.Catalogue.load(config());
        int s = nl.buurtsignaal.lake.Tables.SILVER_INPUTS.size(), r = catalogue.rules().size(), i = catalogue.indicators().size();
        return "recomputed " + (silver == ALL ? s : silver) + "/" + s + " silver tables, " + (rules == ALL ? r : rules) + "/" + r
                + " rules, " + (indicators == ALL ? i : indicators) + "/" + i + " indicators";
    }

    @Test
    void runningTheSameAsOfAgainRecomputesNothingAndChangesNothing() {
        assertTrue(firstRun.contains(recomputed(ALL, ALL, ALL)), firstRun);
        Map<String, List<String>> before = gold(lake(lakeDir));
        String again = run(lakeDir);
        assertTrue(again.contains(recomputed(0, 0, 0)), again);
        assertEquals(before, gold(lake(lakeDir)));
        assertEquals(before.get("gold.signal").size(), lake(lakeDir).read("gold.signal").count(), "no duplicated rows");
    }

    @Test
    void aDeltaDeliveryRecomputesWhatReadsItAndEqualsAFullRun() throws IOException {
        // on a copy of the landing zone and the lake: the other tests read the example's own rows
        Path copy = Files.createTempDirectory(work, "delta-delivery-");
        Path landing = copy.resolve("landing");
        Path lakeDir = copy.resolve("lake");
        copyTree(ContractExampleTest.landing, landing);
        copyTree(ContractExampleTest.lakeDir, lakeDir);
        Deliveries.delivery(landing, "enforcement_case", "2026-11-15").kind("delta")
                .file("part-00000.csv", "op,case_id,address_id,kvk_number,opened_on,closed_on,case_type,outcome",
                        "U,Z90000001,0402200000100060,,2026-03-01,,complaint_drugs,pending",
                        "U,Z90000002,0402200000100060,,2026-05-01,,housing_fraud,pending",
                        "U,Z90000003,0402200000100060,,2026-06-01,,complaint_drugs,pending",
                        "D,Z00000002,1525200000100023,,2024-10-11,,complaint_nuisance,pending")
                .write();
        assertEquals(0, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(), "--key-file", key.toString()));
        String incremental = run(lakeDir);
        // silver.enforcement_case; the rules and indicators whose inputs include bronze.enforcement_case
        // (in the shipped catalogue: U-ADDR-ENFORCEMENT, enforcement_cases_per_1000, and the two
        // indicators that read the run's signals)
        var catalogue = nl.buurtsignaal.config.Catalogue.load(config());
        var runner = new nl.buurtsignaal.indicators.CatalogueRunner(lake(lakeDir), catalogue);
        java.util.function.Predicate<nl.buurtsignaal.config.CatalogueEntry> readsCases = e ->
                runner.inputsOf(e, java.time.LocalDate.parse(AS_OF)).contains("bronze.enforcement_case");
        int rules = (int) catalogue.rules().stream().filter(readsCases).count();
        int indicators = (int) catalogue.indicators().stream().filter(readsCases).count();
        assertTrue(rules >= 1 && indicators >= 1, rules + " rules, " + indicators + " indicators");
        assertTrue(incremental.contains(recomputed(1, rules, indicators)), incremental);

        Map<String, List<String>> kept = gold(lake(lakeDir));

        // the same lake, everything recomputed from the same bronze tables, this time without held
        // tables: what the incremental run kept and held equals what reads every table from the lake
        // (RuleEdgesTest runs its edges with the large-input profile, compiled queries without held tables)
        assertFalse(nl.buurtsignaal.lake.HeldTables.wanted(nl.buurtsignaal.config.EngineConfig.load(java.nio.file.Path.of("conf"),
                null, List.of("small_input.hold_tables=false")), true));
        String full = stderrOf(() -> assertEquals(0, cli("run", "--lake", lakeDir.toString(), "--as-of", AS_OF, "--full",
                "--set", "small_input.hold_tables=false")));
        assertTrue(full.contains(recomputed(ALL, ALL, ALL)), full);
        Map<String, List<String>> recomputed = gold(lake(lakeDir));
        assertEquals(recomputed, kept);
        assertTrue(recomputed.get("gold.signal").stream().anyMatch(s -> s.contains("U-ADDR-ENFORCEMENT") && s.contains("0402200000100060")),
                "the new cases make a signal");
    }

    @Test
    void ingestWeighsTheBronzeItWritesIntoNotOnlyTheNewDeliveries() {
        // Nothing new to ingest: no delivery bytes, but the lake's bronze is above a 10 KB threshold.
        assertTrue(lake(lakeDir).bytes("bronze") > 10 * 1024);
        String own = spark().sparkContext().getConf().get("spark.sql.shuffle.partitions", "200");
        assertEquals(0, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(),
                "--key-file", key.toString(), "--set", "small_input.max_input_mb=0.01"));
        assertEquals(own, spark().conf().get("spark.sql.shuffle.partitions"), "a large lake takes the large-input settings");
        assertEquals(0, cli("ingest", "--landing", landing.toString(), "--lake", lakeDir.toString(),
                "--key-file", key.toString()));
        assertEquals("2", spark().conf().get("spark.sql.shuffle.partitions"), "a small lake takes the small-input settings");
    }

    private static String run(Path lake) {
        return stderrOf(() -> assertEquals(0, cli("run", "--lake", lake.toString(), "--as-of", AS_OF)));
    }

    /** Every gold table's rows of as_of, without the run-dependent columns. */
    private static Map<String, List<String>> gold(Lake lake) {
        Map<String, List<String>> rows = new TreeMap<>();
        for (String table : GOLD) {
            rows.put(table, rows(lake.read(table).filter("as_of = DATE'" + AS_OF + "'")));
        }
        return rows;
    }
}
