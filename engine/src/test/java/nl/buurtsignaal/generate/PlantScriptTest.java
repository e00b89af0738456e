package nl.buurtsignaal.generate;

import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.cli.Main;
import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.CatalogueEntry;
import nl.buurtsignaal.config.EngineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A rule's planted case as its own catalogue file declares it ({@code plant:}): the steps write
 * what they say, in order, with the rule's effective parameters; a malformed block is a one-line
 * error naming the file; a new rule with a plant block is planted by {@code generate} with no
 * change to the generator.
 */
class PlantScriptTest {
    @TempDir
    Path dir;

    /** A city that records what a script asks of it, one line per row or draw. */
    private static final class Recorder implements PlantScript.City {
        final List<String> calls = new ArrayList<>();
        private long addresses;
        private long persons;
        private long companies;

        @Override
        public PlantScript.Address newAddress(String usage, int floorM2) {
            calls.add("address " + addresses + " " + usage + " " + floorM2);
            return new PlantScript.Address(addresses++);
        }

        @Override
        public PlantScript.Person newPerson() {
            return new PlantScript.Person("p" + persons++);
        }

        @Override
        public PlantScript.Person anyPerson() {
            calls.add("draw person");
            return new PlantScript.Person("any");
        }

        @Override
        public PlantScript.Address anyDwelling() {
            calls.add("draw dwelling");
            return new PlantScript.Address(-1);
        }

        @Override
        public PlantScript.Address anyOther() {
            calls.add("draw other");
            return new PlantScript.Address(-2);
        }

        @Override
        public PlantScript.Company newCompany() {
            return new PlantScript.Company("k" + companies++);
        }

        @Override
        public LocalDate monthsBefore(int months) {
            return LocalDate.of(2026, 10, 31).minusMonths(months);
        }

        @Override
        public void residence(PlantScript.Person person, LocalDate from, LocalDate to, PlantScript.Address address,
                              int born, String status) {
            calls.add("residence " + person.bsn() + " " + from + " " + to + " " + address.index() + " " + born + " " + status);
        }

        @Override
        public void establishment(PlantScript.Company company, PlantScript.Address at, String sbi, String form,
                                  LocalDate registered, LocalDate gone) {
            calls.add("establishment " + company.kvk() + " " + at.index() + " " + sbi + " " + form + " " + registered + " " + gone);
        }

        @Override
        public void officer(PlantScript.Company company, PlantScript.Person officer, String role, LocalDate from,
                            LocalDate to) {
            calls.add("officer " + company.kvk() + " " + officer.bsn() + " " + role + " " + from + " " + to);
        }

        @Override
        public void transfer(PlantScript.Address object, LocalDate on, Object buyer, long price, boolean mortgage) {
            calls.add("transfer " + object.index() + " " + on + " " + buyer + " " + price + " " + mortgage);
        }

        @Override
        public void enforcementCase(PlantScript.Address address, LocalDate opened, String type) {
            calls.add("case " + address.index() + " " + opened + " " + type);
        }

        @Override
        public String subjectId(Object entity, String subjectType) {
            return subjectType + ":" + entity;
        }
    }

