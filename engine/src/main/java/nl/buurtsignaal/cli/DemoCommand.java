package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.Json;
import nl.buurtsignaal.hub.HubUsers;
import nl.buurtsignaal.hub.Role;
import nl.buurtsignaal.pipeline.Pipeline;
import nl.buurtsignaal.base.FileTrees;
import nl.buurtsignaal.base.EngineException;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.base.Progress;
import com.fasterxml.jackson.databind.JsonNode;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.ingest.Ingest;
import nl.buurtsignaal.lake.AsOf;
import nl.buurtsignaal.lake.Lake;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Ingest the bundled sample (sample-parquet/) into a fresh lake under target/, run it,",
                "and print the top neighbourhoods per theme, the signals per rule and how to query the lake."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--sample", paramLabel = "DIR", description = "The sample landing zone (default: sample-parquet/ of the project).")
    Path sample;

    @picocli.CommandLine.Mixin
    Main.Options options;

    /** The bundled sample of the project whose configuration is {@code confDir}: its sample-parquet/. */
    static Path defaultSample(Path confDir) {
        return confDir.toAbsolutePath().getParent().resolve("sample-parquet");
    }

    @Override
    public Integer call() throws IOException {
        Path home = EngineConfig.defaultConfDir().toAbsolutePath().getParent();
        Path landing = sample != null ? sample : defaultSample(EngineConfig.defaultConfDir());
        // The demo's lake is always emptied first: never let it default to a real lake. A lake on a
        // Hadoop file system (s3a://, hdfs://) keeps its key, users file and report in target/.
        boolean remote = options.lake != null && Lake.isUri(options.lake);
        Path lakeDir = remote ? null : options.lake != null ? Path.of(options.lake) : home.resolve("target").resolve("demo-lake");
        Path beside = remote ? home.resolve("target") : lakeDir.toAbsolutePath().getParent();
        Path info = landing.resolve(GenerateCommand.INFO_FILE);
        if (!Files.isRegularFile(info)) {
            throw new UsageException("sample not found: " + info);
        }
        JsonNode generated = Json.MAPPER.readTree(info.toFile());
        LocalDate asOf = LocalDate.parse(generated.path("as_of").asText());
        // git keeps no file modes: put the demo key in place readable by its owner only.
        Path key = beside.resolve("demo-key.txt");
        Files.createDirectories(beside);
        if (!remote) {
            FileTrees.deleteRecursively(lakeDir);
            Files.createDirectories(lakeDir);
            options.lake = lakeDir.toString();
        }
        Files.copy(landing.resolve(generated.path("key_file").asText(GenerateCommand.KEY_FILE)), key,
                StandardCopyOption.REPLACE_EXISTING);
        nl.buurtsignaal.base.PrivateFiles.restrictToOwner(key);

        EngineConfig config = options.config();
        if (remote) {
            DemoLake.empty(options.spark(config), options.lakePath(config));
        }
        Lake opened = options.openLake(config);
        // the commands the demo prints name the lake, and the settings file that reaches it
        String lakeName = opened.root() + (options.conf != null ? " --conf " + options.conf : "");
        Progress progress = Progress.stderr("demo");
        // the demo shows every classification of conf/areas side by side, the configured ones first
        List<String> areas = new java.util.ArrayList<>(config.settings().areas().run());
        nl.buurtsignaal.areas.Classification.all(config).keySet().stream().filter(n -> !areas.contains(n)).forEach(areas::add);
        Pipeline engine = new Pipeline(opened, config, progress).areas(areas);
        options.audited(opened, config, "demo", true, audit -> {
            List<Ingest.Outcome> outcomes = engine.ingest(landing, key, audit.runId());
            if (outcomes.stream().anyMatch(o -> !o.accepted())) {
                throw new EngineException("the sample has a rejected delivery: see audit.delivery");
            }
            Pipeline.RunResult result = engine.run(asOf, false, audit.runId());
            audit.details(outcomes.size() + " deliveries accepted; as_of " + asOf + ": " + result.signals() + " signals, "
                    + result.flagged() + " flagged");
            return Main.OK;
        });
        Path users = beside.resolve("demo-users.txt");
        writeDemoUsers(users);
        // the hub's casework (meldingen, decisions, outcomes), then the rules' precision over it
        nl.buurtsignaal.hub.HubDemo.Seeded seeded = nl.buurtsignaal.hub.HubDemo.seed(opened, config, demoUser(Role.REVIEWER),
                demoUser(Role.COORDINATOR), progress);
        opened.overwrite(nl.buurtsignaal.lake.Tables.RULE_PRECISION, nl.buurtsignaal.dossier.RulePrecision.rows(opened, config));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        printSummary(opened, config, lakeName, beside, asOf, landing, out);
        out.println();
        out.println("Review the signals in the hub, as the informatieknooppunt does (DEMO users and passwords: never for real data):");
        out.println("  bin/buurtsignaal hub --lake " + lakeName + " --users " + users);
        out.println("  then open http://127.0.0.1:8080/ and log in as one of");
        for (Role role : Role.HUB) {
            out.printf(Locale.ROOT, "    %-15s name %-20s password %s%n", role.id(), demoUser(role), demoPassword(role));
        }
        if (seeded.dossier() != null) {
            out.println("  " + seeded.meldingen() + " meldingen and " + seeded.decisions() + " decisions are there already. A dossier that links "
                    + "a crowded dwelling, a company and a straw man:");
            out.println("    http://127.0.0.1:8080/#/subjects/" + seeded.dossier());
        }
        out.println();
        out.println("Or reach the lake from DBeaver, Power BI or a notebook through the SQL endpoint (Arrow Flight SQL):");
        out.println("  bin/buurtsignaal serve --lake " + lakeName + " --users " + users);
        out.println("  JDBC URL jdbc:arrow-flight-sql://127.0.0.1:32010/?useEncryption=false, as one of");
        for (Role role : List.of(Role.ANALYST, Role.BI)) {
            out.printf(Locale.ROOT, "    %-15s name %-20s password %s%n", role.id(), demoUser(role), demoPassword(role));
        }
        progress.info("demo finished");
        return Main.OK;
    }

    private static void printSummary(Lake lake, EngineConfig config, String lakeDir, Path beside, LocalDate asOf, Path landing, PrintStream out) {
        lake.registerAll();
        out.println();
        out.println("buurtsignaal demo: synthetic city of " + landing.getFileName() + ", as_of " + asOf);
        List<String> computed = lake.readAsOf(nl.buurtsignaal.lake.Tables.BUURT_SCORE, asOf).select("areas").distinct()
                .collectAsList().stream().map(r -> r.getString(0)).sorted(java.util.Comparator
                        .comparing((String a) -> !a.equals(nl.buurtsignaal.lake.AreaRows.defaultAreas(config))).thenComparing(a -> a)).toList();
        for (String areas : computed) {
            nl.buurtsignaal.lake.AreaRows.names(lake, areas).createOrReplaceTempView("demo_names");
            for (String theme : config.themes()) {
                out.println();
                out.println("Top neighbourhoods in " + areas + ", theme " + theme
                        + " (score = weighted robust z; flagged at the configured minimum):");
                List<Row> top = lake.spark().sql(
                        "SELECT s.rank, s.buurt_code, coalesce(b.buurt_name, '?') AS buurt_name, coalesce(b.gemeente_name, '?') AS gemeente, "
                                + "s.score, s.flagged, s.contributions[0].indicator_id AS top_indicator "
                                + "FROM gold.buurt_score s LEFT JOIN demo_names b ON b.buurt_code = s.buurt_code "
                                + "WHERE s.as_of = :as_of AND s.theme = :theme AND s.areas = :areas AND s.rank <= :top ORDER BY s.rank",
                        Map.of(AsOf.PARAMETER, java.sql.Date.valueOf(asOf), "theme", theme, "areas", areas,
                                "top", computed.indexOf(areas) == 0 ? 5 : 3)).collectAsList();
                for (Row r : top) {
                    out.printf(Locale.ROOT, "  %d. %-10s %-28s %-10s score %6.2f%s  (mostly %s)%n", r.getInt(0), r.getString(1),
                            r.getString(2), r.getString(3), r.getDouble(4), r.getBoolean(5) ? " FLAGGED" : "", r.getString(6));
                }
            }
        }
        out.println();
        out.println("Signals per rule (each one waits for a human decision in the hub):");
        for (Row r : lake.spark().sql("SELECT rule_id, count(*) FROM gold.signal WHERE as_of = :as_of GROUP BY rule_id ORDER BY rule_id",
                AsOf.of(asOf).args()).collectAsList()) {
            out.printf(Locale.ROOT, "  %-26s %d%n", r.getString(0), r.getLong(1));
        }
        out.println();
        out.println("Query the lake, for example:");
        out.println("  bin/buurtsignaal sql --lake " + lakeDir + " \"SELECT rule_id, subject_id, evidence FROM gold.signal LIMIT 5\"");
        out.println("  bin/buurtsignaal sql --lake " + lakeDir + " \"SELECT * FROM gold.buurt_score WHERE flagged AND areas = '"
                + computed.get(computed.size() - 1) + "'\"");
        out.println("Tables: bronze.<source>, silver.*, gold.signal, gold.buurt_indicator, gold.buurt_score (both per classification of "
                + "areas, column areas), gold.buurt_indicator_trend, gold.area_crosswalk, gold.subject_link, "
                + "gold.control_sample, gold.rule_precision, hub.review, audit.delivery, audit.run, quarantine.row");
        out.println();
        out.println("Write the council's neighbourhood report (one HTML file per gemeente, maps included):");
        out.println("  bin/buurtsignaal report --lake " + lakeDir + " --as-of " + asOf + " --out "
                + beside.resolve("demo-report"));
    }


    static String demoUser(Role role) {
        return "demo-" + role.id().replace('_', '-');
    }

    static String demoPassword(Role role) {
        return "demo-" + role.id().replace('_', '-') + "-password";
    }

    /** One demo user per role of the hub, with a demo password, in a users file of the demo's own. */
    private static void writeDemoUsers(Path users) throws IOException {
        Files.deleteIfExists(users);
        for (Role role : Role.values()) {
            HubUsers.add(users, demoUser(role), role, demoPassword(role));
        }
    }
}
