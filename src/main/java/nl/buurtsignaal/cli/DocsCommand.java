package nl.buurtsignaal.cli;

import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.publish.CatalogueDocs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "docs", mixinStandardHelpOptions = true,
        description = "Write docs/indicators.md from the catalogue and the settings.")
final class DocsCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "FILE", description = "Where to write (default: docs/indicators.md of the project).")
    Path out;

    @Override
    public Integer call() throws IOException {
        EngineConfig config = EngineConfig.load(EngineConfig.defaultConfDir(), null, List.of());
        Path file = out != null ? out : EngineConfig.defaultConfDir().toAbsolutePath().getParent().resolve("docs").resolve("indicators.md");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, CatalogueDocs.render(Catalogue.load(config), config), StandardCharsets.UTF_8);
        System.err.println("wrote " + file);
        return Main.OK;
    }
}
