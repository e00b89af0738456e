package nl.buurtsignaal.lake;

import nl.buurtsignaal.base.UsageException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.ExpressionWithUnresolvedIdentifier;
import org.apache.spark.sql.catalyst.analysis.PlanWithUnresolvedIdentifier;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.RelationTimeTravel;
import org.apache.spark.sql.catalyst.analysis.UnresolvedHaving;
import org.apache.spark.sql.catalyst.analysis.UnresolvedInlineTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedSubqueryColumnAliases;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.expressions.ArrayRepeat;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Concat;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.FormatString;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.FromAvro;
import org.apache.spark.sql.catalyst.expressions.FromProtobuf;
import org.apache.spark.sql.catalyst.expressions.Generator;
import org.apache.spark.sql.catalyst.expressions.InputFileBlockLength;
import org.apache.spark.sql.catalyst.expressions.InputFileBlockStart;
import org.apache.spark.sql.catalyst.expressions.InputFileName;
import org.apache.spark.sql.catalyst.expressions.PipeOperator;
import org.apache.spark.sql.catalyst.expressions.RuntimeReplaceable;
import org.apache.spark.sql.catalyst.expressions.SchemaOfXml;
import org.apache.spark.sql.catalyst.expressions.Sequence;
import org.apache.spark.sql.catalyst.expressions.StringRepeat;
import org.apache.spark.sql.catalyst.expressions.StringSpace;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.expressions.ToAvro;
import org.apache.spark.sql.catalyst.expressions.ToProtobuf;
import org.apache.spark.sql.catalyst.expressions.TryReflect;
import org.apache.spark.sql.catalyst.expressions.UserDefinedExpression;
import org.apache.spark.sql.catalyst.expressions.XmlToStructs;
import org.apache.spark.sql.catalyst.expressions.xml.XPathExtract;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationDef;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationRef;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.Deduplicate;
import org.apache.spark.sql.catalyst.plans.logical.Distinct;
import org.apache.spark.sql.catalyst.plans.logical.Except;
import org.apache.spark.sql.catalyst.plans.logical.Expand;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.Intersect;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Offset;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Pivot;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Sample;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.catalyst.plans.logical.Unpivot;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.plans.logical.WithCTE;
import org.apache.spark.sql.catalyst.plans.logical.WithWindowDefinition;
import org.apache.spark.sql.execution.CommandExecutionMode;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import scala.jdk.javaapi.CollectionConverters;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The gate every SQL statement from a person passes ({@code sql} and {@code serve}): it decides on
 * what Spark would run, not on what was typed.
 *
 * <ol>
 *   <li>The statement is parsed, and the parsed plan may hold only the nodes of a read (projection,
 *   filter, join, aggregate, sort, limit, set operations, common table expressions, inline values,
 *   named relations). Everything else is refused before Spark analyses it, because analysing some
 *   statements runs them ({@code RESTORE}, {@code EXECUTE IMMEDIATE}).</li>
 *   <li>The plan is analysed, without running it, and the analysed plan is checked again: the same
 *   allow-list of nodes; every relation a catalogue table of the lake (by its catalogue identity and
 *   location, never by a name as typed) that the {@link Grant} lets the reader read, or a view the
 *   engine defines that it may read; no file read by its path; no function that reaches the JVM,
 *   files or the network, or that can fill the server's memory from one row, refused by the class of
 *   the resolved expression whatever it was called.</li>
 * </ol>
 * What passes is a {@link Dataset} over the analysed plan itself: what was checked is what runs.
 */
public final class Query {
    /**
     * What a reader may read: the tables and engine views ({@code schema.table}, lower case) it may
     * name, and whether it may read a table's history (time travel).
     */
    public record Grant(String who, Predicate<String> tables, Set<String> views, boolean history) {
    }

    /** A statement the gate refuses; its message is the one-line reason. */
    public static final class Refused extends UsageException {
        public Refused(String reason) {
            super(reason);
        }
    }

    /** The nodes a read may hold as parsed. */
    private static final Set<Class<?>> PARSED = Set.of(Project.class, Filter.class, Join.class, Aggregate.class, Sort.class,
            GlobalLimit.class, LocalLimit.class, Offset.class, Union.class, Intersect.class, Except.class, Distinct.class,
            SubqueryAlias.class, OneRowRelation.class, LocalRelation.class, UnresolvedWith.class, WithWindowDefinition.class,
            Sample.class, Pivot.class, Unpivot.class, PipeOperator.class, UnresolvedRelation.class, UnresolvedInlineTable.class,
            UnresolvedSubqueryColumnAliases.class, UnresolvedHaving.class, PlanWithUnresolvedIdentifier.class);

