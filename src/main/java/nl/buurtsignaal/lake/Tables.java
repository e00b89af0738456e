package nl.buurtsignaal.lake;

import java.util.List;

/**
 * Every table name of the lake (contract sections 4, 6, 7 and 8): the code names a table only
 * through these, so that a reader finds every table here and a rename is one edit.
 */
public final class Tables {
    private Tables() {
    }

    public static final String SIGNAL = "gold.signal";
    public static final String BUURT_INDICATOR = "gold.buurt_indicator";
    public static final String BUURT_SCORE = "gold.buurt_score";
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

    public static boolean isSilver(String table) {
        return table.startsWith("silver.");
    }
}
