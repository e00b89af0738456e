package nl.buurtsignaal.models;

import nl.buurtsignaal.base.EngineException;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.conform.Conform;
import nl.buurtsignaal.indicators.CatalogueRunner;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.apache.spark.sql.functions.*;

/**
 * What a model reads from the lake: the features of points (an address at a point in time), the
 * labels, the rules' severity as the baseline and the neighbourhood groups of the fairness audit.
 * Every table is read at one Delta version, the current one or the one a registered model records
 * ({@code pinned}), and {@link #versionsRead} says which: a retrained version reads exactly what
 * the first one read.
 */
public final class ModelData {
    /** Outcomes of a closed enforcement case that found a violation, and the one that found none. */
    public static final List<String> VIOLATIONS = List.of("warning", "penalty", "closure", "refusal");
    public static final String NO_VIOLATION = "no_violation";
    private static final Pattern SILVER_NAME = Pattern.compile("\\bsilver\\.([a-z_]+)");

    private final Lake lake;
    private final EngineConfig config;
    private final Map<String, Long> pinned;
    private final SortedMap<String, Long> read = new TreeMap<>();

    /** @param pinned table to Delta version, or null to read every table at its current version */
    public EngineConfig config() {
        return config;
    }

    /** gold.buurt_indicator's rows of the default classification of areas (models work in one). */
    public Dataset<Row> indicators() {
        return nl.buurtsignaal.lake.AreaRows.of(table(Tables.BUURT_INDICATOR), nl.buurtsignaal.lake.AreaRows.defaultAreas(config), config);
    }

    public ModelData(Lake lake, EngineConfig config, Map<String, Long> pinned) {
        this.lake = lake;
        this.config = config;
        this.pinned = pinned;
    }

    public Lake lake() {
        return lake;
    }

    /** The tables read so far, each with the Delta version read. */
    public SortedMap<String, Long> versionsRead() {
        return Collections.unmodifiableSortedMap(read);
    }

    /** One table at its pinned (or current) version. */
    public Dataset<Row> table(String name) {
        long version;
        if (pinned != null) {
            Long v = pinned.get(name);
            if (v == null) {
                throw new EngineException("the registered version records no Delta version of " + name);
            }
            version = v;
        } else {
            if (!lake.exists(name)) {
                throw new UsageException(name + " is not in the lake: run the engine first");
            }
            version = read.getOrDefault(name, lake.version(name));
        }
        read.put(name, version);
        return lake.spark().read().format("delta").option("versionAsOf", version).load(lake.location(name));
    }

    /** Whether a table can be read (it exists now, or the pinned versions name it). */
    public boolean has(String name) {
        return pinned != null ? pinned.containsKey(name) : lake.exists(name);
    }

    /** The latest as_of of the silver tables: the snapshot that features and labels read. */
    public LocalDate latestSilverAsOf() {
        Row max = table(Tables.SILVER_ADDRESS).agg(max("as_of")).first();
        if (max.isNullAt(0)) {
            throw new UsageException("silver.address holds no as_of: run the engine first");
        }
        return max.getDate(0).toLocalDate();
    }

    /**
     * The features of points ({@code point_id, address_id, at}): the points with one double column
     * per feature, 0 where a feature's SQL gives no row. Silver is read as of {@code snapshot}; each
     * feature's SQL looks only at what was known at the point's {@code at}. The plan's input files
     * are checked: no care data is read.
     */
    public Dataset<Row> features(Dataset<Row> points, List<Feature> features, LocalDate snapshot) {
        points.select("point_id", "address_id", "at").createOrReplaceTempView("points");
        Dataset<Row> out = points;
        for (Feature feature : features) {
            String sql = viewsFor(feature.boundSql(snapshot));
            Dataset<Row> values;
            try {
                values = lake.spark().sql(sql);
                values.schema();
            } catch (Exception e) { // Spark's AnalysisException is checked in Scala's eyes only
                throw new UsageException("feature " + feature.file().getFileName() + ": "
                        + CatalogueRunner.firstLineOf(e.getMessage()).replace("ml_silver_", "silver."));
            }
            if (!List.of(values.columns()).containsAll(List.of("point_id", "value"))) {
                throw new UsageException("feature " + feature.file().getFileName() + ": the SQL must return point_id and value");
            }
            out = out.join(values.select(col("point_id"), col("value").cast("double").as(feature.id())), "point_id", "left")
                    .withColumn(feature.id(), coalesce(col(feature.id()), lit(0.0)));
        }
        refuseCareInputs(out);
        return out;
    }

    /** The plan's input files: none of them may belong to a care table (contract section 4). */
    void refuseCareInputs(Dataset<Row> rows) {
        for (String care : config.settings().models().deny().careTables()) {
            String location = lake.location(care);
            for (String file : rows.inputFiles()) {
                if (file.contains(location.replaceFirst("^file:", ""))) {
                    throw new EngineException("a feature plan reads care data (" + care + "): refused");
                }
            }
        }
    }