    /** The nodes a read may hold once analysed. */
    private static final Set<Class<?>> ANALYSED = Set.of(Project.class, Filter.class, Join.class, Aggregate.class, Window.class,
            Sort.class, GlobalLimit.class, LocalLimit.class, Offset.class, Union.class, Intersect.class, Except.class,
            Distinct.class, Deduplicate.class, SubqueryAlias.class, OneRowRelation.class, LocalRelation.class, WithCTE.class,
            CTERelationDef.class, CTERelationRef.class, Sample.class, Expand.class, PipeOperator.class, View.class,
            LogicalRelation.class);

    /** Expressions no reader may run, with why: matched by class, so every spelling of a function meets them. */
    private record Refusal(Class<?> kind, String why) {
    }

    private static final List<Refusal> REFUSED_EXPRESSIONS = List.of(
            new Refusal(CallMethodViaReflection.class, "calls a Java method in the server"),
            new Refusal(TryReflect.class, "calls a Java method in the server"),
            new Refusal(UserDefinedExpression.class, "runs user-defined code"),
            new Refusal(InputFileName.class, "names the lake's files"),
            new Refusal(InputFileBlockStart.class, "names the lake's files"),
            new Refusal(InputFileBlockLength.class, "names the lake's files"),
            new Refusal(XPathExtract.class, "parses XML"),
            new Refusal(XmlToStructs.class, "parses XML"),
            new Refusal(SchemaOfXml.class, "parses XML"),
            new Refusal(FromProtobuf.class, "reads a descriptor file"),
            new Refusal(ToProtobuf.class, "reads a descriptor file"),
            new Refusal(FromAvro.class, "decodes with a user-given schema"),
            new Refusal(ToAvro.class, "decodes with a user-given schema"),
            new Refusal(Generator.class, "makes many rows of one (explode, inline, stack, ...)"),
            new Refusal(Sequence.class, "can make a value larger than the server's memory"),
            new Refusal(ArrayRepeat.class, "can make a value larger than the server's memory"),
            new Refusal(StringRepeat.class, "can make a value larger than the server's memory"),
            new Refusal(StringSpace.class, "can make a value larger than the server's memory"),
            new Refusal(FormatString.class, "can make a value larger than the server's memory"));

    private final String text;
    private final Dataset<Row> rows;
    private final Set<String> tables;

    private Query(String text, Dataset<Row> rows, Set<String> tables) {
        this.text = text;
        this.rows = rows;
        this.tables = tables;
    }

    public String text() {
        return text;
    }

    /** The rows, over the analysed plan the gate checked (nothing has been read yet). */
    public Dataset<Row> rows() {
        return rows;
    }

    /** The lake tables and engine views the statement reads, by catalogue identity ({@code gold.signal}), sorted. */
    public Set<String> tables() {
        return tables;
    }

    /**
     * A Spark session of its own for a reader's statements: the base session's SQL settings, and no
     * SQL on files ({@code text.`/path`}), whatever a statement says; nothing set in it reaches the
     * base session, which the engine's own writes use (Delta creates tables by path there).
     */
    public static SparkSession readerSession(SparkSession base) {
        SparkSession own = base.newSession();
        base.sessionState().conf().getAllConfs().foreach(entry -> {
            try {
                own.sessionState().conf().setConfString(entry._1(), entry._2());
            } catch (RuntimeException e) {
                // a static setting, the same in every session of the application
            }
            return null;
        });
        own.conf().set("spark.sql.runSQLOnFiles", "false");
        return own;
    }

    /**
     * The names a statement's relations are written with, lower case, for registering them before
     * the gate analyses it (registering a Delta table reads its log). Authorises nothing.
     */
    public static Set<String> named(SparkSession spark, String text) {
        Set<String> names = new TreeSet<>();
        collectNames(parse(spark, text), names);
        return names;
    }

    /** Checks a statement as {@code grant} may run it in {@code session}; throws {@link Refused} with the reason. */
    public static Query check(SparkSession session, Lake lake, String text, Grant grant) {
        LogicalPlan parsed = parse(session, text);
        checkParsed(parsed, grant);
        LogicalPlan analysed;
        try {
            analysed = session.sessionState().executePlan(parsed, CommandExecutionMode.SKIP()).analyzed();
        } catch (Exception e) { // Spark's AnalysisException is checked in Scala's eyes
            throw new UsageException("query error: " + firstLine(e.getMessage()));
        }
        Set<String> read = new TreeSet<>();
        new Analysed(lake, grant, read).check(analysed, false);
        Dataset<Row> rows = org.apache.spark.sql.classic.Dataset.ofRows((org.apache.spark.sql.classic.SparkSession) session, analysed);
        return new Query(text, rows, read);
    }

