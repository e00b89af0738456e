package nl.buurtsignaal.cli;

import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.conform.Conform;
import nl.buurtsignaal.indicators.CatalogueRunner;
import nl.buurtsignaal.ingest.Ingest;
import nl.buurtsignaal.ingest.KeyFile;
import nl.buurtsignaal.config.CatalogueEntry;
import nl.buurtsignaal.lake.Incremental;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.SparkSessions;
import nl.buurtsignaal.scoring.Scoring;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/** The engine's commands as calls: what the command line, the demo and the tests share. */
public final class Engine {
    public static final String BUURT = "silver.buurt";
    public static final String INDICATOR = "gold.buurt_indicator";
    public static final String SCORE = "gold.buurt_score";

    private final Lake lake;
    private final EngineConfig config;
    private final Progress progress;

    public Engine(Lake lake, EngineConfig config, Progress progress) {
        this.lake = lake;
        this.config = config;
        this.progress = progress;
    }

    public List<Ingest.Outcome> ingest(Path landing, Path keyFile, String runId) {
        return ingest(landing.toString(), keyFile, runId);
    }

    /** Ingests a landing zone given as a folder or a Hadoop URI ({@code hdfs://…/landing}). */
    public List<Ingest.Outcome> ingest(String landing, Path keyFile, String runId) {
        KeyFile keys = KeyFile.read(keyFile);
        lake.registerAll();
        return new Ingest(lake, config, keys, runId, progress).ingestAll(landing);
    }

    /** Result of a run: signals, indicator rows and flagged neighbourhoods written for as_of, and what was recomputed. */
    public record RunResult(long signals, long indicatorRows, long flagged, String methodVersion, String recomputed) {
    }

    public RunResult run(LocalDate asOf) {
        return run(asOf, false, "run-" + java.util.UUID.randomUUID());
    }

    /**
     * Computes silver, signals, indicators and scores for as_of. Unless {@code full}, only what a
     * new bronze version or a changed method touches since the last run for as_of is recomputed
     * (see {@link Incremental}); the rest is kept, and equals what a full run would write.
     */
    public RunResult run(LocalDate asOf, boolean full, String runId) {
        Catalogue catalogue = Catalogue.load(config);
        String methodVersion = methodVersion(catalogue);
        progress.stages(5);
        lake.registerAll();
        boolean small = SparkSessions.fitToInput(lake.spark(), config, lake.bytes("bronze"));
        Conform conform = new Conform(lake, config, progress, small);
        CatalogueRunner runner = new CatalogueRunner(lake, catalogue, progress, small);
        try {
            return run(asOf, full, runId, catalogue, methodVersion, conform, runner);
        } finally {
            conform.release();
            runner.release();
        }
    }

