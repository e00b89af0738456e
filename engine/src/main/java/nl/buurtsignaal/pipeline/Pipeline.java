package nl.buurtsignaal.pipeline;

import nl.buurtsignaal.areas.Classification;
import nl.buurtsignaal.areas.Placements;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.CatalogueEntry;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.conform.Conform;
import nl.buurtsignaal.dossier.ControlSample;
import nl.buurtsignaal.dossier.RulePrecision;
import nl.buurtsignaal.dossier.SubjectLinks;
import nl.buurtsignaal.indicators.CatalogueRunner;
import nl.buurtsignaal.ingest.Ingest;
import nl.buurtsignaal.ingest.KeyFile;
import nl.buurtsignaal.lake.AsOf;
import nl.buurtsignaal.lake.HeldTables;
import nl.buurtsignaal.lake.Incremental;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.SparkSessions;
import nl.buurtsignaal.lake.Tables;
import nl.buurtsignaal.models.ExpectedCare;
import nl.buurtsignaal.models.Scorer;
import nl.buurtsignaal.scoring.Scoring;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The engine's stages in their order, in one place: ingest (landing zone → bronze), then for one
 * as_of check → silver → rules → indicators → scores. Each stage reads and writes the lake; this
 * class decides what runs, in which order, and what an incremental run may keep. The command
 * line, the demo, the bench and the tests call it; {@link #onStage} tells a listener (the bench's
 * meter) when each stage starts.
 */
public final class Pipeline {
    private final Lake lake;
    private final EngineConfig config;
    private final Progress progress;
    private Consumer<Stage> onStage = stage -> { };
    private List<String> areas;

    public Pipeline(Lake lake, EngineConfig config, Progress progress) {
        this.lake = lake;
        this.config = config;
        this.progress = progress;
        this.areas = config.settings().areas().run();
    }

    /**
     * Computes the indicators and scores in these classifications of conf/areas/ (default:
     * areas.run of the configuration). Every classification there places the addresses either way.
     */
    public Pipeline areas(List<String> names) {
        Classification.checkNames(config, names);
        this.areas = List.copyOf(names);
        return this;
    }

    /** Also tells {@code listener} each stage as it starts. */
    public Pipeline onStage(Consumer<Stage> listener) {
        this.onStage = listener;
        return this;
    }

    /** Ingests a landing zone given as a folder or a Hadoop URI ({@code hdfs://…/landing}). */
    public List<Ingest.Outcome> ingest(String landing, Path keyFile, String runId) {
        KeyFile keys = KeyFile.read(keyFile);
        onStage.accept(Stage.INGEST);
        lake.registerAll();
        return new Ingest(lake, config, keys, runId, progress).ingestAll(landing);
    }

    public List<Ingest.Outcome> ingest(Path landing, Path keyFile, String runId) {
        return ingest(landing.toString(), keyFile, runId);
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
        String methodVersion = Method.version(catalogue, config);
        Map<String, Classification> all = Classification.all(config);
        List<Classification> chosen = Classification.chosen(all, config, areas);
        progress.stages(Stage.values().length - 1);
        lake.registerAll();
        boolean small = SparkSessions.fitToInput(lake.spark(), config, lake.bytes("bronze"));
        boolean hold = HeldTables.wanted(config, small);
        try (HeldTables held = new HeldTables(lake.spark(), hold)) {
            return run(asOf, full, runId, catalogue, methodVersion, held, chosen, all);
        }
    }

