package nl.buurtsignaal.cli;

import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.dossier.Precision;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
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
    @Option(names = {"-v", "--verbose"}, description = "Show stack traces of unexpected failures.")
    void setVerbose(boolean value) {
        Main.ConfigOptions.verbose = value;
    }

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
        List<Precision.Row> precision = List.of();
        if (lake != null) {
            Main.Options options = new Main.Options();
            options.lake = lake;
            Lake opened = options.openExistingLake(config);
            versions = new Registry(opened).versions();
            precision = precisionOverAllDates(opened);
        }
        Files.createDirectories(dir.resolve("models"));
        write(dir.resolve("indicators.md"), CatalogueDocs.render(catalogue, config));
        for (ModelSpec spec : specs) {
            write(dir.resolve("models").resolve(spec.name() + ".md"), ModelCards.card(spec, config, versions, precision));
        }
        write(dir.resolve("algoritmeregister.md"), ModelCards.register(catalogue, specs, config, precision));
        return Main.OK;
    }

    /** gold.rule_precision's rows of its widest window (every date of the lake), if the table exists. */
    private static List<Precision.Row> precisionOverAllDates(Lake lake) {
        lake.registerAll();
        if (!lake.exists(Tables.RULE_PRECISION)) {
            return List.of();
        }
        List<Precision.Row> rows = new java.util.ArrayList<>();
        for (org.apache.spark.sql.Row r : lake.spark().sql("SELECT * FROM " + Tables.RULE_PRECISION + " WHERE from_as_of = "
                + "(SELECT min(from_as_of) FROM " + Tables.RULE_PRECISION + ") AND to_as_of = (SELECT max(to_as_of) FROM "
                + Tables.RULE_PRECISION + ") ORDER BY rule_id").collectAsList()) {
            rows.add(new Precision.Row(r.getDate(0).toLocalDate(), r.getDate(1).toLocalDate(), r.getString(2), r.getLong(3), r.getLong(4),
                    r.getLong(5), r.isNullAt(6) ? null : r.getDouble(6), r.isNullAt(7) ? null : r.getDouble(7),
                    r.isNullAt(8) ? null : r.getDouble(8), r.isNullAt(9) ? null : r.getDouble(9)));
        }
        return rows;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        System.err.println("wrote " + file);
    }
}
