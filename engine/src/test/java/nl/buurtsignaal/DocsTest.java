package nl.buurtsignaal;

import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.publish.CatalogueDocs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DocsTest {
    @Test
    void theCommittedIndicatorDocsAreWhatTheCatalogueGenerates() throws IOException {
        EngineConfig config = EngineConfig.load(Path.of("conf"), null, List.of());
        String generated = CatalogueDocs.render(Catalogue.load(config), config);
        String committed = Files.readString(Path.of("docs/indicators.md"), StandardCharsets.UTF_8);
        assertEquals(generated, committed, "docs/indicators.md is stale: run bin/buurtsignaal docs");
    }

    /** The model cards and the Algoritmeregister entry are current: one card per model definition. */
    @Test
    void theCommittedModelCardsAndRegisterEntryAreWhatTheDefinitionsGenerate() throws IOException {
        EngineConfig config = EngineConfig.load(Path.of("conf"), null, List.of());
        List<nl.buurtsignaal.models.ModelSpec> specs = nl.buurtsignaal.models.ModelSpec.all(config);
        assertTrue(specs.size() >= 3, "signal_priority, its challenger and care_expected");
        for (nl.buurtsignaal.models.ModelSpec spec : specs) {
            Path card = Path.of("docs/models/" + spec.name() + ".md");
            assertTrue(Files.isRegularFile(card), card + " is missing: run bin/buurtsignaal docs");
            String md = Files.readString(card, StandardCharsets.UTF_8);
            assertEquals(nl.buurtsignaal.publish.ModelCards.card(spec, config, List.of()), md, card + " is stale: run bin/buurtsignaal docs");
            for (String feature : spec.features()) {
                assertTrue(md.contains("| `" + feature + "` |"), spec.name() + " card names its feature " + feature);
            }
        }
        String register = Files.readString(Path.of("docs/algoritmeregister.md"), StandardCharsets.UTF_8);
        assertEquals(nl.buurtsignaal.publish.ModelCards.register(Catalogue.load(config), specs, config), register,
                "docs/algoritmeregister.md is stale: run bin/buurtsignaal docs");
        for (String field : List.of("Naam", "Doel en impact", "Afwegingen", "Menselijke tussenkomst", "Risicobeheer",
                "Wettelijke grondslag", "Impacttoetsen", "Data", "Technische werking", "Broncode")) {
            assertEquals(specs.size() + 1, register.lines().filter(l -> l.startsWith("| " + field)).count(),
                    field + " for the rules and every model");
        }
    }

    /** The rules' precision as a lake gives it: a figure to two decimals, "–" where a rule has none yet. */
    @Test
    void theRulesPrecisionReadsAsATable() {
        EngineConfig config = EngineConfig.load(Path.of("conf"), null, List.of());
        var rows = List.of(
                new nl.buurtsignaal.dossier.Precision.Row(java.time.LocalDate.of(2026, 9, 30), java.time.LocalDate.of(2026, 10, 31),
                        "U-ADDR-OVERCROWDED", 12, 9, 3, 0.75, 0.4677, 0.9111, 3.2),
                new nl.buurtsignaal.dossier.Precision.Row(java.time.LocalDate.of(2026, 10, 31), java.time.LocalDate.of(2026, 10, 31),
                        "U-ADDR-ENFORCEMENT", 0, 0, 0, null, null, null, null));
        String register = nl.buurtsignaal.publish.ModelCards.register(Catalogue.load(config),
                nl.buurtsignaal.models.ModelSpec.all(config), config, rows);
        assertTrue(register.contains("""
                control sample (`gold.control_sample`, random addresses without a signal, reviewed blind).

                | rule | dates | reviewed | confirmed | precision | 95 % interval | lift |
                | --- | --- | --- | --- | --- | --- | --- |
                | `U-ADDR-OVERCROWDED` | 2026-09-30 to 2026-10-31 | 12 | 9 | 0.75 | 0.47–0.91 | 3.2 |
                | `U-ADDR-ENFORCEMENT` | 2026-10-31 to 2026-10-31 | 0 | 0 | – | – | – |

                ## buurtsignaal model"""), register);
        assertTrue(!register.contains("No figures read"), "the note of a register without a lake");
    }

    /**
     * Every file of conf/catalogue/ has exactly one section in the generated docs, with its Dutch
     * practice: the ids are read from the files as text, not through the catalogue the docs render.
     */
    @Test
    void everyRuleAndIndicatorIsDocumentedWithItsPractice() throws IOException {
        EngineConfig config = EngineConfig.load(Path.of("conf"), null, List.of());
        String md = CatalogueDocs.render(Catalogue.load(config), config);
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        try (var files = Files.list(Path.of("conf/catalogue"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                String yaml = Files.readString(file);
                ids.add(yaml.lines().filter(l -> l.startsWith("id:")).findFirst().orElseThrow().substring(3).strip());
                assertTrue(yaml.lines().anyMatch(l -> l.startsWith("practice:") && l.length() > "practice: ".length() + 2
                        || l.equals("practice: >")), file + " names no Dutch practice");
            }
        }
        List<String> headings = md.lines().filter(l -> l.startsWith("### `"))
                .map(l -> l.substring(5, l.indexOf('`', 5))).toList();
        assertEquals(List.copyOf(ids), headings.stream().sorted().toList(), "one section per catalogue file");
        for (String id : ids) {
            String section = md.substring(md.indexOf("### `" + id + "`"));
            int next = section.indexOf("\n### ", 1);
            section = next > 0 ? section.substring(0, next) : section;
            assertTrue(section.contains("*Dutch practice:* "), id + " has no practice in the docs");
        }
    }
}
