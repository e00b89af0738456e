package nl.buurtsignaal;

import nl.buurtsignaal.pipeline.Pipeline;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.lake.Lake;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static nl.buurtsignaal.RuleEdgesLake.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Rules at their edges: one small hand-made lake with cases just inside and just outside each
 * threshold and window (as_of 2026-10-31), run through conform and the catalogue.
 */
class RuleEdgesTest extends SparkTestBase {
    private static List<String> signals;
    private static java.util.List<Long> shopIndicator;
    private static long shopRowsPublished;
    private static Lake lake;

    @TempDir
    static Path dir;

    @BeforeAll
    static void buildAndRun() {
        lake = lake(dir.resolve("lake"));
        RuleEdgesLake.write(lake);

        // The shipped catalogue plus one indicator file of the test's own (see aNewIndicatorFile…),
        // run with the large-input profile (compiled queries, adaptive plans, no tables held in
        // memory): the edges below hold for it, and the second run in signalsCarryEvidence… and
        // the other tests' lakes take the small one.
        var withOneMore = config("catalogue_dir=" + catalogueWithOneMoreIndicator(dir), "small_input.mode=off");
        new Pipeline(lake, withOneMore, Progress.silent()).run(LocalDate.of(2026, 10, 31));
        signals = rows(lake.read("gold.signal").select("rule_id", "subject_id"));
        // what the run made of the added indicator, before other tests run the shipped catalogue again
        shopIndicator = indicator("shop_addresses_pct");
        shopRowsPublished = nl.buurtsignaal.publish.OpenData.export(lake.read(nl.buurtsignaal.lake.Tables.BUURT_INDICATOR),
                lake.read(nl.buurtsignaal.lake.Tables.SILVER_BUURT), LocalDate.of(2026, 10, 31), new nl.buurtsignaal.scoring.Disclosure(50))
                .filter("indicator_id = 'shop_addresses_pct'").count();
    }

    private static boolean fired(String rule, String subject) {
        return signals.contains(rule + "," + subject);
    }

    @Test
    void overcrowdingAtTheAreaAndResidentThresholds() {
        assertTrue(fired("U-ADDR-OVERCROWDED", address(1)), "11.75 m2 per resident");
        assertFalse(fired("U-ADDR-OVERCROWDED", address(2)), "12 m2 per resident is not below 12");
        assertFalse(fired("U-ADDR-OVERCROWDED", address(3)), "three residents");
        assertFalse(fired("U-ADDR-OVERCROWDED", address(4)), "not a dwelling");
        assertFalse(fired("U-ADDR-OVERCROWDED", address(5)), "a residence ending on as_of is over");
        assertTrue(fired("U-ADDR-OVERCROWDED", address(6)), "a residence starting on as_of counts");
    }

    @Test
    void enforcementWindowsAreHalfOpen() {
        assertTrue(fired("U-ADDR-ENFORCEMENT", address(7)), "three complaints inside 24 months, one on as_of");
        assertFalse(fired("U-ADDR-ENFORCEMENT", address(8)), "a complaint exactly 24 months back is outside");
        assertTrue(fired("U-ADDR-ENFORCEMENT", address(9)), "13b closure a day inside 36 months");
        assertFalse(fired("U-ADDR-ENFORCEMENT", address(10)), "13b closure exactly 36 months back");
        assertFalse(fired("U-ADDR-ENFORCEMENT", address(11)), "a case opened after as_of");
    }

    @Test
    void companyClustersCountOnlyActiveEstablishments() {
        assertTrue(fired("U-ADDR-COMPANY-CLUSTER", address(12)), "3 at a dwelling");
        assertFalse(fired("U-ADDR-COMPANY-CLUSTER", address(13)), "deregistered on as_of: 2 left");
        assertFalse(fired("U-ADDR-COMPANY-CLUSTER", address(14)), "4 at an office");
        assertTrue(fired("U-ADDR-COMPANY-CLUSTER", address(15)), "5 at an office");
        assertTrue(fired("U-ADDR-COMPANY-CLUSTER", address(16)), "a deregistration after as_of is not yet known");
    }

    @Test
    void abcTransactionsAtTheirEdges() {
        assertTrue(fired("U-OBJ-ABC", object(20)), "exactly six months apart");
        assertFalse(fired("U-OBJ-ABC", object(21)), "six months and a day, +10 %");
        assertTrue(fired("U-OBJ-ABC", object(22)), "+30 % within 12 months");
        assertFalse(fired("U-OBJ-ABC", object(23)), "+29 %");
    }

