package nl.buurtsignaal.config;

import nl.buurtsignaal.base.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CatalogueTest {
    @TempDir
    Path dir;

    private EngineConfig config(String... settings) {
        return EngineConfig.load(Path.of("conf"), null, List.of(settings));
    }

    @Test
    void theShippedCatalogueHasEveryRuleAndIndicatorOfTheContract() {
        Catalogue catalogue = Catalogue.load(config());
        // as many as conf/catalogue/ has files of each kind, read as text
        assertEquals(filesOfKind("rule"), catalogue.rules().size());
        assertEquals(filesOfKind("indicator"), catalogue.indicators().size());
        assertTrue(catalogue.rules().size() >= 9 && catalogue.indicators().size() >= 13, "the contract's rules and indicators");
    }

    @Test
    void parametersComeFromConfigurationAndChangeTheMethodVersion() {
        Catalogue defaults = Catalogue.load(config());
        Catalogue changed = Catalogue.load(config("catalogue.U-ADDR-OVERCROWDED.min_residents=5"));
        CatalogueEntry rule = changed.rules().stream().filter(r -> r.id().equals("U-ADDR-OVERCROWDED")).findFirst().orElseThrow();
        assertTrue(rule.boundSql(LocalDate.of(2026, 10, 31)).contains("h.residents >= 5"));
        assertNotEquals(defaults.fingerprint(), changed.fingerprint());
    }

    @Test
    void badEntriesAreNamedWithTheirFile() throws IOException {
        Path conf = dir.resolve("conf");
        Files.createDirectories(conf.resolve("catalogue"));
        Files.copy(Path.of("conf/buurtsignaal.yaml"), conf.resolve("buurtsignaal.yaml"));
        Path a = conf.resolve("catalogue").resolve("a.yaml");
        Files.writeString(a, "id: X\nkind: indicator\ntheme: undermining\nscale: 100\nsql: SELECT ${missing}\n");
        UsageException e = assertThrows(UsageException.class, () -> Catalogue.load(EngineConfig.load(conf, null, List.of())));
        assertTrue(e.getMessage().contains("a.yaml") && e.getMessage().contains("missing"), e.getMessage());

        Files.writeString(a, "id: X\nkind: indicator\ntheme: undermining\nscale: 100\nsql: SELECT 1\n");
        Files.writeString(conf.resolve("catalogue").resolve("b.yaml"), "id: X\nkind: indicator\ntheme: undermining\nscale: 100\nsql: SELECT 1\n");
        e = assertThrows(UsageException.class, () -> Catalogue.load(EngineConfig.load(conf, null, List.of())));
        assertTrue(e.getMessage().contains("already declared"), e.getMessage());

        Files.delete(conf.resolve("catalogue").resolve("b.yaml"));
        // ids are quoted into Delta replaceWhere conditions by incremental runs: no quotes or spaces
        Files.writeString(a, "id: \"X' OR 'a\"\nkind: indicator\ntheme: undermining\nscale: 100\nsql: SELECT 1\n");
        e = assertThrows(UsageException.class, () -> Catalogue.load(EngineConfig.load(conf, null, List.of())));
        assertTrue(e.getMessage().contains("id must consist of"), e.getMessage());

        Files.writeString(a, "id: R\nkind: rule\ntheme: care_stacking\nsubject_type: address\nsql: SELECT 1\n");
        e = assertThrows(UsageException.class, () -> Catalogue.load(EngineConfig.load(conf, null, List.of())));
        assertTrue(e.getMessage().contains("care data"), e.getMessage());

        Files.writeString(a, "id: X\nkind: indicator\ntheme: undermining\nscale: 100\nsql: SELECT 1\n");
        e = assertThrows(UsageException.class, () -> Catalogue.load(EngineConfig.load(conf, null, List.of("catalogue.X.nope=3"))));
        assertTrue(e.getMessage().contains("no such parameter"), e.getMessage());
    }

    private static long filesOfKind(String kind) {
        try (var files = Files.list(Path.of("conf/catalogue"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).filter(f -> {
                try {
                    return Files.readAllLines(f).contains("kind: " + kind);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
