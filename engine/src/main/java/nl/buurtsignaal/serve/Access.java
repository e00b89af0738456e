package nl.buurtsignaal.serve;

import nl.buurtsignaal.hub.Role;
import nl.buurtsignaal.lake.Query;
import nl.buurtsignaal.lake.Tables;

import java.util.List;
import java.util.Set;

/**
 * What each role may read through the SQL endpoint; {@link Query} enforces it on the analysed plan.
 * Every statement is a read. Every role reads the neighbourhood aggregates as published
 * ({@code published.*}: the indicators under disclosure control, the scores without the
 * contributions of suppressed indicators, the neighbourhoods); {@code bi} reads nothing else.
 * {@code analyst} reads the lake's tables but the per-person care rows (contract section 4: care
 * data leaves only as aggregates) and the access log; {@code care_analyst}, a role of its own and
 * off by default, reads the care rows too. The auditor and the data scientist, where an
 * installation admits them, read what the hub shows them. Nobody reads a table's history but the
 * analysts.
 */
public final class Access {
    public static final String PUBLISHED = "published";
    public static final String PUBLISHED_INDICATOR = PUBLISHED + ".buurt_indicator";
    public static final String PUBLISHED_SCORE = PUBLISHED + ".buurt_score";
    public static final String PUBLISHED_BUURT = PUBLISHED + ".buurt";
    public static final List<String> PUBLISHED_TABLES = List.of(PUBLISHED_INDICATOR, PUBLISHED_SCORE, PUBLISHED_BUURT);

    /** Tables with a row per person of care data, or rows of any delivery as delivered (care deliveries among them). */
    public static final Set<String> CARE_ROWS = Set.of(Tables.bronze("care_provision"), Tables.SILVER_PROVISION, Tables.QUARANTINE_ROW);

    /**
     * The hub's casework that is not for analysis: the access audit, and the meldingen (free text
     * from the street, partners and citizens about addresses and companies). The auditor reads them.
     */
    public static final Set<String> CASEWORK = Set.of(Tables.AUDIT_ACCESS, Tables.HUB_MELDING);

    private Access() {
    }

    /** What a role may read through the endpoint. */
    public static Query.Grant grant(Role role) {
        Set<String> views = role == Role.ANALYST || role == Role.CARE_ANALYST
                ? Set.of(PUBLISHED_INDICATOR, PUBLISHED_SCORE, PUBLISHED_BUURT, Tables.BUURT_INDICATOR_TREND)
                : Set.copyOf(PUBLISHED_TABLES);
        boolean history = role == Role.ANALYST || role == Role.CARE_ANALYST;
        return new Query.Grant(role.id(), table -> mayRead(role, table), views, history);
    }

    /** Whether the role may read a lake table (by its catalogue identity) or a published view. */
    public static boolean mayRead(Role role, String table) {
        if (PUBLISHED_TABLES.contains(table)) {
            return true;
        }
        return switch (role) {
            case ANALYST -> !CARE_ROWS.contains(table) && !CASEWORK.contains(table);
            case CARE_ANALYST -> !CASEWORK.contains(table);
            case AUDITOR -> CASEWORK.contains(table) || table.equals(Tables.HUB_REVIEW) || table.equals(Tables.HUB_REVIEW_NOTE);
            case DATA_SCIENTIST -> table.equals(Tables.ML_MODEL) || table.equals(Tables.ML_FAIRNESS);
            default -> false;
        };
    }

    /** A query as the access log keeps it: numbers of eight or nine digits (a BSN, one without its leading zero) masked, at most 2,000 characters. */
    public static String logged(String sql) {
        String masked = nl.buurtsignaal.base.BsnMask.maskedInQuery(sql.strip());
        return masked.length() > 2000 ? masked.substring(0, 2000) + "…" : masked;
    }
}