    private static LogicalPlan parse(SparkSession spark, String text) {
        try {
            return spark.sessionState().sqlParser().parsePlan(text);
        } catch (Exception e) { // Spark's ParseException, checked in Scala's eyes
            throw new UsageException("query error: " + firstLine(e.getMessage()));
        }
    }

    // ---- the parsed plan

    /**
     * Functions that make a value of any size from one row: refused by name as parsed as well as by
     * class once analysed, because Spark evaluates constant expressions while it analyses a
     * statement (a LIMIT, an inline table, an IDENTIFIER), before the analysed plan can be checked.
     */
    private static final Set<String> UNBOUNDED = Set.of("repeat", "space", "sequence", "array_repeat", "lpad", "rpad",
            "format_string", "printf", "randstr");

    private static void checkParsed(LogicalPlan plan, Grant grant) {
        checkParsed(plan, grant, null);
    }

    private static void checkParsed(LogicalPlan plan, Grant grant, LogicalPlan parent) {
        if (plan instanceof PlanWithUnresolvedIdentifier id) {
            // IDENTIFIER('schema.table') as a relation in a query, never a statement's target
            if (parent == null || parent instanceof UnresolvedWith || !id.children().isEmpty()) {
                throw new Refused("IDENTIFIER names a table read by a query, nothing else");
            }
            if (literalText(id.identifierExpr()) == null) {
                throw new Refused("IDENTIFIER takes a text ('schema.table'), not a computation");
            }
        }
        if (plan instanceof RelationTimeTravel) {
            if (!grant.history()) {
                throw new Refused("the role " + grant.who() + " may not read a table's history (VERSION or TIMESTAMP AS OF)");
            }
        } else if (!PARSED.contains(plan.getClass())) {
            throw new Refused(notARead(plan));
        }
        if (plan instanceof UnresolvedRelation r && (!r.options().isEmpty() || r.isStreaming())) {
            throw new Refused("a table is read here without options");
        }
        if (plan instanceof UnresolvedWith with && with.allowRecursion()) {
            throw new Refused("recursive common table expressions are not available here");
        }
        for (Expression e : CollectionConverters.asJava(plan.expressions())) {
            checkParsed(e, grant);
        }
        children(plan).forEach(child -> checkParsed(child, grant, plan));
    }

    private static void checkParsed(Expression e, Grant grant) {
        String function = null;
        if (e instanceof UnresolvedFunction f) {
            function = f.nameParts().last();
            if (isShortPad(function, f)) {
                function = null;
            }
        } else if (e instanceof ExpressionWithUnresolvedIdentifier id) {
            function = literalText(id.identifierExpr());
            if (function == null) {
                throw new Refused("IDENTIFIER takes a text (a function's name), not a computation");
            }
            function = function.substring(function.lastIndexOf('.') + 1).replace("`", "").strip();
        }
        if (function != null && UNBOUNDED.contains(function.toLowerCase(Locale.ROOT))) {
            throw new Refused("the function " + function.toLowerCase(Locale.ROOT)
                    + " can make a value larger than the server's memory: not available here");
        }
        if (e instanceof SubqueryExpression s) {
            checkParsed(s.plan(), grant);
        }
        for (Expression child : CollectionConverters.asJava(e.children())) {
            checkParsed(child, grant);
        }
    }

    /** A pad to a length written as a number of at most 10,000 ({@code lpad(code, 4, '0')}): bounded, so allowed. */
    private static boolean isShortPad(String function, UnresolvedFunction f) {
        String name = function.toLowerCase(Locale.ROOT);
        if (!name.equals("lpad") && !name.equals("rpad") || f.arguments().size() < 2) {
            return false;
        }
        Expression length = f.arguments().apply(1);
        return length instanceof Literal l && l.value() instanceof Integer n && n >= 0 && n <= 10_000;
    }

    /** The text of an expression made of text literals and {@code ||} only; null for anything computed. */
    private static String literalText(Expression e) {
        if (e instanceof Literal l) {
            return l.value() == null ? null : l.value().toString();
        }
        if (e instanceof Concat c) {
            StringBuilder text = new StringBuilder();
            for (Expression child : CollectionConverters.asJava(c.children())) {
                String part = literalText(child);
                if (part == null) {
                    return null;
                }
                text.append(part);
            }
            return text.toString();
        }
        return null;
    }