    @Test
    void cashPurchasesByYoungCompanies() {
        assertTrue(fired("U-OBJ-CASH-COMPANY", object(24)), "company 364 days old");
        assertFalse(fired("U-OBJ-CASH-COMPANY", object(25)), "company exactly 12 months old");
        assertFalse(fired("U-OBJ-CASH-COMPANY", object(26)), "mortgage registered");
    }

    @Test
    void aBrokenCatalogueEntryStopsTheRunBeforeAnythingIsWritten() throws java.io.IOException {
        Path catalogue = dir.resolve("broken-catalogue");
        java.nio.file.Files.createDirectories(catalogue);
        try (var files = java.nio.file.Files.list(Path.of("conf/catalogue"))) {
            for (Path f : files.toList()) {
                java.nio.file.Files.copy(f, catalogue.resolve(f.getFileName()));
            }
        }
        java.nio.file.Files.writeString(catalogue.resolve("zz-broken.yaml"), "id: broken_pct\nkind: indicator\n"
                + "theme: undermining\nscale: 100\nsql: SELECT buurt_code, count(no_such_column) AS numerator, "
                + "count(*) AS denominator FROM silver.household GROUP BY buurt_code\n");
        long signalVersion = lake.version("gold.signal");
        long silverVersion = lake.version("silver.household");
        nl.buurtsignaal.base.UsageException e = assertThrows(nl.buurtsignaal.base.UsageException.class,
                () -> new Pipeline(lake, config("catalogue_dir=" + catalogue), Progress.silent()).run(LocalDate.of(2026, 10, 31)));
        assertTrue(e.getMessage().contains("zz-broken.yaml") && e.getMessage().contains("no_such_column"), e.getMessage());
        assertEquals(signalVersion, lake.version("gold.signal"));
        assertEquals(silverVersion, lake.version("silver.household"), "nothing was written");
    }

    @Test
    void frequentMoversAndVowChurnAtTheWindowEdge() {
        assertTrue(fired("U-ADDR-FREQUENT-MOVERS", address(30)), "three starts each inside 24 months");
        assertFalse(fired("U-ADDR-FREQUENT-MOVERS", address(31)), "first start exactly 24 months back");
        assertFalse(fired("U-ADDR-FREQUENT-MOVERS", address(32)), "the movers no longer live there");
        assertTrue(fired("U-ADDR-VOW-CHURN", address(33)), "three vow endings inside, one on as_of");
        assertFalse(fired("U-ADDR-VOW-CHURN", address(34)), "one vow ending exactly 24 months back");
    }

    @Test
    void riskBranchChurnAtTheLifetimeEdgeAndSbiSpellings() {
        assertTrue(fired("U-ADDR-RISK-BRANCH-CHURN", address(35)), "deregistered exactly 12 months after registration");
        assertFalse(fired("U-ADDR-RISK-BRANCH-CHURN", address(36)), "12 months and a day");
        assertTrue(fired("U-ADDR-RISK-BRANCH-CHURN", address(37)), "SBI codes with dots are the same codes");
    }

    @Test
    void strawmanCountsCompaniesByTheirRegistrationAndDeregistration() {
        assertTrue(fired("U-PERSON-STRAWMAN", "S1"), "deregistered exactly 18 months after registration");
        assertFalse(fired("U-PERSON-STRAWMAN", "S2"), "18 months and a day; a company with an active establishment");
    }

    @Test
    void anObjectWithSeveralAddressesIsPlacedAtItsLowestAddress() {
        var row = lake.read("gold.signal").filter("rule_id = 'U-OBJ-ABC' AND subject_id = '" + object(40) + "'").first();
        assertEquals(address(40), row.getAs("address_id"));
        assertEquals("BU04020101", row.getAs("buurt_code"));
    }

    @Test
    void signalsCarryEvidenceAndStableIds() {
        var row = lake.read("gold.signal").filter("rule_id = 'U-ADDR-OVERCROWDED' AND subject_id = '" + address(1) + "'").first();
        String evidence = row.getAs("evidence");
        assertTrue(evidence.contains("\"residents\":4") && evidence.contains("\"floor_area_m2\":47"), evidence);
        String id = row.getAs("signal_id");
        String method = lake.read("gold.buurt_score").first().getAs("method_version");

        // An analyst raises a threshold in the configuration and runs again, without rebuilding: the
        // catalogue and the scores are recomputed, silver (bronze and conforming's settings) is kept.
        var raised = config("catalogue.U-ADDR-OVERCROWDED.max_m2_per_resident=13");
        var catalogue = nl.buurtsignaal.config.Catalogue.load(raised);
        String recomputed = new Pipeline(lake, raised, Progress.silent()).run(LocalDate.of(2026, 10, 31)).recomputed();
        assertEquals("0/" + nl.buurtsignaal.lake.Tables.SILVER_INPUTS.size() + " silver tables, " + catalogue.rules().size() + "/"
                + catalogue.rules().size() + " rules, " + catalogue.indicators().size() + "/" + catalogue.indicators().size()
                + " indicators", recomputed);
        assertEquals(1, lake.read("gold.signal").filter("signal_id = '" + id + "'").count(),
                "the same rule, subject and as_of keep their id, once");
        assertTrue(rows(lake.read("gold.signal").select("rule_id", "subject_id"))
                .contains("U-ADDR-OVERCROWDED," + address(2)), "12 m2 per resident is below the new 13");
        assertEquals(1L, lake.read("gold.buurt_score").select("method_version").distinct().count(), "rerun replaces");
        assertNotEquals(method, lake.read("gold.buurt_score").first().getAs("method_version"));
    }

