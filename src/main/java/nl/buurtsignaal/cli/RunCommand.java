package nl.buurtsignaal.cli;

import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.EngineConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.LocalDate;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Compute silver, signals, indicators and scores for one reference date.",
                "Re-running for the same as_of replaces that date's rows."})
final class RunCommand implements Callable<Integer> {
    @Mixin
    Main.Options options;

    @Option(names = "--as-of", required = true, paramLabel = "YYYY-MM-DD", description = "The reference date the results describe.")
    LocalDate asOf;

    @Override
    public Integer call() {
        EngineConfig config = options.config();
        Catalogue.load(config); // a broken catalogue fails before Spark starts
        Engine engine = new Engine(options.openExistingLake(config), config, Progress.stderr("run"));
        engine.run(asOf);
        return Main.OK;
    }
}