    private String viewsFor(String sql) {
        Matcher silver = SILVER_NAME.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (silver.find()) {
            String view = "ml_silver_" + silver.group(1);
            table("silver." + silver.group(1)).createOrReplaceTempView(view);
            silver.appendReplacement(out, view);
        }
        silver.appendTail(out);
        return out.toString();
    }

    /**
     * Labelled examples known on {@code snapshot}: key, address_id, date (when the case opened or
     * the signal's as_of), known_on (when the label became known), label (1 or 0), source.
     */
    public Dataset<Row> labels(List<String> sources, LocalDate snapshot) {
        Column on = lit(java.sql.Date.valueOf(snapshot));
        Dataset<Row> labels = null;
        if (sources.contains("enforcement")) {
            List<String> known = new java.util.ArrayList<>(VIOLATIONS);
            known.add(NO_VIOLATION);
            Dataset<Row> cases = table(Tables.SILVER_ENFORCEMENT_CASE)
                    .filter(col("as_of").equalTo(on).and(col("closed_on").isNotNull()).and(col("closed_on").leq(on))
                            .and(col("outcome").isin(known.toArray())).and(col("address_id").isNotNull()))
                    .select(concat(lit("case:"), col("case_id")).as("key"), col("address_id"), col("opened_on").as("date"),
                            col("closed_on").as("known_on"),
                            when(col("outcome").isin(VIOLATIONS.toArray()), 1.0).otherwise(0.0).as("label"),
                            lit("enforcement").as("source"), lit(null).cast("int").as("severity"));
            labels = cases;
        }
        if (sources.contains("hub") && has(Tables.HUB_REVIEW) && has(Tables.SIGNAL)) {
            Dataset<Row> signals = signalAddresses(table(Tables.SIGNAL).filter(col("as_of").leq(on)), snapshot);
            Dataset<Row> hub = verdicts(snapshot).join(signals, "signal_id")
                    .select(concat(lit("signal:"), col("signal_id")).as("key"), col("address_id"), col("as_of").as("date"),
                            col("known_on"), col("label"), col("source"), col("severity"));
            labels = labels == null ? hub : labels.unionByName(hub);
        }
        if (labels == null) {
            throw new UsageException("no label source to read: label.sources names enforcement and/or hub");
        }
        return labels;
    }

