package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.protect.Retention;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "retention", mixinStandardHelpOptions = true,
        description = "Remove residence periods, enforcement cases and care provisions that ended longer ago than "
                + "retention.years (conf/), and silver snapshots that old; then VACUUM after retention.history_hours.")
final class RetentionCommand implements Callable<Integer> {
    @Mixin
    Main.Options options;

    @Option(names = "--today", paramLabel = "YYYY-MM-DD", description = "The date the periods count back from (default: today).")
    LocalDate today = LocalDate.now();

    @Override
    public Integer call() {
        EngineConfig config = options.config();
        Lake lake = options.openExistingLake(config);
        return options.audited(lake, config, "retention", true, audit -> {
            Map<String, Long> removed = new Retention(lake, config, Progress.stderr("retention")).apply(today);
            String summary = "retention on " + today + ": " + removed.values().stream().mapToLong(Long::longValue).sum()
                    + " rows removed " + removed;
            Progress.stderr("retention").info(summary);
            audit.details(summary);
            return Main.OK;
        });
    }
}
