package nl.buurtsignaal.cli;

import nl.buurtsignaal.pipeline.Pipeline;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.LocalDate;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Compute silver, signals, indicators and scores for one reference date.",
                "Re-running for the same as_of replaces that date's rows, and recomputes only what new deliveries, "
                        + "erasures or a changed method touched since the last run for that date (--full: everything)."})
final class RunCommand implements Callable<Integer> {
    @Mixin
    Main.Options options;

    @Option(names = "--as-of", required = true, paramLabel = "YYYY-MM-DD", description = "The reference date the results describe.")
    LocalDate asOf;

    @Option(names = "--full", description = "Recompute everything for as_of, also what no new delivery changed since the last run for it.")
    boolean full;

    @Option(names = "--areas", split = ",", paramLabel = "NAME[,NAME...]",
            description = "Compute the indicators and scores in these classifications of conf/areas/, side by side in the gold tables' "
                    + "areas column (default: areas.run of the configuration). Every classification there places the addresses either way.")
    List<String> areas;

    @Override
    public Integer call() {
        EngineConfig config = options.config();
        Catalogue.load(config); // a broken catalogue fails before Spark starts
        List<String> chosen = areas == null ? config.settings().areas().run() : areas;
        nl.buurtsignaal.areas.Classification.chosen(config, chosen); // so do an unknown or broken classification
        Lake lake = options.openExistingLake(config);
        return options.audited(lake, config, "run", true, audit -> {
            Pipeline.RunResult result = new Pipeline(lake, config, Progress.stderr("run")).areas(chosen).run(asOf, full, audit.runId());
            audit.details("as_of " + asOf + ": " + result.signals() + " signals, " + result.indicatorRows()
                    + " indicator rows, " + result.flagged() + " flagged, method " + result.methodVersion()
                    + "; recomputed " + result.recomputed());
            return Main.OK;
        });
    }
}