    private CatalogueEntry rule(String plant) throws IOException {
        Path folder = dir.resolve("catalogue");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("U-TEST.yaml"), """
                id: U-TEST
                kind: rule
                theme: undermining
                subject_type: address
                sources: [bag_address]
                parameters:
                  min_n: 3
                  window_months: 14
                sql: |
                  SELECT address_id AS subject_id, address_id, buurt_code, 2 AS severity, '{}' AS evidence
                  FROM silver.address WHERE as_of = ${as_of} AND ${min_n} > 0 AND ${window_months} > 0
                """ + plant);
        Path conf = dir.resolve("conf.yaml");
        Files.writeString(conf, "catalogue_dir: " + folder + "\n");
        return Catalogue.load(EngineConfig.load(Path.of("conf"), conf, List.of())).entries().get(0);
    }

    @Test
    void stepsWriteWhatTheySayInOrderWithTheRulesParameters() throws IOException {
        CatalogueEntry rule = rule("""
                plant:
                  case:
                    - let: {step: "(window_months - 6) / max(1, min_n - 1)"}
                    - address: a
                      usage: winkelfunctie
                      floor_m2: min(40, min_n * 12 - 1)
                    - repeat: min_n
                      as: i
                      do:
                        - let: {registered: months_before(window_months - step * i)}
                        - company: c
                          registered: registered
                          gone: "i == 0 ? plus_months(registered, 2) : null"
                          at: a
                          sbi: ["96.02.2", "4778"]
                          form: eenmanszaak
                          officer: any_person()
                          role: eigenaar
                        - residence: new_person()
                          when: i == min_n - 1
                          from: months_before(1)
                          address: any_dwelling()
                          born: 1990 + i
                    - case: a
                      opened: months_before(2)
                      type: closure_13b
                    - subject: a
                """);
        Recorder city = new Recorder();
        String subject = PlantScript.of(rule).plant(city);
        assertEquals("address:Address[index=0]", subject);
        // (14 - 6) / 2 = 4 months apart, integer arithmetic; the texts of a list in turn; the draws
        // in the order the fields are written; 'when' leaves out the residence but for the last turn
        assertEquals(List.of(
                "address 0 winkelfunctie 35",
                "establishment k0 0 96.02.2 eenmanszaak 2025-08-31 2025-10-31",
                "draw person",
                "officer k0 any eigenaar 2025-08-31 2025-10-31",
                "establishment k1 0 4778 eenmanszaak 2025-12-31 null",
                "draw person",
                "officer k1 any eigenaar 2025-12-31 null",
                "establishment k2 0 96.02.2 eenmanszaak 2026-04-30 null",
                "draw person",
                "officer k2 any eigenaar 2026-04-30 null",
                "draw dwelling",
                "residence p0 2026-09-30 null -1 1992 resident",
                "case 0 2026-08-31 closure_13b"), city.calls);
    }

    @Test
    void aMalformedBlockIsAOneLineErrorNamingTheFileAndStep() throws IOException {
        assertRefused("plant:\n  case:\n    - address: a\n      usage: woonfunctie\n      floor: 40\n    - subject: a\n",
                "U-TEST.yaml: plant.case[1]: a address step has no field 'floor'");
        assertRefused("plant:\n  case:\n    - bulldoze: a\n", "plant.case[1]: unknown step 'bulldoze'");
        assertRefused("plant:\n  case:\n    - address: a\n      usage: woonfunctie\n      floor_m2: 40\n",
                "U-TEST.yaml: plant.case names no subject");
        assertRefused("plant:\n  case:\n    - let: {x: min(1, 2)}\n    - subject: x\n",
                "quote an expression with a comma");
        assertRefused("plant:\n  cases: []\n", "unknown field 'cases'");
        assertRefused("plant:\n  case:\n    - address: A1\n      usage: woonfunctie\n      floor_m2: 1\n    - subject: A1\n",
                "'A1' is not a name");
        // wrong at run time: an undefined name, a residence at a person, a date that is a number
        assertRunRefused("plant:\n  case:\n    - address: a\n      usage: woonfunctie\n      floor_m2: max_n\n    - subject: a\n",
                "plant.case[1].floor_m2");
        assertRunRefused("plant:\n  case:\n    - person: p\n    - residence: p\n      address: p\n      from: months_before(1)\n"
                        + "      born: 1990\n    - subject: p\n", "plant.case[2].address must be address");
        assertRunRefused("plant:\n  case:\n    - address: a\n      usage: woonfunctie\n      floor_m2: 4\n    - case: a\n"
                        + "      opened: 3\n      type: inspection\n    - subject: a\n",
                "plant.case[2].opened must be a date");
    }

    @Test
    void scriptsCannotReachBeyondTheirFunctions() throws IOException {
        CatalogueEntry rule = rule("plant:\n  case:\n    - let: {x: \"''.getClass().forName('java.lang.Runtime')\"}\n"
                + "    - subject: x\n");
        UsageException refused = assertThrows(UsageException.class, () -> PlantScript.of(rule).plant(new Recorder()));
        assertTrue(refused.getMessage().contains("U-TEST.yaml: plant.case[1].let.x"), refused.getMessage());
    }

    private void assertRefused(String plant, String expected) throws IOException {
        UsageException refused = assertThrows(UsageException.class, () -> PlantScript.of(rule(plant)));
        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"), "one line: " + refused.getMessage());
    }

    private void assertRunRefused(String plant, String expected) throws IOException {
        PlantScript script = PlantScript.of(rule(plant));
        UsageException refused = assertThrows(UsageException.class, () -> script.plant(new Recorder()));
        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
        assertTrue(refused.getMessage().contains("U-TEST.yaml"), refused.getMessage());
    }

    @Test
    void everyShippedRuleDeclaresItsPlantedCase() {
        Catalogue catalogue = Catalogue.load(EngineConfig.load(Path.of("conf"), null, List.of()));
        for (CatalogueEntry rule : catalogue.rules()) {
            assertNotNull(PlantScript.of(rule), rule.file().getFileName() + " declares no plant: block");
        }
        for (CatalogueEntry indicator : catalogue.indicators()) {
            assertNull(indicator.plant(), indicator.file().getFileName() + ": an indicator plants nothing");
        }
    }

    @Test
    void aNewRuleIsOneFileAndGenerateAddsItsPlantedCase() throws IOException {
        Path folder = dir.resolve("catalogue");
        Files.createDirectories(folder);
        try (Stream<Path> shipped = Files.list(Path.of("conf/catalogue"))) {
            for (Path file : shipped.toList()) {
                Files.copy(file, folder.resolve(file.getFileName()));
            }
        }
        Files.writeString(folder.resolve("U-ADDR-BIBOB.yaml"), """
                id: U-ADDR-BIBOB
                kind: rule
                theme: undermining
                subject_type: address
                description: An address where a permit was refused under the Wet Bibob in the window.
                sources: [enforcement_case]
                parameters:
                  window_months: 24
                sql: |
                  SELECT address_id AS subject_id, address_id, first(buurt_code) AS buurt_code, 2 AS severity,
                         to_json(named_struct('refusals', count(*))) AS evidence
                  FROM silver.enforcement_case
                  WHERE as_of = ${as_of} AND case_type = 'bibob_refusal'
                    AND opened_on > add_months(${as_of}, -${window_months})
                  GROUP BY address_id
                plant:
                  case:
                    - address: a
                      usage: bijeenkomstfunctie
                      floor_m2: 200
                    - case: a
                      opened: months_before(window_months - 1)
                      type: bibob_refusal
                    - subject: a
                """);
        Path conf = dir.resolve("conf.yaml");
        Files.writeString(conf, "catalogue_dir: " + folder + "\n");
        Path landing = dir.resolve("city");
        assertEquals(0, Main.execute("generate", "--out", landing.toString(), "--persons", "200", "--seed", "5",
                "--as-of", "2026-10-31", "--plants", "2", "--conf", conf.toString()));
        List<String> planted = Files.readAllLines(landing.resolve("_planted.csv"));
        List<String> bibob = planted.stream().filter(l -> l.startsWith("U-ADDR-BIBOB,address,")).toList();
        assertEquals(2, bibob.size(), "one case per round: " + planted);
        List<String> cases = Files.readAllLines(landing.resolve("enforcement_case/2026-11-01/part-00000.csv"));
        for (String line : bibob) {
            String address = line.split(",")[2];
            assertTrue(cases.stream().anyMatch(c -> c.contains(address) && c.contains("bibob_refusal")
                            && c.contains("30-11-2024")),
                    "the planted refusal, 23 months before, at " + address);
        }
    }
}
