package nl.buurtsignaal.serve;

import nl.buurtsignaal.hub.Role;
import nl.buurtsignaal.lake.Query;
import nl.buurtsignaal.lake.Tables;

import java.util.List;
import java.util.Set;

/**
 * What each role may run through the SQL endpoint. Every statement is read only. An analyst reads
 * every lake table, as with the {@code sql} command; every other role reads the neighbourhood
 * aggregates as published ({@code published.*}: the indicators under disclosure control, the
 * scores, the neighbourhoods), and the auditor and the data scientist also what the hub shows them
 * (the access and review logs; the model registry and its fairness audit). Nobody may call a
 * function that reaches into the JVM or a table-valued function, or name a file as a table.
 */
public final class Access {
    /** The published aggregates, for every role: the only tables {@code bi} sees. */
    public static final String PUBLISHED = "published";
    public static final String PUBLISHED_INDICATOR = PUBLISHED + ".buurt_indicator";
    public static final String PUBLISHED_SCORE = PUBLISHED + ".buurt_score";
    public static final String PUBLISHED_BUURT = PUBLISHED + ".buurt";
    public static final List<String> PUBLISHED_TABLES = List.of(PUBLISHED_INDICATOR, PUBLISHED_SCORE, PUBLISHED_BUURT);

    /** Functions that call into the JVM (System.exit, reading properties) are no query's business. */
    private static final Set<String> REFUSED_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect");

    private Access() {
    }

    /** Why the role may not run the query; null when it may. {@code lakeTables} are the lake's own. */
    public static String refusal(Role role, Query query, Set<String> lakeTables) {
        if (!query.readOnly()) {
            return "the SQL endpoint only reads; this statement would change the lake (" + query.statement() + ")";
        }
        for (String f : query.functions()) {
            if (REFUSED_FUNCTIONS.contains(f)) {
                return "the function " + f + " is not available here";
            }
        }
        if (!query.tableFunctions().isEmpty()) {
            return "table-valued functions are not available here (" + String.join(", ", query.tableFunctions()) + ")";
        }
        for (String table : query.tables()) {
            if (!mayRead(role, table, lakeTables)) {
                return "the role " + role.id() + " may not read " + table;
            }
        }
        return null;
    }

    /** Whether the role may read a table or view by this name. */
    public static boolean mayRead(Role role, String table, Set<String> lakeTables) {
        if (PUBLISHED_TABLES.contains(table)) {
            return true;
        }
        return switch (role) {
            case ANALYST -> lakeTables.contains(table) || table.equals(Tables.BUURT_INDICATOR_TREND);
            case AUDITOR -> table.equals(Tables.AUDIT_ACCESS) || table.equals(Tables.HUB_REVIEW);
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