    private RunResult run(LocalDate asOf, boolean full, String runId, Catalogue catalogue, String methodVersion,
                          Conform conform, CatalogueRunner runner) {
        // The catalogue's SQL is checked first, against the planned silver tables (analysis only),
        // so that a broken entry stops the run before any Spark job.
        Map<String, Dataset<Row>> silverPlan = conform.plan(asOf);
        progress.step("check the catalogue's SQL (" + catalogue.entries().size() + " entries)");
        runner.validate(asOf, silverPlan);

        Map<String, java.util.Collection<String>> inputs = new java.util.LinkedHashMap<>(Conform.INPUTS);
        catalogue.entries().forEach(entry -> inputs.put(entry.id(), runner.inputsOf(entry, asOf)));
        Incremental state = Incremental.load(lake, asOf, fingerprint(methodVersion), full,
                Conform.SOURCES.stream().map(source -> "bronze." + source).toList());
        Map<String, Dataset<Row>> staleSilver = new java.util.LinkedHashMap<>(silverPlan);
        staleSilver.keySet().removeIf(table -> state.isCurrent(table, inputs.get(table)));
        List<CatalogueEntry> staleRules = catalogue.rules().stream().filter(e -> !state.isCurrent(e.id(), inputs.get(e.id()))).toList();
        List<CatalogueEntry> staleIndicators = catalogue.indicators().stream()
                .filter(e -> !state.isCurrent(e.id(), inputs.get(e.id()))).toList();
        String recomputed = staleSilver.size() + "/" + silverPlan.size() + " silver tables, " + staleRules.size() + "/"
                + catalogue.rules().size() + " rules, " + staleIndicators.size() + "/" + catalogue.indicators().size() + " indicators";

        progress.step("conform bronze -> silver for as_of " + asOf + " (" + staleSilver.size() + " of " + silverPlan.size()
                + " tables" + (staleSilver.size() < silverPlan.size() ? "; the others' bronze inputs are unchanged since their last run" : "") + ")");
        conform.holdInputsOf(staleSilver.keySet());
        // A silver table new to the lake holds only what this run writes: the catalogue can read it as written.
        staleSilver.replaceAll((table, rows) -> lake.exists(table) ? rows : runner.asWritten(table, rows));
        conform.write(asOf, staleSilver);
        lake.overwrite(BUURT, runner.asWritten(BUURT, referenceBuurten()));

        progress.step("rules -> gold.signal (" + staleRules.size() + " of " + catalogue.rules().size() + " rules)");
        long signals = runner.runRules(asOf, staleRules);
        progress.info("  " + signals + " signals");

        progress.step("indicators -> gold.buurt_indicator (" + staleIndicators.size() + " of " + catalogue.indicators().size() + " indicators)");
        if (!staleIndicators.isEmpty()) {
            Dataset<Row> buurten = lake.read(BUURT).select("buurt_code")
                    .union(lake.read("silver.address").filter(col("as_of").equalTo(lit(java.sql.Date.valueOf(asOf))))
                            .select("buurt_code"))
                    .filter(col("buurt_code").isNotNull()).distinct();
            long minDenominator = (long) config.number("publication.min_denominator", 50);
            double prior = config.number("scoring.shrinkage_prior_denominator", 50);
            // The indicator queries run once: shrinkage and the robust z-scores read their small result
            // (one row per neighbourhood and indicator) several times, and would otherwise re-run them.
            Dataset<Row> counts = runner.indicatorCounts(asOf, staleIndicators).localCheckpoint();
            Dataset<Row> indicators = Scoring.indicators(counts, buurten, asOf, minDenominator, prior);
            if (staleIndicators.size() == catalogue.indicators().size()) {
                lake.replaceAsOf(INDICATOR, asOf, indicators.repartition(1));
            } else {
                lake.replaceWhere(INDICATOR, "as_of = DATE'" + asOf + "' AND indicator_id IN ("
                        + CatalogueRunner.quotedIds(staleIndicators) + ")", indicators.repartition(1));
            }
        }
        Dataset<Row> written = lake.read(INDICATOR).filter(col("as_of").equalTo(lit(java.sql.Date.valueOf(asOf))));
        long indicatorRows = written.count();

        progress.step("scores -> gold.buurt_score (method " + methodVersion + ")");
        Dataset<Row> scores = Scoring.scores(lake.spark(), written, config, methodVersion, asOf);
        lake.replaceAsOf(SCORE, asOf, scores.repartition(1));
        long flagged = lake.read(SCORE).filter(col("as_of").equalTo(lit(java.sql.Date.valueOf(asOf))))
                .filter(col("flagged")).count();
        state.record(inputs, runId);
        progress.info("done: " + signals + " signals, " + indicatorRows + " indicator rows, " + flagged
                + " flagged neighbourhoods; recomputed " + recomputed);
        return new RunResult(signals, indicatorRows, flagged, methodVersion, recomputed);
    }

    /**
     * What every kept result must have been computed with: the method (catalogue, parameters,
     * scoring, risk branches, provisions), the neighbourhood reference and the engine's version.
     */
    private String fingerprint(String methodVersion) {
        Path reference = config.path("reference_buurten", "reference/buurten.csv");
        String referenceHash;
        try {
            referenceHash = EngineConfig.sha256(java.nio.file.Files.readString(reference));
        } catch (java.io.IOException e) {
            throw new UsageException("neighbourhood reference not readable: " + reference);
        }
        String engine = Engine.class.getPackage().getImplementationVersion();
        return methodVersion + "|" + referenceHash.substring(0, 12) + "|" + (engine == null ? "development" : engine);
    }

    /** Changes whenever the catalogue, its parameters or the scoring settings change. */
    public String methodVersion(Catalogue catalogue) {
        String basis = catalogue.fingerprint() + "|" + config.node("scoring") + "|" + config.node("risk_branches")
                + "|" + config.node("provisions") + "|" + config.node("publication");
        return "m-" + EngineConfig.sha256(basis).substring(0, 12);
    }

    /** The CBS neighbourhood reference of conf/ (codes, names, wijk, gemeente). */
    public Dataset<Row> referenceBuurten() {
        Path file = config.path("reference_buurten", "reference/buurten.csv");
        if (!file.toFile().isFile()) {
            throw new UsageException("neighbourhood reference not found: " + file);
        }
        return lake.spark().read().option("header", "true").csv(file.toString())
                .select("buurt_code", "buurt_name", "wijk_code", "wijk_name", "gemeente_code", "gemeente_name");
    }
}
