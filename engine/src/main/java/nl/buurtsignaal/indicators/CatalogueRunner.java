package nl.buurtsignaal.indicators;

import nl.buurtsignaal.areas.Classification;
import nl.buurtsignaal.areas.Placer;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.CatalogueEntry;
import nl.buurtsignaal.lake.AsOf;
import nl.buurtsignaal.lake.HeldTables;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.*;

/**
 * Silver → gold: runs the catalogue's rules into gold.signal and its indicators into the raw
 * counts of gold.buurt_indicator. Rules run first; indicators may read the current run's
 * signals through the view {@code current_signal}.
 */
public final class CatalogueRunner {
    private static final String SIGNAL = Tables.SIGNAL;
    public static final String CURRENT_SIGNAL_VIEW = "current_signal";
    private static final Set<String> RULE_COLUMNS = Set.of("subject_id", "address_id", "buurt_code", "severity", "evidence");
    private static final Set<String> INDICATOR_COLUMNS = Set.of("buurt_code", "numerator", "denominator");

    private final Lake lake;
    private final Catalogue catalogue;
    private final HeldTables held;
    /** Whether every silver table of the lake is held (they are held on the first query that needs them). */
    private boolean silverHeld;

    public CatalogueRunner(Lake lake, Catalogue catalogue) {
        this(lake, catalogue, new HeldTables(lake.spark(), false));
    }

    /**
     * @param held where the silver tables and the run's signals are kept while the catalogue runs,
     *             when enabled: each entry reads several of them. The entries see the same rows
     *             either way. The caller closes it.
     */
    public CatalogueRunner(Lake lake, Catalogue catalogue, HeldTables held) {
        this.lake = lake;
        this.catalogue = catalogue;
        this.held = held;
    }

    /**
     * An entry's SQL with its parameter markers (bound by {@link CatalogueEntry#args}). Held in memory, {@code silver.x} reads the view {@code mem_silver_x}:
     * the whole table (every as_of), held as written by this run or read from the lake once.
     */
    private String sqlOf(CatalogueEntry entry) {
        return sqlOf(entry.parameterisedSql());
    }

