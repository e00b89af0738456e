package nl.buurtsignaal.cli;

import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.models.ModelSpec;
import nl.buurtsignaal.models.Registry;
import nl.buurtsignaal.publish.CatalogueDocs;
import nl.buurtsignaal.publish.ModelCards;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "docs", mixinStandardHelpOptions = true,
        description = {"Write the generated docs: indicators.md (the catalogue), models/NAME.md (a card per model) and",
                "algoritmeregister.md (an entry per algorithm for the Algoritmeregister). With --lake, the cards also hold",
                "every registered version's metrics and fairness figures."})
final class DocsCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "Where to write (default: docs/ of the project).")
    Path out;

    @Option(names = "--lake", paramLabel = "DIR", description = "Also read the model registry (ml.model) of this lake.")
    String lake;

    @Override
    public Integer call() throws IOException {
        EngineConfig config = EngineConfig.load(EngineConfig.defaultConfDir(), null, List.of());
        Path dir = out != null ? out : EngineConfig.defaultConfDir().toAbsolutePath().getParent().resolve("docs");
        if (out != null && out.toString().endsWith(".md")) {
            throw new nl.buurtsignaal.base.UsageException("--out is a folder now (it receives indicators.md, models/ and algoritmeregister.md)");
        }
        Catalogue catalogue = Catalogue.load(config);
        List<ModelSpec> specs = ModelSpec.all(config);
        List<Registry.Version> versions = List.of();
        if (lake != null) {
            Main.Options options = new Main.Options();
            options.lake = lake;
            versions = new Registry(options.openExistingLake(config)).versions();
        }
        Files.createDirectories(dir.resolve("models"));
        write(dir.resolve("indicators.md"), CatalogueDocs.render(catalogue, config));
        for (ModelSpec spec : specs) {
            write(dir.resolve("models").resolve(spec.name() + ".md"), ModelCards.card(spec, config, versions));
        }
        write(dir.resolve("algoritmeregister.md"), ModelCards.register(catalogue, specs, config));
        return Main.OK;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        System.err.println("wrote " + file);
    }
}