    /**
     * The label of each signal decided on or before {@code snapshot} (contract section 9,
     * {@link nl.buurtsignaal.dossier.Verdict}): the partner's outcome where one is recorded (source
     * {@code outcome}), else the hub's own final decision (source {@code hub}). Once at least
     * {@code models.min_outcome_labels} outcomes are known, only outcomes are learned from: what
     * the partner found, not the hub's opinion of what the rules showed it.
     */
    Dataset<Row> verdicts(LocalDate snapshot) {
        Map<String, nl.buurtsignaal.dossier.Verdict.Finding> codes = nl.buurtsignaal.dossier.Verdict.outcomeCodes(config);
        Map<String, List<Row>> chains = new java.util.TreeMap<>();
        for (Row r : table(Tables.HUB_REVIEW).filter(to_date(col("decided_at")).leq(lit(java.sql.Date.valueOf(snapshot))))
                .select("signal_id", "status", "reason_code", "decided_at", "event_id").orderBy(col("decided_at"), col("event_id"))
                .collectAsList()) {
            chains.computeIfAbsent(r.getString(0), k -> new java.util.ArrayList<>()).add(r);
        }
        List<Row> rows = new java.util.ArrayList<>();
        chains.forEach((id, events) -> {
            List<nl.buurtsignaal.dossier.Verdict.Step> steps = events.stream()
                    .map(e -> new nl.buurtsignaal.dossier.Verdict.Step(e.getString(1), e.getString(2))).toList();
            nl.buurtsignaal.dossier.Verdict.Label label = nl.buurtsignaal.dossier.Verdict.of(steps, codes);
            if (label != null) {
                Row deciding = events.get(steps.lastIndexOf(label.step()));
                rows.add(org.apache.spark.sql.RowFactory.create(id, java.sql.Date.valueOf(deciding.getTimestamp(3).toLocalDateTime().toLocalDate()),
                        (double) label.value(), label.source()));
            }
        });
        long outcomes = rows.stream().filter(r -> r.getString(3).equals(nl.buurtsignaal.dossier.Verdict.Label.PARTNER)).count();
        if (outcomes >= minOutcomeLabels(config)) {
            rows.removeIf(r -> !r.getString(3).equals(nl.buurtsignaal.dossier.Verdict.Label.PARTNER));
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("signal_id", "string").add("known_on", "date").add("label", "double").add("source", "string");
        return lake.spark().createDataFrame(rows, schema);
    }

    /** How many partner outcomes make the models learn from outcomes alone (models.min_outcome_labels). */
    public static long minOutcomeLabels(EngineConfig config) {
        return config.settings().models().minOutcomeLabels();
    }

    /**
     * Signals with the address they concern: their own address_id, else their object's address
     * (the lowest address_id of the object) or their company's (its lowest establishment address).
     * Signals without one are left out: they cannot be ranked by address features.
     */
    public Dataset<Row> signalAddresses(Dataset<Row> signals, LocalDate snapshot) {
        Column on = lit(java.sql.Date.valueOf(snapshot));
        Dataset<Row> objects = table(Tables.SILVER_ADDRESS).filter(col("as_of").equalTo(on))
                .groupBy("object_id").agg(min("address_id").as("object_address"));
        Dataset<Row> companies = table(Tables.SILVER_ESTABLISHMENT).filter(col("as_of").equalTo(on))
                .groupBy("kvk_number").agg(min("address_id").as("company_address"));
        return signals
                .join(objects, signals.col("subject_type").equalTo("object").and(signals.col("subject_id").equalTo(objects.col("object_id"))), "left")
                .join(companies, signals.col("subject_type").equalTo("company").and(signals.col("subject_id").equalTo(companies.col("kvk_number"))), "left")
                .select(col("signal_id"), col("as_of"), col("rule_id"), col("severity"),
                        coalesce(col("address_id"), col("object_address"), col("company_address")).as("address_id"))
                .filter(col("address_id").isNotNull());
    }

    /**
     * The rules' severity per address on {@code date}, as the hub would have seen it then: every
     * rule run on silver planned from bronze for that date (nothing is written). address_id, severity.
     */
    public Dataset<Row> severityOn(LocalDate date) {
        Map<String, Dataset<Row>> bronze = new LinkedHashMap<>();
        for (String source : Conform.SOURCES) {
            // no rule reads care data (the catalogue refuses it), so none is read here either
            bronze.put(source, source.equals("care_provision") ? noCare() : table(Tables.bronze(source)));
        }
        Conform.Plan plan = Conform.plan(bronze, config, date);
        Dataset<Row> hits = new CatalogueRunner(lake, Catalogue.load(config)).hits(date, plan.silver());
        return hits.filter(col("address_id").isNotNull()).groupBy("address_id").agg(max("severity").as("severity"));
    }

    private Dataset<Row> noCare() {
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("person_id", "string").add("provision", "string").add("valid_from", "date").add("valid_to", "date")
                .add("partner", "string");
        return lake.spark().createDataFrame(List.<Row>of(), schema);
    }

    /**
     * The neighbourhood groups of the fairness audit, per address on {@code snapshot}: gemeente,
     * wijk, and the quintiles (Q1 lowest) of the neighbourhood's median WOZ value and of its shares
     * of young (under 25) and old (65 and over) residents. Age and WOZ are read here to audit the
     * model, never as its features.
     */
    public Dataset<Row> groups(LocalDate snapshot) {
        Column on = lit(java.sql.Date.valueOf(snapshot));
        Dataset<Row> address = table(Tables.SILVER_ADDRESS).filter(col("as_of").equalTo(on))
                .select("address_id", "object_id", "buurt_code");
        Dataset<Row> buurt = table(Tables.SILVER_BUURT).select(col("buurt_code"), col("gemeente_name").as("gemeente"),
                concat_ws(" ", col("wijk_code"), col("wijk_name")).as("wijk"));
        Dataset<Row> woz = table(Tables.bronze("woz_value")).filter(col("reference_date").leq(on))
                .withColumn("_n", row_number().over(Window.partitionBy("object_id").orderBy(col("reference_date").desc())))
                .filter(col("_n").equalTo(1))
                .join(address, "object_id")
                .groupBy("buurt_code").agg(percentile_approx(col("value_eur"), lit(0.5), lit(10000)).as("woz"));
        nl.buurtsignaal.config.Settings.Fairness fairness = config.settings().models().fairness();
        Dataset<Row> ages = table(Tables.SILVER_RESIDENT).filter(col("as_of").equalTo(on))
                .withColumn("age", lit(snapshot.getYear()).minus(col("birth_year")))
                .groupBy("buurt_code").agg(avg(when(col("age").lt(fairness.youngUnder()), 1.0).otherwise(0.0)).as("young"),
                        avg(when(col("age").geq(fairness.oldFrom()), 1.0).otherwise(0.0)).as("old"));
        Dataset<Row> perBuurt = buurt.join(woz, "buurt_code", "left").join(ages, "buurt_code", "left")
                .withColumn("woz_quintile", quintile("woz"))
                .withColumn("young_share_quintile", quintile("young"))
                .withColumn("old_share_quintile", quintile("old"));
        return address.join(perBuurt, "buurt_code", "left")
                .select(col("address_id"), col("buurt_code"), col("gemeente"), col("wijk"), col("woz_quintile"),
                        col("young_share_quintile"), col("old_share_quintile"));
    }

    private static Column quintile(String column) {
        return when(col(column).isNull(), lit("unknown"))
                .otherwise(concat(lit("Q"), ntile(5).over(Window.orderBy(col(column), col("buurt_code"))).cast("string")));
    }

    /** The groups of the fairness audit, in the order they are reported. */
    public static final List<String> GROUPS = List.of("gemeente", "wijk", "woz_quintile", "young_share_quintile",
            "old_share_quintile");
}
