package nl.buurtsignaal.bench;

import nl.buurtsignaal.lake.Tables;
import nl.buurtsignaal.base.FileTrees;
import nl.buurtsignaal.pipeline.Pipeline;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.CatalogueEntry;
import nl.buurtsignaal.indicators.CatalogueRunner;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.conform.Conform;
import nl.buurtsignaal.ingest.Ingest;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.RunAudit;
import nl.buurtsignaal.lake.RunEnvelope;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * One size of the bench: the engine's ingest and run on a landing zone, each stage measured, then
 * DuckDB doing the same from the same delivered files (its own ingest into memory, then the same
 * silver tables, rules and indicators), and a check that both give the same signals, numerators
 * and denominators.
 */
public final class Bench {
    /** One measured stage of one system; rows are the rows the stage read. */
    /** {@code jobs}, {@code jobSeconds}: Spark's jobs in the stage and the time at least one ran (the engine's; 0 for DuckDB). */
    public record Stage(long persons, String system, String stage, double seconds, long rows, long peakHeapBytes,
                        long peakRssBytes, long dataFiles, long logFiles, long jobs, double jobSeconds) {
        public double rowsPerSecond() {
            return seconds > 0 ? rows / seconds : 0;
        }
    }

    /** The comparison of the engine's results with DuckDB's. */
    public record Check(int engineSignals, int duckdbSignals, int signalDifferences, int engineCounts, int duckdbCounts,
                        int countDifferences, List<String> examples, List<String> withoutTwin) {
        public boolean equal() {
            return signalDifferences == 0 && countDifferences == 0;
        }
    }

    /**
     * A second run for the same as_of after one new care delivery (the month's care data, the
     * same rows under a new delivery id): what the incremental run recomputed and how long it took,
     * against the full run before it.
     */
    public record Update(double ingestSeconds, double runSeconds, double fullRunSeconds, String recomputed) {
    }

    /** {@code latency}: what a query costs on the lake made (null when not measured). */
    /** {@code floor}: Spark's and Delta's cost for a lake of this shape without the engine's work (null when not measured). */
    public record Result(long persons, List<Stage> stages, Check check, Update update, QueryLatency.Figures latency,
                         Floor.Figures floor) {
        public Result withLatency(QueryLatency.Figures figures) {
            return new Result(persons, stages, check, update, figures, floor);
        }

        public Result withFloor(Floor.Figures figures) {
            return new Result(persons, stages, check, update, latency, figures);
        }

        public double seconds(String system, String... names) {
            Set<String> wanted = Set.of(names);
            return stages.stream().filter(s -> s.system().equals(system) && (wanted.isEmpty() || wanted.contains(s.stage())))
                    .mapToDouble(Stage::seconds).sum();
        }
    }

    public static final String ENGINE = "engine";
    public static final String DUCKDB = "duckdb";

    private final SparkSession spark;
    private final EngineConfig config;
    private final int duckdbThreads;
    private final String duckdbMemory;

    public Bench(SparkSession spark, EngineConfig config, int duckdbThreads, String duckdbMemory) {
        this.spark = spark;
        this.config = config;
        this.duckdbThreads = duckdbThreads;
        this.duckdbMemory = duckdbMemory;
    }

