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

    @Test
    void everyRuleAndIndicatorIsDocumentedWithItsPractice() {
        EngineConfig config = EngineConfig.load(Path.of("conf"), null, List.of());
        Catalogue catalogue = Catalogue.load(config);
        String md = CatalogueDocs.render(catalogue, config);
        catalogue.entries().forEach(e -> {
            assertTrue(md.contains("### `" + e.id() + "`"), e.id());
            assertTrue(e.practice() != null && !e.practice().isBlank(), e.id() + " names no Dutch practice");
        });
    }
}
