package nl.buurtsignaal.bench.cli;

import nl.buurtsignaal.cli.Main;

import nl.buurtsignaal.base.EngineException;
import nl.buurtsignaal.bench.HubBench;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.hub.HubUsers;
import nl.buurtsignaal.hub.Role;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "hub-bench", mixinStandardHelpOptions = true,
        description = {"Measure the hub: a lake of many signals (kept under target/bench/hub-lake), the hub started as",
                "'bin/buurtsignaal hub' starts it, and the latency of the queue, a signal page and a decision.",
                "Prints the figures and writes them into docs/performance.md (its hub section)."})
final class HubBenchCommand implements Callable<Integer> {
    @Mixin
    Main.ConfigOptions options;

    @Option(names = "--signals", defaultValue = "50000", description = "Signals in the lake (default ${DEFAULT-VALUE}).")
    int signals;

    @Option(names = "--as-of-dates", defaultValue = "5", description = "Reference dates they are spread over (default ${DEFAULT-VALUE}).")
    int asOfs;

    @Option(names = "--persons", defaultValue = "1000000", description = "Persons of the city whose links and registries the dossiers read (default ${DEFAULT-VALUE}).")
    long persons;

    @Option(names = "--requests", defaultValue = "300", description = "Measured requests per kind (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--docs", defaultValue = "true", negatable = true, description = "Write the figures into docs/performance.md.")
    boolean docs;

    @Override
    public Integer call() throws Exception {
        if (signals < asOfs || asOfs < 1 || requests < 1 || persons < 100) {
            throw new nl.buurtsignaal.base.UsageException("--signals at least --as-of-dates, both and --requests at least 1, --persons at least 100");
        }
        EngineConfig config = options.config();
        Path home = EngineConfig.defaultConfDir().toAbsolutePath().getParent();
        Path work = Files.createDirectories(home.resolve("target").resolve("bench"));
        Path lakeDir = work.resolve("hub-lake");
        Lake lake = new Lake(options.spark(config), lakeDir.toString());
        System.err.println("[hub-bench] writing a lake of " + signals + " signals over " + asOfs + " reference dates");
        nl.buurtsignaal.base.FileTrees.deleteRecursively(lakeDir);
        HubBench.writeLake(lake, config, signals, asOfs, LocalDate.of(2026, 10, 31));
        System.err.println("[hub-bench] writing the registries and links of a city of " + persons + " persons");
        long links = HubBench.writeCity(lake, persons, LocalDate.of(2026, 10, 31));
        System.err.println("[hub-bench] " + links + " links");
        List<String> addresses = lake.read(Tables.SIGNAL).filter("as_of = DATE'2026-10-31'").select("subject_id").distinct()
                .orderBy("subject_id").limit(2_000).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        List<String> ids = lake.read(Tables.SIGNAL).orderBy("signal_id").select("signal_id").limit(5_000)
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        Path users = work.resolve("hub-users.txt");
        Files.deleteIfExists(users);
        HubUsers.add(users, "bench-coordinator", Role.COORDINATOR, "bench-coordinator-password");
        List<String> command = List.of(home.resolve("bin").resolve("buurtsignaal").toString(), "hub", "--lake", lakeDir.toString(),
                "--users", users.toString(), "--port", "0");
        System.err.println("[hub-bench] starting the hub and measuring " + requests + " requests of each kind");
        HubBench.Figures figures = HubBench.measure(command, signals, asOfs, persons, links, ids, addresses, "bench-coordinator",
                "bench-coordinator-password", requests, work.resolve("hub-bench.log"));
        System.out.println(figures.summary());
        if (docs) {
            Path page = home.resolve("docs").resolve("performance.md");
            String old = Files.exists(page) ? Files.readString(page, StandardCharsets.UTF_8) : "# Performance\n";
            String environment = String.format(java.util.Locale.ROOT, "Run on %s: %d cores, Java %s, Spark %s.",
                    LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    org.apache.spark.package$.MODULE$.SPARK_VERSION());
            Files.writeString(page, nl.buurtsignaal.bench.Sections.HUB.into(old, figures.markdown(environment)), StandardCharsets.UTF_8);
            System.err.println("[hub-bench] wrote " + page);
        }
        if (Double.isNaN(figures.readySeconds())) {
            throw new EngineException("the hub bench measured nothing");
        }
        return Main.OK;
    }
}