    public Result measure(long persons, Path landing, Path keyFile, Path lakeDir, LocalDate asOf, String label) {
        Lake lake = new Lake(spark, lakeDir);
        JobClock jobClock = new JobClock();
        spark.sparkContext().addSparkListener(jobClock);
        StageMeter meter = new StageMeter(lakeDir, jobClock);
        Map<String, Long> rows = new HashMap<>();

        meter.start("ingest");
        List<Ingest.Outcome> outcomes = enveloped(lake, config, "bench ingest", audit ->
                new Pipeline(lake, config, Progress.stderr(label + " ingest")).ingest(landing, keyFile, audit.runId()));
        meter.stop();
        if (outcomes.stream().anyMatch(o -> !o.accepted())) {
            throw new IllegalStateException("a bench delivery was rejected: " + outcomes);
        }
        rows.put("ingest", outcomes.stream().mapToLong(Ingest.Outcome::rowsRead).sum());

        Pipeline.RunResult run = enveloped(lake, config, "bench run", audit -> new Pipeline(lake, config,
                Progress.stderr(label + " run")).onStage(stage -> meter.start(stage.label())).run(asOf, true, audit.runId()));
        meter.stop();

        List<StageMeter.Measured> engineStages = List.copyOf(meter.measured());
        double fullRun = engineStages.stream().filter(m -> !m.stage().equals("ingest"))
                .mapToDouble(StageMeter.Measured::seconds).sum();
        Update update = careUpdate(lake, landing, keyFile, lakeDir.resolveSibling("care-update"), asOf, label, fullRun);

        long bronzeRows = 0;
        for (String source : Conform.SOURCES) {
            bronzeRows += lake.read(Tables.bronze(source)).count();
        }
        long silverRows = 0;
        for (String table : silverTables(lake)) {
            silverRows += lake.readAsOf(table, asOf).count();
        }
        rows.put("check", 0L);
        rows.put("silver", bronzeRows);
        rows.put("rules", silverRows);
        rows.put("indicators", silverRows + run.signals());
        rows.put("scores", run.indicatorRows());

        List<Stage> stages = new ArrayList<>();
        for (StageMeter.Measured m : engineStages) {
            stages.add(new Stage(persons, ENGINE, m.stage(), m.seconds(), rows.getOrDefault(m.stage(), 0L),
                    m.peakHeapBytes(), m.peakRssBytes(), m.dataFiles(), m.logFiles(), m.jobs(), m.jobSeconds()));
        }
        spark.sparkContext().removeSparkListener(jobClock);

        Progress duckProgress = Progress.stderr(label + " duckdb");
        StageMeter duckMeter = new StageMeter(null);
        Deliveries delivered = new Deliveries(List.of(landing, lakeDir.resolveSibling("care-update")), keyFile);
        DuckDbRun duck = runDuckDb(lake, config, asOf, delivered, duckdbThreads, duckdbMemory, duckMeter, duckProgress);
        Check check = duck.check();
        long duckSilverRows = duck.silverRows();
        Map<String, Long> duckRows = Map.of("ingest", duck.rowsRead(), "silver", duck.bronzeRows(), "rules", duckSilverRows,
                "indicators", duckSilverRows + check.duckdbSignals());
        for (StageMeter.Measured m : duckMeter.measured()) {
            stages.add(new Stage(persons, DUCKDB, m.stage(), m.seconds(), duckRows.getOrDefault(m.stage(), 0L),
                    m.peakHeapBytes(), m.peakRssBytes(), 0, 0, 0, 0));
        }
        duckProgress.info(check.equal() ? "same signals, numerators and denominators as the engine"
                : "DIFFERENT from the engine: " + check);
        return new Result(persons, stages, check, update, null, null);
    }