    private RunResult run(LocalDate asOf, boolean full, String runId, Catalogue catalogue, String methodVersion,
                          HeldTables held, List<Classification> chosen, Map<String, Classification> all) {
        CatalogueRunner runner = new CatalogueRunner(lake, catalogue, held);
        // A small run reads bronze from the data files Delta Kernel lists: Spark's Delta scan would
        // first rebuild each table's state in Spark jobs (3.7-4.3 s for the demo's eight tables
        // against 0.5-0.7 s; Lake#readFiles). The versions read are those audit.computed records.
        Conform.Plan plan = Conform.plan(lake, config, asOf, held.enabled());
        Map<String, Dataset<Row>> silverPlan = plan.silver();

        // The catalogue's SQL is checked first, against the planned silver tables (analysis only),
        // so that a broken entry stops the run before any Spark job.
        step(Stage.CHECK, "check the catalogue's SQL (" + catalogue.entries().size() + " entries)");
        runner.validate(asOf, silverPlan);

        Map<String, Collection<String>> inputs = new LinkedHashMap<>(Tables.SILVER_INPUTS);
        catalogue.entries().forEach(entry -> inputs.put(entry.id(), runner.inputsOf(entry, asOf)));
        inputs.put(Tables.SUBJECT_LINK, SubjectLinks.INPUTS);
        // the control sample avoids every signal of as_of: it is as stale as any rule
        java.util.SortedSet<String> controlInputs = new java.util.TreeSet<>(Tables.SILVER_INPUTS.get(Tables.SILVER_ADDRESS));
        catalogue.rules().forEach(rule -> controlInputs.addAll(inputs.get(rule.id())));
        inputs.put(Tables.CONTROL_SAMPLE, controlInputs);
        Incremental state = Incremental.load(lake, asOf, Method.fingerprint(methodVersion, config, chosen), full,
                Conform.SOURCES.stream().map(Tables::bronze).toList())
                .fingerprint(Tables.SILVER_INPUTS.keySet(), Method.silverFingerprint(config))
                .fingerprint(List.of(Tables.SUBJECT_LINK), Method.linksFingerprint(config))
                .fingerprint(List.of(Tables.CONTROL_SAMPLE), Method.controlFingerprint(methodVersion, config));
        Map<String, Dataset<Row>> staleSilver = new LinkedHashMap<>(silverPlan);
        staleSilver.keySet().removeIf(table -> state.isCurrent(table, inputs.get(table)));
        List<CatalogueEntry> staleRules = stale(catalogue.rules(), state, inputs);
        List<CatalogueEntry> staleIndicators = stale(catalogue.indicators(), state, inputs);
        String recomputed = staleSilver.size() + "/" + silverPlan.size() + " silver tables, " + staleRules.size() + "/"
                + catalogue.rules().size() + " rules, " + staleIndicators.size() + "/" + catalogue.indicators().size() + " indicators";

        step(Stage.SILVER, "conform bronze -> silver for as_of " + asOf + " (" + staleSilver.size() + " of " + silverPlan.size()
                + " tables" + (staleSilver.size() < silverPlan.size() ? "; the others' bronze inputs are unchanged since their last run" : "") + ")");
        // Only the bronze inputs of the stale silver tables are held, and only while silver is built.
        try (HeldTables bronze = new HeldTables(lake.spark(), held.enabled())) {
            staleSilver.keySet().stream().flatMap(table -> Tables.SILVER_INPUTS.get(table).stream()).distinct()
                    .forEach(table -> bronze.hold("mem_" + table.replace('.', '_'), plan.bronze().get(Tables.sourceOf(table))));
            // A silver table new to the lake holds only what this run writes: the catalogue can read it as written.
            staleSilver.replaceAll((table, rows) -> lake.exists(table) ? rows : runner.asWritten(table, rows));
            Conform.write(lake, asOf, staleSilver, progress);
        }
        // Every classification places the addresses (cheap, and what a crosswalk between any two
        // needs); the chosen ones first, whose results this run computes.
        List<Classification> placing = new java.util.ArrayList<>(chosen);
        all.values().stream().filter(c -> !chosen.contains(c)).forEach(placing::add);
        List<Placements.Counts> placed = Conform.writeAreas(lake, config, asOf, plan.bronze().get("bag_address"), placing,
                rows -> runner.asWritten(Tables.SILVER_BUURT, rows));
        placed.forEach(counts -> progress.info("  " + counts.line()));
        recordPlacement(runId, asOf, placed);

        step(Stage.RULES, "rules -> gold.signal (" + staleRules.size() + " of " + catalogue.rules().size() + " rules)");
        long signals = runner.runRules(asOf, staleRules);
        progress.info("  " + signals + " signals");

        step(Stage.INDICATORS, "indicators -> gold.buurt_indicator (" + staleIndicators.size() + " of "
                + catalogue.indicators().size() + " indicators, in " + String.join(" and ", areas) + ")");
        if (!staleIndicators.isEmpty()) {
            writeIndicators(asOf, runner, staleIndicators, staleIndicators.size() == catalogue.indicators().size(), chosen);
        }
        Dataset<Row> written = lake.readAsOf(Tables.BUURT_INDICATOR, asOf);
        long indicatorRows = written.count();

        step(Stage.SCORES, "scores -> gold.buurt_score (method " + methodVersion + ")");
        Dataset<Row> scores = Scoring.scores(lake.spark(), written, config, methodVersion, asOf);
        lake.replaceAsOf(Tables.BUURT_SCORE, asOf, scores.repartition(1));
        long flagged = lake.readAsOf(Tables.BUURT_SCORE, asOf)
                .filter(col("flagged")).count();
        dossier(asOf, runner, state, inputs);
        state.record(inputs, runId);
        // Models rank what the rules raised: every production model scores this run's signals.
        boolean models = lake.exists(Tables.ML_MODEL);
        step(Stage.MODELS, "models -> gold.signal_priority, gold.buurt_expected" + (models ? "" : " (no model registered)"));
        if (models) {
            long priorities = Scorer.scoreProduction(lake, config, asOf, progress);
            ExpectedCare.refreshProduction(lake, config, asOf, progress);
            progress.info("  " + priorities + " signal priorities from the production models");
        }
        progress.info("done: " + signals + " signals, " + indicatorRows + " indicator rows, " + flagged
                + " flagged neighbourhoods; recomputed " + recomputed);
        return new RunResult(signals, indicatorRows, flagged, methodVersion, recomputed);
    }