    @Test
    void aCompanyRegisteredAfterTheTransferHasNoAgeAtIt() {
        assertFalse(fired("U-OBJ-CASH-COMPANY", object(50)), "registered the day after the transfer");
        assertTrue(fired("U-OBJ-CASH-COMPANY", object(51)), "registered on the transfer date: 0 days old");
        String evidence = lake.read("gold.signal").filter("rule_id = 'U-OBJ-CASH-COMPANY' AND subject_id = '" + object(51) + "'")
                .first().getAs("evidence");
        assertTrue(evidence.contains("\"company_age_days\":0"), evidence);
        String older = lake.read("gold.signal").filter("rule_id = 'U-OBJ-CASH-COMPANY' AND subject_id = '" + object(24) + "'")
                .first().getAs("evidence");
        assertTrue(older.contains("\"company_age_days\":364"), older);
    }

    @Test
    void aDeregistrationBeforeItsRegistrationIsNotShortLived() {
        assertFalse(fired("U-ADDR-RISK-BRANCH-CHURN", address(52)), "two short-lived and one ended before it began");
        assertFalse(fired("U-PERSON-STRAWMAN", "S3"), "one short-lived company and one ended before it began");
        // of the nine establishments registered there in 36 months, three were short-lived
        assertEquals(java.util.List.of(3L, 9L), indicator("short_lived_companies_pct"));
    }

    @Test
    void transfersChainByDateNotByDeliveryOrder() {
        assertFalse(fired("U-OBJ-ABC", object(54)), "a resale 23 % below the purchase before it");
        assertFalse(fired("U-OBJ-ABC", object(53)), "19 months apart");
        // six transfers in 24 months; one resells within 12 months of the purchase before it
        assertEquals(java.util.List.of(1L, 6L), indicator("quick_resales_pct"));
    }


    /**
     * An indicator is one file: dropped into a copy of conf/catalogue/, with no code change, the
     * engine computed it (in the run above), the docs describe it and the open-data export publishes it.
     */
    @Test
    void aNewIndicatorFileIsComputedDocumentedAndPublished() {
        var config = config("catalogue_dir=" + dir.resolve("catalogue-plus-one"));
        // computed: of the five addresses of BU04020102, one is a shop
        assertEquals(java.util.List.of(1L, 5L), shopIndicator);
        // documented
        String docs = nl.buurtsignaal.publish.CatalogueDocs.render(nl.buurtsignaal.config.Catalogue.load(config), config);
        assertTrue(docs.contains("### `shop_addresses_pct`") && docs.contains("Shop addresses (winkelfunctie) per 100 addresses."));
        // published (under disclosure control, as every indicator): a row per neighbourhood it has a value for
        assertTrue(shopRowsPublished > 0, "published");
    }

    @Test
    void careStackingCountsEachProvisionOncePerHousehold() {
        // six households (addresses 60-65); numerators as the fixture's comment says
        assertEquals(java.util.List.of(2L, 6L), indicator("households_2plus_provisions_pct", CARE_BUURT));
        assertEquals(java.util.List.of(1L, 6L), indicator("households_3plus_provisions_pct", CARE_BUURT));
        assertEquals(java.util.List.of(2L, 6L), indicator("households_multi_law_pct", CARE_BUURT));
        // residents with an active provision: p60_0, p60_1, p61_0, p61_1, p62_0 of twelve
        assertEquals(java.util.List.of(5L, 12L), indicator("residents_with_provision_per_1000", CARE_BUURT));
    }

    private static java.util.List<Long> indicator(String id) {
        return indicator(id, NEGATIVE_BUURT);
    }

    private static java.util.List<Long> indicator(String id, String buurt) {
        Row row = lake.read("gold.buurt_indicator")
                .filter("buurt_code = '" + buurt + "' AND indicator_id = '" + id + "'").first();
        return java.util.List.of(row.<Long>getAs("numerator"), row.<Long>getAs("denominator"));
    }
}