    /**
     * Lands a new care delivery (the latest one's files under a later delivery id, in a landing
     * zone of its own) and runs the same as_of again, incrementally: only the care tables and
     * indicators are stale. The DuckDB check afterwards compares the result with the bronze tables.
     */
    private Update careUpdate(Lake lake, Path landing, Path keyFile, Path updateZone, LocalDate asOf, String label,
                              double fullRunSeconds) {
        try {
            FileTrees.deleteRecursively(updateZone);
            Path latest;
            try (var deliveries = java.nio.file.Files.list(landing.resolve("care_provision"))) {
                latest = deliveries.filter(java.nio.file.Files::isDirectory).max(java.util.Comparator.naturalOrder()).orElseThrow();
            }
            String id = latest.getFileName() + "-update";
            Path delivery = java.nio.file.Files.createDirectories(updateZone.resolve("care_provision").resolve(id));
            try (var files = java.nio.file.Files.list(latest)) {
                for (Path file : files.toList()) {
                    if (file.getFileName().toString().equals("_manifest.json")) {
                        var manifest = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(file.toFile());
                        manifest.put("delivery_id", id);
                        new com.fasterxml.jackson.databind.ObjectMapper().writeValue(delivery.resolve("_manifest.json").toFile(), manifest);
                    } else {
                        java.nio.file.Files.copy(file, delivery.resolve(file.getFileName()));
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write the bench's care update: " + e.getMessage(), e);
        }
        long started = System.nanoTime();
        List<Ingest.Outcome> outcomes = enveloped(lake, config, "bench care update", audit ->
                new Pipeline(lake, config, Progress.stderr(label + " care update")).ingest(updateZone, keyFile, audit.runId()));
        double ingestSeconds = (System.nanoTime() - started) / 1e9;
        if (outcomes.size() != 1 || !outcomes.get(0).accepted()) {
            throw new IllegalStateException("the bench's care update was not accepted: " + outcomes);
        }
        started = System.nanoTime();
        Pipeline.RunResult run = enveloped(lake, config, "bench incremental run", audit ->
                new Pipeline(lake, config, Progress.stderr(label + " incremental run")).run(asOf, false, audit.runId()));
        return new Update(ingestSeconds, (System.nanoTime() - started) / 1e9, fullRunSeconds, run.recomputed());
    }

    /** The bench's stages run in the engine's own envelope: the writer lock and a row in audit.run, as on the command line. */
    private static <T> T enveloped(Lake lake, EngineConfig config, String command, java.util.function.Function<RunAudit, T> work) {
        return RunEnvelope.call(lake, command, List.of(), config.hash(), m -> System.err.println("bench: " + m), work);
    }

    /** {@code rowsRead}, {@code bronzeRows}: delivered rows DuckDB read and the bronze rows it kept (0 when it read the lake's bronze). */
    private record DuckDbRun(long rowsRead, long bronzeRows, long silverRows, Check check) {
    }

    /** Landing zones (later ones win on equal delivery ids) and the key file: DuckDB's input when it ingests itself. */
    public record Deliveries(List<Path> zones, Path keyFile) {
    }

    /**
     * The same silver tables, rules and indicators in DuckDB over the bronze files of {@code lake},
     * compared with the engine's gold tables for as_of (which must have been run).
     */
    public static Check crossCheck(Lake lake, EngineConfig config, LocalDate asOf) {
        return runDuckDb(lake, config, asOf, null, 2, "1GB", new StageMeter(null), Progress.silent()).check();
    }

    /**
     * The same comparison, with DuckDB starting from the delivered files instead of the lake's
     * bronze tables: its own checks, pseudonyms and full-delivery states ({@link DeliveredBronze}).
     */
    public static Check crossCheck(Lake lake, EngineConfig config, LocalDate asOf, Deliveries deliveries) {
        return runDuckDb(lake, config, asOf, deliveries, 2, "1GB", new StageMeter(null), Progress.silent()).check();
    }

    private static DuckDbRun runDuckDb(Lake lake, EngineConfig config, LocalDate asOf, Deliveries deliveries, int threads,
                                       String memory, StageMeter meter, Progress progress) {
        Catalogue catalogue = Catalogue.load(config);
        try (DuckDbPeer duck = new DuckDbPeer(threads, memory)) {
            long rowsRead = 0;
            long bronzeRows = 0;
            if (deliveries == null) {
                Map<String, List<String>> files = new LinkedHashMap<>();
                for (String source : Conform.SOURCES) {
                    files.put(source, Arrays.stream(lake.read(Tables.bronze(source)).inputFiles()).map(Bench::localPath).toList());
                }
                duck.attachBronze(files);
            } else {
                progress.info("ingest from the delivered files");
                meter.start("ingest");
                DeliveredBronze.Landed landed = duck.landDeliveries(deliveries.zones(),
                        nl.buurtsignaal.ingest.KeyFile.read(deliveries.keyFile()), config.settings().provisions().keySet(),
                        config.settings().ingest().maxBadRowShare());
                meter.stop();
                rowsRead = landed.rowsRead();
                bronzeRows = landed.rowsRead() - landed.badRows();
            }
            duck.reference(config.settings().riskBranches(), config.settings().provisions());
            // An entry without a DuckDB twin (a new file in conf/catalogue/) is reported and left out
            // of the comparison, with every entry that reads the run's signals when a rule has none.
            List<CatalogueEntry> rules = catalogue.rules().stream().filter(DuckDbPeer::hasTwin).toList();
            List<CatalogueEntry> indicators = catalogue.indicators().stream().filter(DuckDbPeer::hasTwin)
                    .filter(e -> rules.size() == catalogue.rules().size() || !e.sql().contains(CatalogueRunner.CURRENT_SIGNAL_VIEW))
                    .toList();
            List<String> withoutTwin = catalogue.entries().stream().map(CatalogueEntry::id)
                    .filter(id -> rules.stream().noneMatch(e -> e.id().equals(id)) && indicators.stream().noneMatch(e -> e.id().equals(id)))
                    .toList();
            if (!withoutTwin.isEmpty()) {
                progress.info("no DuckDB twin, not compared: " + String.join(", ", withoutTwin));
            }
            progress.info("silver tables");
            meter.start("silver");
            duck.silver(asOf);
            progress.info("rules");
            meter.start("rules");
            long signals = duck.rules(rules, asOf);
            progress.info("indicators (" + signals + " signals)");
            meter.start("indicators");
            duck.indicators(indicators, asOf);
            meter.stop();
            return new DuckDbRun(rowsRead, bronzeRows, duck.silverRows(), compare(lake, config, asOf, duck.signals(), duck.counts(), withoutTwin));
        }
    }

    private static List<String> silverTables(Lake lake) {
        return lake.tables().stream().filter(t -> Tables.isSilver(t) && !t.equals(Tables.SILVER_BUURT)).toList();
    }

    private static String localPath(String uri) {
        return uri.startsWith("file:") ? Path.of(URI.create(uri)).toString() : uri;
    }

    static Check compare(Lake lake, EngineConfig config, LocalDate asOf, Set<String> duckSignals, Map<String, String> duckCounts,
                         List<String> withoutTwin) {
        java.sql.Date on = java.sql.Date.valueOf(asOf);
        Set<String> engineSignals = new HashSet<>();
        for (Row row : lake.readAsOf(Tables.SIGNAL, asOf)
                .select("rule_id", "subject_id", "address_id", "buurt_code", "severity").collectAsList()) {
            if (!withoutTwin.contains(row.getString(0))) {
                engineSignals.add(row.get(0) + "|" + row.get(1) + "|" + row.get(2) + "|" + row.get(3) + "|" + row.get(4));
            }
        }
        Map<String, String> engineCounts = new HashMap<>();
        // the peer computes the delivered CBS codes: the default classification's rows
        for (Row row : nl.buurtsignaal.lake.AreaRows.of(lake.readAsOf(Tables.BUURT_INDICATOR, asOf),
                        nl.buurtsignaal.lake.AreaRows.defaultAreas(config), config)
                .filter(col("numerator").notEqual(0).or(col("denominator").notEqual(0)))
                .select("indicator_id", "buurt_code", "numerator", "denominator").collectAsList()) {
            if (!withoutTwin.contains(row.getString(0))) {
                engineCounts.put(row.get(0) + "|" + row.get(1), row.get(2) + "/" + row.get(3));
            }
        }
        TreeSet<String> examples = new TreeSet<>();
        int signalDifferences = 0;
        for (String s : union(engineSignals, duckSignals)) {
            if (engineSignals.contains(s) != duckSignals.contains(s)) {
                signalDifferences++;
                examples.add((engineSignals.contains(s) ? "engine only: " : "duckdb only: ") + s);
            }
        }
        int countDifferences = 0;
        for (String key : union(engineCounts.keySet(), duckCounts.keySet())) {
            String e = engineCounts.getOrDefault(key, "0/0");
            String d = duckCounts.getOrDefault(key, "0/0");
            if (!e.equals(d)) {
                countDifferences++;
                examples.add(key + ": engine " + e + ", duckdb " + d);
            }
        }
        return new Check(engineSignals.size(), duckSignals.size(), signalDifferences, engineCounts.size(),
                duckCounts.size(), countDifferences, examples.stream().limit(10).toList(), withoutTwin);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
