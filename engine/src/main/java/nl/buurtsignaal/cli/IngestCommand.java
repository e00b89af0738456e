package nl.buurtsignaal.cli;

import nl.buurtsignaal.pipeline.Pipeline;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.ingest.Ingest;
import nl.buurtsignaal.ingest.KeyFile;
import nl.buurtsignaal.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Land every new delivery of a landing zone in the lake's bronze tables, oldest first.",
                "Exit status: 0 all accepted, 3 at least one delivery rejected (the others still land), 2 usage, 1 failure."})
final class IngestCommand implements Callable<Integer> {
    @Mixin
    Main.Options options;

    @Option(names = "--landing", required = true, paramLabel = "DIR|URI", description = "The landing zone, a folder or a Hadoop URI (hdfs://…): <source>/<delivery_id>/_manifest.json + data files.")
    String landing;

    @Option(names = "--key-file", required = true, paramLabel = "FILE", description = "The pseudonymisation keys, one key_id:base64(secret) per line.")
    Path keyFile;

    @Override
    public Integer call() {
        EngineConfig config = options.config();
        if (Main.isLocalPath(landing) && !Files.isDirectory(Path.of(landing))) {
            throw new UsageException("landing zone not found: " + landing);
        }
        KeyFile.read(keyFile); // fail on a bad key file before Spark starts
        Progress progress = Progress.stderr("ingest");
        Lake lake = options.openLake(config);
        return options.audited(lake, config, "ingest", true, audit -> {
            List<Ingest.Outcome> outcomes = new Pipeline(lake, config, progress).ingest(landing, keyFile, audit.runId());
            long rejected = outcomes.stream().filter(o -> !o.accepted()).count();
            String summary = outcomes.size() + " deliveries: " + (outcomes.size() - rejected) + " accepted, " + rejected + " rejected";
            progress.info(summary);
            audit.details(summary);
            return rejected > 0 ? Main.REJECTED : Main.OK;
        });
    }
}
