package nl.buurtsignaal.lake;

import nl.buurtsignaal.base.UsageException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import scala.Product;
import scala.jdk.javaapi.CollectionConverters;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A SQL statement as Spark parses it, before anything is resolved or read: the tables it names,
 * the functions it calls, and whether it is a query at all. The {@code sql} command registers only
 * the tables a query names (registering a Delta table reads its log), and {@code serve} decides on
 * these what a role may run.
 */
public final class Query {
    private final String text;
    private final Set<String> tables = new TreeSet<>();
    private final Set<String> functions = new TreeSet<>();
    private final Set<String> tableFunctions = new TreeSet<>();
    private final Set<String> commonTables = new TreeSet<>();
    private String statement;

    private Query(String text) {
        this.text = text;
    }

    /** Parses {@code text} with the session's parser (Delta's statements included). */
    public static Query parse(SparkSession spark, String text) {
        Query query = new Query(text);
        LogicalPlan plan;
        try {
            plan = spark.sessionState().sqlParser().parsePlan(text);
        } catch (Exception e) { // Spark's ParseException, checked in Scala's eyes
            throw new UsageException("query error: " + firstLine(e.getMessage()));
        }
        query.walk(plan);
        query.tables.removeAll(query.commonTables);
        return query;
    }

    public String text() {
        return text;
    }

    /** The tables and views the statement names, lower case, as written ({@code gold.signal}), common table expressions left out. */
    public Set<String> tables() {
        return tables;
    }

    /** The functions the statement calls, lower case. */
    public Set<String> functions() {
        return functions;
    }

    /** The table-valued functions it calls ({@code range}, {@code explode} in FROM, ...), lower case. */
    public Set<String> tableFunctions() {
        return tableFunctions;
    }

    /** Whether it only reads: a query, not a command (DDL, DML, SET, VACUUM, ...) and no INSERT inside. */
    public boolean readOnly() {
        return statement == null;
    }

    /** What makes it more than a query ({@code InsertIntoStatement}, {@code DeleteFromTable}, ...); null for a query. */
    public String statement() {
        return statement;
    }

    private void walk(LogicalPlan plan) {
        if (statement == null && (plan instanceof Command || plan instanceof InsertIntoStatement)) {
            statement = plan.nodeName();
        }
        if (plan instanceof UnresolvedRelation relation) {
            tables.add(String.join(".", CollectionConverters.asJava(relation.multipartIdentifier())).toLowerCase(Locale.ROOT));
        }
        if (plan instanceof UnresolvedTableValuedFunction f) {
            tableFunctions.add(String.join(".", CollectionConverters.asJava(f.name())).toLowerCase(Locale.ROOT));
        }
        if (plan instanceof UnresolvedWith with) {
            for (Product cte : CollectionConverters.asJava(with.cteRelations())) {
                commonTables.add(((String) cte.productElement(0)).toLowerCase(Locale.ROOT));
            }
        }
        for (Expression e : CollectionConverters.asJava(plan.expressions())) {
            walk(e);
        }
        for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
            walk(child);
        }
        for (Object inner : CollectionConverters.asJava(plan.innerChildren())) {
            if (inner instanceof LogicalPlan p) {
                walk(p);
            }
        }
    }

    private void walk(Expression e) {
        if (e instanceof UnresolvedFunction f) {
            functions.add(String.join(".", CollectionConverters.asJava(f.nameParts())).toLowerCase(Locale.ROOT));
        }
        if (e instanceof SubqueryExpression s) {
            walk(s.plan());
        }
        for (Expression child : CollectionConverters.asJava(e.children())) {
            walk(child);
        }
    }

    /**
     * The first line of an error message (Spark adds the query and its context below it), at most
     * 300 characters, a BSN-shaped number in it masked (Spark quotes the token it stopped at).
     */
    public static String firstLine(String message) {
        if (message == null) {
            return "SQL error";
        }
        // the first line that says something: Spark's parse errors begin with an empty one
        String line = nl.buurtsignaal.base.BsnMask.masked(message.lines().filter(l -> !l.isBlank()).findFirst().orElse("SQL error").strip());
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
