package nl.buurtsignaal.cli;

import nl.buurtsignaal.lake.Tables;
import nl.buurtsignaal.base.EngineException;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.AreaRows;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.publish.OpenData;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Write the open-data export of the neighbourhood indicators of one as_of (csv and parquet),",
                "with statistical disclosure control: small counts suppressed, counts rounded to multiples of 5."})
final class PublishCommand implements Callable<Integer> {
    @Mixin
    Main.Options options;

    @Option(names = "--as-of", required = true, paramLabel = "YYYY-MM-DD", description = "The reference date to publish.")
    LocalDate asOf;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write buurt_indicators_<as_of>.csv and .parquet.")
    Path out;

    @Option(names = "--areas", paramLabel = "NAME",
            description = "The classification of areas to publish (default: the first of areas.run); another than the default "
                    + "is written as buurt_indicators_<NAME>_<as_of>.")
    String areas;

    @Override
    public Integer call() throws IOException {
        EngineConfig config = options.config();
        Lake lake = options.openExistingLake(config);
        return options.audited(lake, config, "publish", false, audit -> {
            try {
                return publish(lake, config, audit);
            } catch (IOException e) {
                throw new EngineException("cannot write to " + out);
            }
        });
    }

    private int publish(Lake lake, EngineConfig config, nl.buurtsignaal.lake.RunAudit audit) throws IOException {
        if (!lake.exists(Tables.BUURT_INDICATOR) || !lake.exists(Tables.SILVER_BUURT)) {
            throw new UsageException("no indicators in the lake: run 'run --as-of " + asOf + "' first");
        }
        String chosen = AreaRows.chosen(config, areas);
        Dataset<Row> export = OpenData.export(AreaRows.of(lake.read(Tables.BUURT_INDICATOR), chosen, config),
                AreaRows.names(lake, chosen), asOf, nl.buurtsignaal.scoring.Disclosure.of(config));
        if (export.isEmpty()) {
            throw new UsageException("no indicators for as_of " + asOf + " in areas " + chosen
                    + " in the lake (run 'run --as-of " + asOf + " --areas " + chosen + "')");
        }
        Files.createDirectories(out);
        String base = "buurt_indicators_" + (chosen.equals(AreaRows.defaultAreas(config)) ? "" : chosen + "_") + asOf;
        Path csv = out.resolve(base + ".csv");
        try (PrintStream file = new PrintStream(Files.newOutputStream(csv), false, StandardCharsets.UTF_8)) {
            SqlCommand.write(SqlCommand.flattened(export), ',', file);
        }
        export.coalesce(1).write().mode("overwrite").parquet(out.resolve(base + ".parquet").toString());
        String summary = "wrote " + csv + " and " + base + ".parquet (" + export.count() + " rows, "
                + export.filter("suppressed").count() + " suppressed)";
        Progress.stderr("publish").info(summary);
        audit.details(summary);
        return Main.OK;
    }
}
