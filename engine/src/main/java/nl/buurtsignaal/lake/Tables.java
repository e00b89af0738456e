package nl.buurtsignaal.lake;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every table name of the lake (contract sections 4, 6, 7 and 8): the code names a table only
 * through these, so that a reader finds every table here and a rename is one edit.
 */
public final class Tables {
    private Tables() {
    }

    public static final String SIGNAL = "gold.signal";
    /** gold.signal's columns (contract section 4). */
    public static final StructType SIGNAL_SCHEMA = new StructType().add("signal_id", DataTypes.StringType)
            .add("as_of", DataTypes.DateType).add("rule_id", DataTypes.StringType).add("subject_type", DataTypes.StringType)
            .add("subject_id", DataTypes.StringType).add("address_id", DataTypes.StringType)
            .add("buurt_code", DataTypes.StringType).add("severity", DataTypes.IntegerType)
            .add("evidence", DataTypes.StringType);
    public static final String BUURT_INDICATOR = "gold.buurt_indicator";
    public static final String BUURT_SCORE = "gold.buurt_score";
    /** gold.buurt_score's columns (contract section 4). */
    public static final StructType BUURT_SCORE_SCHEMA = new StructType().add("as_of", DataTypes.DateType)
            .add("buurt_code", DataTypes.StringType).add("theme", DataTypes.StringType).add("score", DataTypes.DoubleType)
            .add("rank", DataTypes.IntegerType).add("flagged", DataTypes.BooleanType)
            .add("contributions", new ArrayType(new StructType().add("indicator_id", DataTypes.StringType)
                    .add("contribution", DataTypes.DoubleType), true))
            .add("method_version", DataTypes.StringType);
    /** A view over gold.buurt_indicator: each value against the previous as_of in the lake. */
    public static final String BUURT_INDICATOR_TREND = "gold.buurt_indicator_trend";
    public static final String SIGNAL_PRIORITY = "gold.signal_priority";
    public static final String BUURT_EXPECTED = "gold.buurt_expected";
    /** Who and what is linked to whom, per as_of, from the registries (contract section 9). */
    public static final String SUBJECT_LINK = "gold.subject_link";
    /** Per as_of and gemeente, a seeded random sample of addresses without a signal: the hub's blind control items. */
    public static final String CONTROL_SAMPLE = "gold.control_sample";
    /** Precision per rule and window of as_of dates, with its Wilson interval and lift over the control sample. */
    public static final String RULE_PRECISION = "gold.rule_precision";

    public static final String ML_MODEL = "ml.model";
    public static final String ML_FAIRNESS = "ml.fairness";

    public static final String HUB_REVIEW = "hub.review";
    /** A decision's note (event_id, note), apart from hub.review so that erase can redact it while hub.review stays append-only. */
    public static final String HUB_REVIEW_NOTE = "hub.review_note";
    public static final String AUDIT_ACCESS = "audit.access";
    /** Signals registered by the hub from outside the rules (contract section 9), append-only. */
    public static final String HUB_MELDING = "hub.melding";

    public static final String SILVER_BUURT = "silver.buurt";
    /** The areas of every classification a run placed addresses in (conf/areas/). */
    public static final String SILVER_AREA = "silver.area";
    /** Every address of an as_of placed in each classification, with the reason where it was not. */
    public static final String SILVER_ADDRESS_AREA = "silver.address_area";
    /** Per as_of: each area of one classification against each of another, with the addresses and residents they share. */
    public static final String AREA_CROSSWALK = "gold.area_crosswalk";
    /** Per run, as_of and classification: how many addresses were placed and why the others were not. */
    public static final String AUDIT_AREA_PLACEMENT = "audit.area_placement";
    public static final String SILVER_ADDRESS = "silver.address";
    public static final String SILVER_RESIDENCE = "silver.residence";
    public static final String SILVER_RESIDENT = "silver.resident";
    public static final String SILVER_HOUSEHOLD = "silver.household";
    public static final String SILVER_ESTABLISHMENT = "silver.establishment";
    public static final String SILVER_COMPANY = "silver.company";
    public static final String SILVER_OFFICER = "silver.officer";
    public static final String SILVER_TRANSFER = "silver.transfer";
    public static final String SILVER_ENFORCEMENT_CASE = "silver.enforcement_case";
    public static final String SILVER_PROVISION = "silver.provision";

    public static final String AUDIT_DELIVERY = "audit.delivery";
    public static final String AUDIT_RUN = "audit.run";
    public static final String AUDIT_COMPUTED = "audit.computed";
    public static final String QUARANTINE_ROW = "quarantine.row";

    /** The sources of contract section 2, in the order deliveries of one ingest are taken. */
    public static final List<String> SOURCES = List.of("brp_residence", "bag_address", "hr_establishment",
            "hr_officer", "woz_value", "brk_transfer", "enforcement_case", "care_provision");

    /** {@code bronze.<source>}: a source's current state, pseudonymised. */
    public static String bronze(String source) {
        return "bronze." + source;
    }

    /** The source a {@code bronze.<source>} table holds. */
    public static String sourceOf(String bronzeTable) {
        if (!bronzeTable.startsWith("bronze.")) {
            throw new IllegalArgumentException("not a bronze table: " + bronzeTable);
        }
        return bronzeTable.substring("bronze.".length());
    }

    /**
     * Lineage: the bronze tables each silver table is built from (what a new delivery recomputes;
     * a test checks it against the plans' input files).
     */
    public static final Map<String, List<String>> SILVER_INPUTS = silverInputs();

    private static Map<String, List<String>> silverInputs() {
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        inputs.put(SILVER_ADDRESS, List.of("bag_address"));
        inputs.put(SILVER_RESIDENCE, List.of("brp_residence", "bag_address"));
        inputs.put(SILVER_RESIDENT, List.of("brp_residence", "bag_address"));
        inputs.put(SILVER_HOUSEHOLD, List.of("brp_residence", "bag_address"));
        inputs.put(SILVER_ESTABLISHMENT, List.of("hr_establishment", "bag_address"));
        inputs.put(SILVER_COMPANY, List.of("hr_establishment", "bag_address"));
        inputs.put(SILVER_OFFICER, List.of("hr_officer"));
        inputs.put(SILVER_TRANSFER, List.of("brk_transfer", "bag_address"));
        inputs.put(SILVER_ENFORCEMENT_CASE, List.of("enforcement_case", "bag_address"));
        inputs.put(SILVER_PROVISION, List.of("care_provision"));
        inputs.replaceAll((table, sources) -> sources.stream().map(Tables::bronze).toList());
        return java.util.Collections.unmodifiableMap(inputs);
    }

    public static boolean isSilver(String table) {
        return table.startsWith("silver.");
    }
}