    private String sqlOf(String sql) {
        if (!held.enabled()) {
            return sql;
        }
        if (!silverHeld) {
            for (String table : lake.tables()) {
                if (Tables.isSilver(table) && !held.holds(memoryView(table))) {
                    held.hold(memoryView(table), latest(table));
                }
            }
            silverHeld = true;
        }
        java.util.regex.Matcher silver = SILVER_NAME.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (silver.find()) {
            String view = memoryView(silver.group());
            silver.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(held.holds(view) ? view : silver.group()));
        }
        silver.appendTail(out);
        return out.toString();
    }

    /**
     * A table's latest rows. Held in memory (a small run), read from the data files Delta Kernel
     * lists ({@link Lake#readFiles}): Spark's Delta scan first rebuilds each table's state in two
     * jobs, 5.5 s for the ten silver tables an incremental run on 20,000 persons holds.
     */
    private Dataset<Row> latest(String table) {
        return held.enabled() ? lake.readFiles(table) : lake.read(table);
    }

    /** A silver table's latest rows as the catalogue's entries read them: held once they are, else from the lake. */
    public Dataset<Row> silver(String table) {
        return held.held(memoryView(table)).orElseGet(() -> latest(table));
    }

    private static String memoryView(String silverTable) {
        return "mem_silver_" + silverTable.substring("silver.".length());
    }

    /**
     * The rows a silver table is about to be written with, when they will be the whole table
     * (a new table, or an overwrite): held in memory, the catalogue then reads them as written,
     * computed once for the write and the queries alike. Returns what to write.
     */
    public Dataset<Row> asWritten(String silverTable, Dataset<Row> rows) {
        return held.hold(memoryView(silverTable), rows);
    }

    /**
     * Checks every entry's SQL against the planned silver tables (analysis only: no Spark job runs):
     * unknown tables or columns, SQL errors and missing output columns are named with their file.
     * The plans stand in for the tables under a view name of their own, so that this works on a new
     * lake as well as on one that already holds silver tables.
     */
    public void validate(LocalDate asOf, Map<String, Dataset<Row>> silverPlan) {
        registerCurrentSignals(asOf, true);
        silverPlan.forEach((table, rows) -> rows.createOrReplaceTempView(planView(table)));
        for (CatalogueEntry entry : catalogue.entries()) {
            Dataset<Row> result;
            try {
                result = lake.spark().sql(onPlan(entry), entry.args(asOf));
                result.schema();
            } catch (Exception e) { // Spark's AnalysisException is a checked exception thrown from Scala
                throw new UsageException("catalogue " + entry.where() + ": " + firstLine(e.getMessage()).replace("v_silver_", "silver."));
            }
            Set<String> expected = entry.isRule() ? RULE_COLUMNS : INDICATOR_COLUMNS;
            List<String> columns = List.of(result.columns());
            for (String column : expected) {
                if (!columns.contains(column) && !(entry.isRule() && column.equals("severity"))) {
                    throw new UsageException("catalogue " + entry.where() + ": the SQL must return a column " + column);
                }
            }
        }
        silverPlan.keySet().forEach(table -> lake.spark().catalog().dropTempView(planView(table)));
    }

    /**
     * What every rule finds on planned silver tables, written nowhere: rule_id, subject_type,
     * subject_id, address_id, severity. The models' baseline is the rules' severity at a past date.
     */
    public Dataset<Row> hits(LocalDate asOf, Map<String, Dataset<Row>> silverPlan) {
        silverPlan.forEach((table, rows) -> rows.createOrReplaceTempView(planView(table)));
        List<Dataset<Row>> parts = new ArrayList<>();
        for (CatalogueEntry rule : catalogue.rules()) {
            parts.add(ruleRows(rule, lake.spark().sql(onPlan(rule), rule.args(asOf)))
                    .select("rule_id", "subject_type", "subject_id", "address_id", "severity"));
        }
        return parts.stream().reduce(Dataset::unionByName).orElseThrow();
    }

    private static final java.util.regex.Pattern SILVER_NAME = java.util.regex.Pattern.compile("\\bsilver\\.([a-z_]+)");

    /** An entry's SQL reading the planned silver tables (views v_silver_x) instead of the lake's. */
    private static String onPlan(CatalogueEntry entry) {
        return SILVER_NAME.matcher(entry.parameterisedSql()).replaceAll("v_silver_$1");
    }

    /**
     * A rule's rows in gold.signal's columns but the id and as_of: its severity kept between 1 and 3,
     * 2 where the rule gives none.
     */
    private static Dataset<Row> ruleRows(CatalogueEntry rule, Dataset<Row> found) {
        Column severity = List.of(found.columns()).contains("severity") ? col("severity") : lit(2);
        return found.select(
                lit(rule.id()).as("rule_id"),
                lit(rule.subjectType()).as("subject_type"),
                col("subject_id").cast(DataTypes.StringType).as("subject_id"),
                col("address_id").cast(DataTypes.StringType).as("address_id"),
                col("buurt_code").cast(DataTypes.StringType).as("buurt_code"),
                greatest(lit(1), least(lit(3), severity.cast(DataTypes.IntegerType))).as("severity"),
                col("evidence").cast(DataTypes.StringType).as("evidence"));
    }

    private static String planView(String table) {
        return "v_silver_" + table.substring("silver.".length());
    }

    public static String firstLineOf(String message) {
        return firstLine(message);
    }

    static String firstLine(String message) {
        return nl.buurtsignaal.lake.Query.firstLine(message);
    }

    /**
     * The bronze tables an entry's result depends on: those of the silver tables its SQL names; an
     * entry reading the run's signals depends on every rule's; an indicator also on the addresses,
     * which decide the neighbourhoods it is reported for.
     */
    public java.util.SortedSet<String> inputsOf(CatalogueEntry entry, LocalDate asOf) {
        java.util.SortedSet<String> inputs = new java.util.TreeSet<>();
        String sql = entry.boundSql(asOf);
        java.util.regex.Matcher silver = SILVER_NAME.matcher(sql);
        while (silver.find()) {
            List<String> sources = Tables.SILVER_INPUTS.get("silver." + silver.group(1));
            if (sources == null) {
                throw new UsageException("catalogue " + entry.where() + ": unknown table silver." + silver.group(1));
            }
            inputs.addAll(sources);
        }
        if (sql.contains(CURRENT_SIGNAL_VIEW)) {
            catalogue.rules().forEach(rule -> inputs.addAll(inputsOf(rule, asOf)));
        }
        if (!entry.isRule()) {
            inputs.addAll(Tables.SILVER_INPUTS.get(Tables.SILVER_ADDRESS));
        }
        return inputs;
    }

    /**
     * Some rules for as_of, in one Delta commit that replaces those rules' earlier signals of as_of;
     * the other rules' signals stay. Returns the number of signals of as_of, all rules.
     */
    public long runRules(LocalDate asOf, List<CatalogueEntry> rules) {
        if (rules.isEmpty()) {
            return registerCurrentSignals(asOf, true).count();
        }
        Dataset<Row> signals = signals(asOf, rules).repartition(1);
        if (rules.size() == catalogue.rules().size()) {
            lake.replaceAsOf(SIGNAL, asOf, signals);
        } else {
            lake.replaceWhere(SIGNAL, AsOf.of(asOf).predicate("rule_id IN (" + quotedIds(rules) + ")"), signals);
        }
        return registerCurrentSignals(asOf, false).count();
    }

    /**
     * The rules' signals of as_of in gold.signal's columns, written nowhere: each rule's SQL over
     * the silver tables, its severity kept between 1 and 3 (2 where the rule gives none), and an id
     * that the same rule, subject and as_of give in every run.
     */
    public Dataset<Row> signals(LocalDate asOf, List<CatalogueEntry> rules) {
        List<Dataset<Row>> parts = new ArrayList<>();
        for (CatalogueEntry rule : rules) {
            parts.add(ruleRows(rule, lake.spark().sql(sqlOf(rule), rule.args(asOf))));
        }
        Dataset<Row> all = parts.stream().reduce(Dataset::unionByName)
                .orElseGet(() -> lake.spark().createDataFrame(List.<Row>of(), Tables.SIGNAL_SCHEMA).drop("signal_id", "as_of"));
        Column asOfDate = AsOf.of(asOf).value();
        return all.select(
                signalId(col("rule_id"), col("subject_type"), col("subject_id"), asOfDate).as("signal_id"),
                asOfDate.as("as_of"),
                col("rule_id"), col("subject_type"), col("subject_id"), col("address_id"), col("buurt_code"),
                col("severity"), col("evidence"));
    }

    /** The same rule, subject and as_of give the same id in every run. */
    public static Column signalId(Column ruleId, Column subjectType, Column subjectId, Column asOf) {
        return concat(lit("sig-"), substring(sha2(concat_ws("|", ruleId, subjectType, subjectId,
                date_format(asOf, "yyyy-MM-dd")), 256), 1, 32));
    }

    /** Makes as_of's signals readable as the view current_signal; returns them. */
    private Dataset<Row> registerCurrentSignals(LocalDate asOf, boolean emptyIfMissing) {
        if (lake.exists(SIGNAL)) {
            Dataset<Row> signals = latest(SIGNAL).filter(Lake.isAsOf(asOf));
            // The view outlives the run (an analyst's query may read it); what is held does not.
            Dataset<Row> kept = held.hold("mem_" + CURRENT_SIGNAL_VIEW, signals);
            kept.createOrReplaceTempView(CURRENT_SIGNAL_VIEW);
            return kept;
        } else if (emptyIfMissing) {
            Dataset<Row> none = lake.spark().createDataFrame(List.<Row>of(), Tables.SIGNAL_SCHEMA);
            none.createOrReplaceTempView(CURRENT_SIGNAL_VIEW);
            return none;
        }
        return null;
    }

    private static final String AREA_VIEW = "area_";

    /**
     * Registers, for one classification, a view {@code area_silver_x} of every silver table with
     * an address and a buurt_code (and {@code area_current_signal}), the buurt_code being the
     * address's area; returns the rewriting of an entry's SQL onto those views.
     */
    private java.util.function.UnaryOperator<String> areaViews(LocalDate asOf, String areas) {
        Dataset<Row> placed = silver(Tables.SILVER_ADDRESS_AREA).filter(Lake.isAsOf(asOf)
                        .and(col("areas").equalTo(areas)).and(col("status").equalTo(Placer.PLACED)))
                .select(col("address_id").as("_area_address"), col("area_code").as("_area_code"));
        Set<String> mapped = new java.util.HashSet<>();
        for (String table : lake.tables()) {
            if (Tables.isSilver(table) && !table.equals(Tables.SILVER_ADDRESS_AREA)) {
                Dataset<Row> rows = silver(table);
                if (List.of(rows.columns()).containsAll(List.of("address_id", "buurt_code"))) {
                    inArea(rows, placed).createOrReplaceTempView(AREA_VIEW + table.replace('.', '_'));
                    mapped.add(table);
                }
            }
        }
        lake.spark().sql("SELECT * FROM " + CURRENT_SIGNAL_VIEW).transform(rows -> inArea(rows, placed))
                .createOrReplaceTempView(AREA_VIEW + CURRENT_SIGNAL_VIEW);
        return sql -> {
            java.util.regex.Matcher silver = SILVER_NAME.matcher(sql);
            StringBuilder out = new StringBuilder();
            while (silver.find()) {
                String view = mapped.contains(silver.group()) ? AREA_VIEW + silver.group().replace('.', '_') : silver.group();
                silver.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(view));
            }
            silver.appendTail(out);
            return out.toString().replaceAll("\\b" + CURRENT_SIGNAL_VIEW + "\\b", AREA_VIEW + CURRENT_SIGNAL_VIEW);
        };
    }

    /** Rows with their address's area as buurt_code (null where the address is not placed), columns in their order. */
    private static Dataset<Row> inArea(Dataset<Row> rows, Dataset<Row> placed) {
        Column[] columns = java.util.Arrays.stream(rows.columns())
                .map(c -> c.equals("buurt_code") ? col("_area_code").as("buurt_code") : col(c)).toArray(Column[]::new);
        return rows.join(placed, rows.col("address_id").equalTo(placed.col("_area_address")), "left").select(columns);
    }

    /** Entry ids as a SQL list: 'a', 'b' (the catalogue allows letters, digits, '_', '.' and '-' in ids). */
    public static String quotedIds(List<CatalogueEntry> entries) {
        return String.join(", ", entries.stream().map(e -> "'" + e.id() + "'").toList());
    }

    /** Some indicators' counts per buurt: indicator_id, theme, scale, buurt_code, numerator, denominator. */
    public Dataset<Row> indicatorCounts(LocalDate asOf, List<CatalogueEntry> indicators) {
        return indicatorCounts(asOf, indicators, null);
    }

    /**
     * Some indicators' counts per area of a classification ({@code buurt_code} is the area's code).
     * The entries' SQL is the same: it reads each silver table that has an address with the
     * address's area of {@code areas} (silver.address_area of as_of) in place of its delivered
     * buurt_code, and so does {@code current_signal}. An address the classification did not place
     * counts in none of its areas. A classification {@link Classification#asDelivered as delivered}
     * (or null) reads the silver tables as they are.
     */
    public Dataset<Row> indicatorCounts(LocalDate asOf, List<CatalogueEntry> indicators, Classification areas) {
        java.util.function.UnaryOperator<String> inAreas = areas == null || areas.asDelivered()
                ? sql -> sql : areaViews(asOf, areas.name());
        List<Dataset<Row>> parts = new ArrayList<>();
        for (CatalogueEntry indicator : indicators) {
            Dataset<Row> counts = lake.spark().sql(sqlOf(inAreas.apply(indicator.parameterisedSql())), indicator.args(asOf));
            parts.add(counts.select(
                    lit(indicator.id()).as("indicator_id"),
                    lit(indicator.theme()).as("theme"),
                    lit(indicator.scale()).as("scale"),
                    col("buurt_code").cast(DataTypes.StringType).as("buurt_code"),
                    col("numerator").cast(DataTypes.LongType).as("numerator"),
                    col("denominator").cast(DataTypes.LongType).as("denominator")));
        }
        return parts.stream().reduce(Dataset::unionByName).orElseThrow().filter(col("buurt_code").isNotNull());
    }
}