    /**
     * The dossiers' tables for as_of: the links (when their registries changed), the control
     * sample (when the signals it must avoid or the addresses changed), and the rules' precision
     * over every as_of (once the hub has decided on something).
     */
    private void dossier(LocalDate asOf, CatalogueRunner runner, Incremental state, Map<String, Collection<String>> inputs) {
        boolean links = !state.isCurrent(Tables.SUBJECT_LINK, inputs.get(Tables.SUBJECT_LINK)) || !lake.exists(Tables.SUBJECT_LINK);
        boolean control = !state.isCurrent(Tables.CONTROL_SAMPLE, inputs.get(Tables.CONTROL_SAMPLE)) || !lake.exists(Tables.CONTROL_SAMPLE);
        step(Stage.DOSSIER, "dossiers -> gold.subject_link" + (links ? "" : " (current)") + ", gold.control_sample"
                + (control ? "" : " (current)") + ", gold.rule_precision");
        if (links) {
            lake.replaceAsOf(Tables.SUBJECT_LINK, asOf, SubjectLinks.of(runner::silver, config, asOf).repartition(1));
        }
        if (control) {
            lake.replaceAsOf(Tables.CONTROL_SAMPLE, asOf, ControlSample.of(lake, runner::silver, config, asOf).repartition(1));
        }
        if (lake.exists(Tables.HUB_REVIEW)) {
            lake.overwrite(Tables.RULE_PRECISION, RulePrecision.rows(lake, config));
        }
    }

    /** The placement's counts in audit.area_placement, one row per classification. */
    private void recordPlacement(String runId, LocalDate asOf, List<Placements.Counts> placed) {
        List<Row> rows = placed.stream().map(c -> org.apache.spark.sql.RowFactory.create(runId, Date.valueOf(asOf),
                c.areas(), c.addresses(), c.placed(), c.outside(), c.noPoint(), c.unknownCode(), c.notCovered(),
                c.disagreeing())).toList();
        lake.append(Tables.AUDIT_AREA_PLACEMENT, lake.spark().createDataFrame(rows, PLACEMENT_SCHEMA)
                .withColumn("recorded_at", org.apache.spark.sql.functions.current_timestamp()).repartition(1));
    }

    private static final org.apache.spark.sql.types.StructType PLACEMENT_SCHEMA = new org.apache.spark.sql.types.StructType()
            .add("run_id", "string").add("as_of", "date").add("areas", "string").add("addresses", "long")
            .add("placed", "long").add("outside", "long").add("no_point", "long").add("unknown_code", "long")
            .add("not_covered", "long").add("disagreeing", "long");

    private static List<CatalogueEntry> stale(List<CatalogueEntry> entries, Incremental state,
                                              Map<String, Collection<String>> inputs) {
        return entries.stream().filter(e -> !state.isCurrent(e.id(), inputs.get(e.id()))).toList();
    }

    private void writeIndicators(LocalDate asOf, CatalogueRunner runner, List<CatalogueEntry> indicators, boolean all,
                                 List<Classification> chosen) {
        nl.buurtsignaal.scoring.Disclosure disclosure = nl.buurtsignaal.scoring.Disclosure.of(config);
        double prior = config.settings().scoring().shrinkagePriorDenominator();
        Dataset<Row> rows = null;
        for (Classification areas : chosen) {
            // The indicator queries run once: shrinkage and the robust z-scores read their small result
            // (one row per neighbourhood and indicator) several times, and would otherwise re-run them.
            Dataset<Row> counts = runner.indicatorCounts(asOf, indicators, areas).localCheckpoint();
            // Every area is reported, with or without counts: as delivered, the reference's buurten
            // and every code an address brings; else the classification's areas.
            Dataset<Row> buurten = areas.asDelivered()
                    ? runner.silver(Tables.SILVER_BUURT).select("buurt_code")
                            .union(runner.silver(Tables.SILVER_ADDRESS).filter(Lake.isAsOf(asOf)).select("buurt_code"))
                            .filter(col("buurt_code").isNotNull()).distinct()
                    : runner.silver(Tables.SILVER_AREA).filter(col("areas").equalTo(areas.name()))
                            .select(col("area_code").as("buurt_code"), col("gemeente_code"));
            Dataset<Row> these = Scoring.indicators(counts, buurten, asOf, disclosure, prior, areas.name());
            rows = rows == null ? these : rows.unionByName(these);
        }
        if (chosen.size() > 1 && lake.exists(Tables.AREA_CROSSWALK)) {
            // differencing two classifications must not give a suppressed count away
            rows = nl.buurtsignaal.scoring.Disclosure.acrossClassifications(rows, lake.readAsOf(Tables.AREA_CROSSWALK, asOf));
        }
        rows = rows.repartition(1);
        if (all) {
            lake.replaceAsOf(Tables.BUURT_INDICATOR, asOf, rows);
        } else {
            lake.replaceWhere(Tables.BUURT_INDICATOR, AsOf.of(asOf)
                    .predicate("indicator_id IN (" + CatalogueRunner.quotedIds(indicators) + ")"), rows);
        }
    }

    private void step(Stage stage, String what) {
        onStage.accept(stage);
        progress.step(what);
    }
}
