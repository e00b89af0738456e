package nl.buurtsignaal.serve;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.hub.AccessLog;
import nl.buurtsignaal.hub.Role;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Query;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.NoOpFlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.SparkContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Flight SQL service: statements and prepared statements (what the JDBC driver uses), the
 * catalog's schemas and tables as each role may see them, and the server's description.
 *
 * <p>Each login (a JDBC connection logs in once) has a Spark session of its own, so that no user's
 * settings, temporary views or functions reach another's. Every statement passes {@link Query}'s
 * gate for the caller's role before anything is read. Every statement planned, run or refused is
 * written to audit.access with who ran it, before the first row leaves; a statement that cannot be
 * recorded is not answered. A run's end (rows, outcome) is recorded in a {@code finally}.
 */
final class SqlEndpoint extends NoOpFlightSqlProducer {
    private static final String CATALOG = "buurtsignaal";

    /** One login: its user, role, and Spark session. */
    record Connection(String user, Role role, SparkSession session) {
    }

    private final Lake lake;
    private final AccessLog access;
    private final Function<String, Connection> connectionOf;
    private final BufferAllocator allocator;
    private final java.util.function.Consumer<java.util.Collection<String>> publishedViews;
    private final long timeoutSeconds;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "serve-query-timeout");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong queries = new AtomicLong();
    private final SqlInfoBuilder sqlInfo = new SqlInfoBuilder()
            .withFlightSqlServerName("buurtsignaal")
            .withFlightSqlServerVersion(String.valueOf(SqlEndpoint.class.getPackage().getImplementationVersion()))
            .withFlightSqlServerArrowVersion(String.valueOf(Schema.class.getPackage().getImplementationVersion()))
            .withFlightSqlServerReadOnly(true)
            .withFlightSqlServerSql(true)
            .withFlightSqlServerSubstrait(false)
            .withFlightSqlServerTransaction(FlightSql.SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE)
            .withFlightSqlServerCancel(false)
            .withSqlIdentifierQuoteChar("`");

    /**
     * A statement by handle: which login prepared it (a handle is no one else's), its SQL, and its
     * checked plan while that is fresh. A query is planned when it is submitted (the client asks for
     * its schema) and run from that plan; a plan older than {@link #FRESH_NANOS} is made again, so
     * that a prepared statement run again reads the tables' latest versions.
     */
    private record Prepared(String login, String sql, Analysed analysed) {
    }

    private static final long FRESH_NANOS = 2_000_000_000L;

    private final Map<ByteString, Prepared> prepared = new ConcurrentHashMap<>();
    private final Map<ByteString, Prepared> statements = new ConcurrentHashMap<>();

    SqlEndpoint(Lake lake, AccessLog access, Function<String, Connection> connectionOf, BufferAllocator allocator,
                java.util.function.Consumer<java.util.Collection<String>> publishedViews, long timeoutSeconds) {
        this.lake = lake;
        this.access = access;
        this.connectionOf = connectionOf;
        this.allocator = allocator;
        this.publishedViews = publishedViews;
        this.timeoutSeconds = timeoutSeconds;
    }

    // ---- statements

    @Override
    public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        Analysed analysed = analyse(context, command.getQuery(), "sql_plan");
        ByteString handle = ByteString.copyFromUtf8(UUID.randomUUID().toString());
        // a statement whose results were never fetched is forgotten after a minute
        statements.values().removeIf(p -> p.analysed().age() > 60 * 1_000_000_000L);
        statements.put(handle, new Prepared(context.peerIdentity(), command.getQuery(), analysed));
        return info(analysed.schema(), descriptor, FlightSql.TicketStatementQuery.newBuilder().setStatementHandle(handle).build());
    }

    @Override
    public SchemaResult getSchemaStatement(FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        return new SchemaResult(analyse(context, command.getQuery(), "sql_schema").schema);
    }

    @Override
    public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
        Prepared p = statements.remove(ticket.getStatementHandle());
        if (p == null || !p.login().equals(context.peerIdentity())) {
            listener.error(CallStatus.NOT_FOUND.withDescription("no such statement").toRuntimeException());
            return;
        }
        run(context, p, listener);
    }

    @Override
    public void createPreparedStatement(FlightSql.ActionCreatePreparedStatementRequest request, CallContext context,
                                        StreamListener<Result> listener) {
        try {
            Analysed analysed = analyse(context, request.getQuery(), "sql_prepare");
            Schema schema = analysed.schema();
            ByteString handle = ByteString.copyFromUtf8(UUID.randomUUID().toString());
            prepared.put(handle, new Prepared(context.peerIdentity(), request.getQuery(), analysed));
            FlightSql.ActionCreatePreparedStatementResult result = FlightSql.ActionCreatePreparedStatementResult.newBuilder()
                    .setPreparedStatementHandle(handle).setDatasetSchema(serialised(schema)).build();
            listener.onNext(new Result(Any.pack(result).toByteArray()));
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(e);
        }
    }

    @Override
    public void closePreparedStatement(FlightSql.ActionClosePreparedStatementRequest request, CallContext context,
                                       StreamListener<Result> listener) {
        Prepared p = prepared.get(request.getPreparedStatementHandle());
        if (p != null && p.login().equals(context.peerIdentity())) {
            prepared.remove(request.getPreparedStatementHandle());
        }
        listener.onCompleted();
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
                                                     FlightDescriptor descriptor) {
        Prepared p = preparedBy(context, command.getPreparedStatementHandle());
        if (p.analysed() == null || p.analysed().age() > FRESH_NANOS) {
            // executed again: planned again, on the tables' latest versions
            p = new Prepared(p.login(), p.sql(), analyse(context, p.sql(), "sql_plan"));
            prepared.put(command.getPreparedStatementHandle(), p);
        }
        return info(p.analysed().schema(), descriptor, command);
    }

    @Override
    public void getStreamPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
                                           ServerStreamListener listener) {
        Prepared p;
        try {
            p = preparedBy(context, command.getPreparedStatementHandle());
        } catch (RuntimeException e) {
            listener.error(e);
            return;
        }
        // a plan is run once; the next execution plans anew
        prepared.put(command.getPreparedStatementHandle(), new Prepared(p.login(), p.sql(), null));
        run(context, p, listener);
    }

    private Prepared preparedBy(CallContext context, ByteString handle) {
        Prepared p = prepared.get(handle);
        if (p == null || !p.login().equals(context.peerIdentity())) {
            throw CallStatus.NOT_FOUND.withDescription("no such prepared statement").toRuntimeException();
        }
        return p;
    }

    // ---- writes of any kind

    @Override
    public Runnable acceptPutStatement(FlightSql.CommandStatementUpdate command, CallContext context,
                                       org.apache.arrow.flight.FlightStream flightStream,
                                       StreamListener<org.apache.arrow.flight.PutResult> ackStream) {
        throw refuse(context, command.getQuery(), "the SQL endpoint only reads the lake");
    }

    @Override
    public Runnable acceptPutPreparedStatementUpdate(FlightSql.CommandPreparedStatementUpdate command, CallContext context,
                                                     org.apache.arrow.flight.FlightStream flightStream,
                                                     StreamListener<org.apache.arrow.flight.PutResult> ackStream) {
        throw refuse(context, preparedBy(context, command.getPreparedStatementHandle()).sql(), "the SQL endpoint only reads the lake");
    }

    // ---- the catalog, as the role sees it

    @Override
    public FlightInfo getFlightInfoSqlInfo(FlightSql.CommandGetSqlInfo request, CallContext context, FlightDescriptor descriptor) {
        return info(FlightSqlProducer.Schemas.GET_SQL_INFO_SCHEMA, descriptor, request);
    }

    @Override
    public void getStreamSqlInfo(FlightSql.CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
        sqlInfo.send(command.getInfoList(), listener);
    }

    @Override
    public FlightInfo getFlightInfoCatalogs(FlightSql.CommandGetCatalogs request, CallContext context, FlightDescriptor descriptor) {
        return info(FlightSqlProducer.Schemas.GET_CATALOGS_SCHEMA, descriptor, request);
    }

    @Override
    public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
        send(FlightSqlProducer.Schemas.GET_CATALOGS_SCHEMA, List.<String[]>of(new String[]{CATALOG}), null, listener);
    }

    @Override
    public FlightInfo getFlightInfoSchemas(FlightSql.CommandGetDbSchemas request, CallContext context, FlightDescriptor descriptor) {
        return info(FlightSqlProducer.Schemas.GET_SCHEMAS_SCHEMA, descriptor, request);
    }

    @Override
    public void getStreamSchemas(FlightSql.CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
        Pattern schemas = like(command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null);
        Set<String> names = new TreeSet<>();
        for (String table : visibleTables(context)) {
            String schema = table.substring(0, table.indexOf('.'));
            if (schemas.matcher(schema).matches()) {
                names.add(schema);
            }
        }
        send(FlightSqlProducer.Schemas.GET_SCHEMAS_SCHEMA, names.stream().map(s -> new String[]{CATALOG, s}).toList(), null, listener);
    }

    @Override
    public FlightInfo getFlightInfoTables(FlightSql.CommandGetTables request, CallContext context, FlightDescriptor descriptor) {
        return info(request.getIncludeSchema() ? FlightSqlProducer.Schemas.GET_TABLES_SCHEMA
                : FlightSqlProducer.Schemas.GET_TABLES_SCHEMA_NO_SCHEMA, descriptor, request);
    }

    @Override
    public void getStreamTables(FlightSql.CommandGetTables command, CallContext context, ServerStreamListener listener) {
        Pattern schemas = like(command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null);
        Pattern tables = like(command.hasTableNameFilterPattern() ? command.getTableNameFilterPattern() : null);
        boolean wantTables = command.getTableTypesCount() == 0 || command.getTableTypesList().contains("TABLE");
        List<String[]> rows = new ArrayList<>();
        List<byte[]> schemas2 = new ArrayList<>();
        for (String table : wantTables ? visibleTables(context) : Set.<String>of()) {
            String[] parts = table.split("\\.", 2);
            if (schemas.matcher(parts[0]).matches() && tables.matcher(parts[1]).matches()) {
                rows.add(new String[]{CATALOG, parts[0], parts[1], "TABLE"});
                if (command.getIncludeSchema()) {
                    lake.registerNamed(List.of(table));
                    publishedViews.accept(List.of(table));
                    schemas2.add(serialised(ArrowRows.schema(ArrowRows.plain(lake.spark().table(table)).schema())).toByteArray());
                }
            }
        }
        send(command.getIncludeSchema() ? FlightSqlProducer.Schemas.GET_TABLES_SCHEMA : FlightSqlProducer.Schemas.GET_TABLES_SCHEMA_NO_SCHEMA,
                rows, command.getIncludeSchema() ? schemas2 : null, listener);
    }

    @Override
    public FlightInfo getFlightInfoTableTypes(FlightSql.CommandGetTableTypes request, CallContext context, FlightDescriptor descriptor) {
        return info(FlightSqlProducer.Schemas.GET_TABLE_TYPES_SCHEMA, descriptor, request);
    }

    @Override
    public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
        send(FlightSqlProducer.Schemas.GET_TABLE_TYPES_SCHEMA, List.<String[]>of(new String[]{"TABLE"}), null, listener);
    }

    /** The tables the caller's role may read, {@code schema.table}, sorted. */
    private Set<String> visibleTables(CallContext context) {
        Role role = connectionOf.apply(context.peerIdentity()).role();
        Set<String> visible = new TreeSet<>(Access.PUBLISHED_TABLES);
        for (String t : lake.tables()) {
            if (Access.mayRead(role, t)) {
                visible.add(t);
            }
        }
        return visible;
    }

    // ---- running a query

    private record Analysed(Query query, Dataset<Row> rows, Schema schema, long at) {
        long age() {
            return System.nanoTime() - at;
        }
    }

    /**
     * Passes the statement through the gate for the caller's role and lets Spark analyse it (nothing
     * is read yet), recording it as {@code action} before the schema is answered.
     */
    private Analysed analyse(CallContext context, String sql, String action) {
        Connection c = connectionOf.apply(context.peerIdentity());
        Query query;
        try {
            lake.registerNamed(Query.named(c.session(), sql));
            publishedViews.accept(Access.PUBLISHED_TABLES);
            query = Query.check(c.session(), lake, sql, Access.grant(c.role()));
        } catch (Query.Refused e) {
            access.record(c.user(), c.role(), "sql_refused", null, e.getMessage() + "; " + Access.logged(sql));
            throw CallStatus.UNAUTHORIZED.withDescription(e.getMessage()).toRuntimeException();
        } catch (UsageException e) {
            access.record(c.user(), c.role(), "sql_error", null, e.getMessage() + "; " + Access.logged(sql));
            throw CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage()).toRuntimeException();
        }
        Dataset<Row> rows = ArrowRows.plain(query.rows());
        Schema schema = ArrowRows.schema(rows.schema());
        access.record(c.user(), c.role(), action, null, "tables=" + query.tables() + "; " + Access.logged(sql));
        return new Analysed(query, rows, schema, System.nanoTime());
    }

    private void run(CallContext context, Prepared statement, ServerStreamListener listener) {
        Connection c;
        Analysed analysed;
        String id = "q" + queries.incrementAndGet();
        try {
            c = connectionOf.apply(context.peerIdentity());
            analysed = statement.analysed() != null && statement.analysed().age() <= FRESH_NANOS
                    ? statement.analysed() : analyse(context, statement.sql(), "sql_plan");
            // before the first row leaves: a query that cannot be recorded is not answered
            access.record(c.user(), c.role(), "sql", null, id + " started; tables=" + analysed.query().tables() + "; "
                    + Access.logged(statement.sql()));
        } catch (RuntimeException e) {
            listener.error(e instanceof org.apache.arrow.flight.FlightRuntimeException ? e
                    : CallStatus.INTERNAL.withDescription("query not run: " + Query.firstLine(e.getMessage())).toRuntimeException());
            return;
        }
        long[] rows = {0};
        String outcome = "failed";
        String group = "serve-" + id;
        SparkContext spark = c.session().sparkContext();
        java.util.concurrent.ScheduledFuture<?> timeout = watchdog.schedule(() -> spark.cancelJobGroup(group),
                timeoutSeconds, TimeUnit.SECONDS);
        spark.setJobGroup(group, "serve " + id + " for " + c.user(), true);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(analysed.schema(), allocator)) {
            listener.start(root);
            rows[0] = ArrowRows.stream(analysed.rows().toLocalIterator(), root, r -> {
                if (listener.isCancelled()) {
                    throw new java.util.concurrent.CancellationException("cancelled by the client");
                }
                listener.putNext();
            });
            listener.completed();
            outcome = "ok";
        } catch (java.util.concurrent.CancellationException e) {
            outcome = "cancelled";
            listener.error(CallStatus.CANCELLED.withDescription("cancelled").toRuntimeException());
        } catch (RuntimeException e) {
            outcome = timeout.isDone() ? "timed out after " + timeoutSeconds + " s" : "failed: " + Query.firstLine(e.getMessage());
            listener.error(CallStatus.INTERNAL.withDescription("query " + outcome).toRuntimeException());
        } finally {
            timeout.cancel(false);
            spark.clearJobGroup();
            try {
                access.record(c.user(), c.role(), "sql_end", null, id + " rows=" + rows[0] + "; " + outcome);
            } catch (RuntimeException e) {
                System.err.println("serve: the end of " + id + " could not be recorded: " + e.getClass().getSimpleName());
            }
        }
    }

    private RuntimeException refuse(CallContext context, String sql, String why) {
        Connection c = connectionOf.apply(context.peerIdentity());
        access.record(c.user(), c.role(), "sql_refused", null, why + "; " + Access.logged(sql));
        return CallStatus.UNAUTHORIZED.withDescription(why).toRuntimeException();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    // ---- Arrow plumbing

    private static FlightInfo info(Schema schema, FlightDescriptor descriptor, Message ticket) {
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(new Ticket(Any.pack(ticket).toByteArray()))), -1, -1);
    }

    static ByteString serialised(Schema schema) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ByteString.copyFrom(out.toByteArray());
    }

    /** One batch of text columns (and, where given, a last binary column) for the catalog calls. */
    private void send(Schema schema, List<String[]> rows, List<byte[]> binary, ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            root.allocateNew();
            for (int r = 0; r < rows.size(); r++) {
                String[] row = rows.get(r);
                for (int c = 0; c < row.length; c++) {
                    ((VarCharVector) root.getVector(c)).setSafe(r, row[c].getBytes(StandardCharsets.UTF_8));
                }
                if (binary != null) {
                    ((VarBinaryVector) root.getVector(row.length)).setSafe(r, binary.get(r));
                }
            }
            root.setRowCount(rows.size());
            listener.start(root);
            listener.putNext();
            listener.completed();
        }
    }

    /** A SQL LIKE pattern ({@code %}, {@code _}) as a regular expression; null matches everything. */
    static Pattern like(String pattern) {
        if (pattern == null) {
            return Pattern.compile(".*", Pattern.DOTALL);
        }
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '%' ? ".*" : c == '_' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }
}