    private static String notARead(LogicalPlan plan) {
        String name = plan.getClass().getSimpleName();
        if (plan instanceof Command || name.contains("Command") || name.contains("Statement") || name.startsWith("Insert")) {
            return "only queries run here; this statement would change the lake or the session (" + name + ")";
        }
        return switch (name) {
            case "UnresolvedTableValuedFunction" -> "table-valued functions are not available here";
            case "UnresolvedHint" -> "hints are not available here";
            case "Generate" -> "generators (LATERAL VIEW, explode, ...) are not available here";
            case "UnresolvedExecuteImmediate" -> "only queries run here; EXECUTE IMMEDIATE is not available";
            default -> "only queries run here; " + name + " is not part of one";
        };
    }

    private static void collectNames(LogicalPlan plan, Set<String> names) {
        if (plan instanceof UnresolvedRelation r) {
            names.add(String.join(".", CollectionConverters.asJava(r.multipartIdentifier())).toLowerCase(Locale.ROOT));
        }
        for (Expression e : CollectionConverters.asJava(plan.expressions())) {
            collectNames(e, names);
        }
        children(plan).forEach(child -> collectNames(child, names));
    }

    private static void collectNames(Expression e, Set<String> names) {
        if (e instanceof SubqueryExpression s) {
            collectNames(s.plan(), names);
        }
        for (Expression child : CollectionConverters.asJava(e.children())) {
            collectNames(child, names);
        }
    }

    /** A node's children and its inner plans (a common table expression's definitions). */
    private static List<LogicalPlan> children(LogicalPlan plan) {
        List<LogicalPlan> all = new java.util.ArrayList<>(CollectionConverters.asJava(plan.children()));
        for (Object inner : CollectionConverters.asJava(plan.innerChildren())) {
            if (inner instanceof LogicalPlan p) {
                all.add(p);
            }
        }
        return all;
    }

    // ---- the analysed plan

    private record Analysed(Lake lake, Grant grant, Set<String> read) {
        /** {@code viaView}: under an engine view the reader may read, whose own tables are the view's business. */
        void check(LogicalPlan plan, boolean viaView) {
            if (!ANALYSED.contains(plan.getClass())) {
                throw new Refused(notARead(plan));
            }
            boolean under = viaView;
            if (plan instanceof View view) {
                String name = identity(view.desc());
                if (view.isTempView() || !grant.views().contains(name)) {
                    throw new Refused("the role " + grant.who() + " may not read " + name);
                }
                read.add(name);
                under = true;
            }
            if (plan instanceof LogicalRelation relation) {
                checkRelation(relation, viaView);
            }
            for (Expression e : CollectionConverters.asJava(plan.expressions())) {
                check(e, under);
            }
            for (LogicalPlan child : children(plan)) {
                check(child, under);
            }
        }

        private void checkRelation(LogicalRelation relation, boolean viaView) {
            if (relation.catalogTable().isEmpty() || relation.isStreaming()) {
                throw new Refused("files are not read by their path here; only the lake's tables");
            }
            CatalogTable table = relation.catalogTable().get();
            String name = identity(table);
            if (!isLakeTable(name, table)) {
                throw new Refused(name + " is not a table of this lake");
            }
            if (!viaView && !grant.tables().test(name)) {
                throw new Refused("the role " + grant.who() + " may not read " + name);
            }
            read.add(name);
        }

        private boolean isLakeTable(String name, CatalogTable table) {
            String[] parts = name.split("\\.");
            if (parts.length != 2 || !Lake.SCHEMAS.contains(parts[0])) {
                return false;
            }
            String expected = new org.apache.hadoop.fs.Path(lake.location(name)).toUri().getPath();
            String actual = new org.apache.hadoop.fs.Path(table.location()).toUri().getPath();
            return expected.replaceAll("/+$", "").equals(actual.replaceAll("/+$", ""));
        }

        void check(Expression e, boolean viaView) {
            for (Refusal refused : REFUSED_EXPRESSIONS) {
                if (refused.kind().isInstance(e)) {
                    throw new Refused("the function " + e.prettyName() + " " + refused.why() + ": not available here");
                }
            }
            if (e instanceof SubqueryExpression s) {
                check(s.plan(), viaView);
            }
            if (e instanceof RuntimeReplaceable r) {
                check(r.replacement(), viaView);
            }
            for (Expression child : CollectionConverters.asJava(e.children())) {
                check(child, viaView);
            }
        }
    }

    private static String identity(CatalogTable table) {
        String db = table.identifier().database().isDefined() ? table.identifier().database().get() : "";
        return (db + "." + table.identifier().table()).toLowerCase(Locale.ROOT);
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
