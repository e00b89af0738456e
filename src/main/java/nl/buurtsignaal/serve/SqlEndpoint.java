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
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Flight SQL service over one warm Spark session: statements and prepared statements (what
 * the JDBC driver uses), the catalog's schemas and tables as each role may see them, and the
 * server's description. Every statement is checked by {@link Access} before Spark analyses it;
 * every one run or refused is written to audit.access with who ran it.
 */
final class SqlEndpoint extends NoOpFlightSqlProducer {
    private static final String CATALOG = "buurtsignaal";

    private final Lake lake;
    private final AccessLog access;
    private final Function<String, Role> roleOf;
    private final BufferAllocator allocator;
    private final java.util.function.Consumer<java.util.Collection<String>> publishedViews;
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
     * A statement by handle: who prepared it (a handle is no one else's), its SQL, and its plan
     * while that is fresh. A query is planned when it is submitted (the client asks for its
     * schema) and run from that plan; a plan older than {@link #FRESH_NANOS} is made again, so
     * that a prepared statement run again reads the tables' latest versions.
     */
    private record Prepared(String user, String sql, Analysed analysed) {
    }

    private static final long FRESH_NANOS = 2_000_000_000L;

    private final Map<ByteString, Prepared> prepared = new ConcurrentHashMap<>();
    private final Map<ByteString, Prepared> statements = new ConcurrentHashMap<>();

    SqlEndpoint(Lake lake, AccessLog access, Function<String, Role> roleOf, BufferAllocator allocator,
                java.util.function.Consumer<java.util.Collection<String>> publishedViews) {
        this.lake = lake;
        this.access = access;
        this.roleOf = roleOf;
        this.allocator = allocator;
        this.publishedViews = publishedViews;
    }

    // ---- statements

    @Override
    public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        Analysed analysed = analyse(context, command.getQuery());
        ByteString handle = ByteString.copyFromUtf8(UUID.randomUUID().toString());
        // a statement whose results were never fetched is forgotten after a minute
        statements.values().removeIf(p -> p.analysed().age() > 60 * 1_000_000_000L);
        statements.put(handle, new Prepared(context.peerIdentity(), command.getQuery(), analysed));
        return info(analysed.schema(), descriptor, FlightSql.TicketStatementQuery.newBuilder().setStatementHandle(handle).build());
    }

    @Override
    public SchemaResult getSchemaStatement(FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        return new SchemaResult(analyse(context, command.getQuery()).schema);
    }

    @Override
    public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
        Prepared p = statements.remove(ticket.getStatementHandle());
        if (p == null || !p.user().equals(context.peerIdentity())) {
            listener.error(CallStatus.NOT_FOUND.withDescription("no such statement").toRuntimeException());
            return;
        }
        run(context, p, listener);
    }

    @Override
    public void createPreparedStatement(FlightSql.ActionCreatePreparedStatementRequest request, CallContext context,
                                        StreamListener<Result> listener) {
        try {
            Analysed analysed = analyse(context, request.getQuery());
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
        prepared.remove(request.getPreparedStatementHandle());
        listener.onCompleted();
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
                                                     FlightDescriptor descriptor) {
        Prepared p = preparedBy(context, command.getPreparedStatementHandle());
        if (p.analysed() == null || p.analysed().age() > FRESH_NANOS) {
            // executed again: planned again, on the tables' latest versions
            p = new Prepared(p.user(), p.sql(), analyse(context, p.sql()));
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
        prepared.put(command.getPreparedStatementHandle(), new Prepared(p.user(), p.sql(), null));
        run(context, p, listener);
    }

    private Prepared preparedBy(CallContext context, ByteString handle) {
        Prepared p = prepared.get(handle);
        if (p == null || !p.user().equals(context.peerIdentity())) {
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
        Role role = roleOf.apply(context.peerIdentity());
        Set<String> lakeTables = new TreeSet<>(lake.tables());
        Set<String> visible = new TreeSet<>(Access.PUBLISHED_TABLES);
        for (String t : lakeTables) {
            if (Access.mayRead(role, t, lakeTables)) {
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

    /** Checks the caller's right to the query and lets Spark analyse it (nothing is read yet). */
    private Analysed analyse(CallContext context, String sql) {
        Role role = roleOf.apply(context.peerIdentity());
        Query query;
        try {
            query = Query.parse(lake.spark(), sql);
        } catch (UsageException e) {
            throw CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage()).toRuntimeException();
        }
        Set<String> lakeTables = new TreeSet<>(lake.tables());
        String refusal = Access.refusal(role, query, lakeTables);
        if (refusal != null) {
            throw refuse(context, sql, refusal);
        }
        lake.registerNamed(query.tables());
        publishedViews.accept(query.tables());
        try {
            Dataset<Row> rows = ArrowRows.plain(lake.spark().sql(sql));
            return new Analysed(query, rows, ArrowRows.schema(rows.schema()), System.nanoTime());
        } catch (Exception e) { // Spark's AnalysisException is checked in Scala's eyes
            throw CallStatus.INVALID_ARGUMENT.withDescription("query error: " + Query.firstLine(e.getMessage())).toRuntimeException();
        }
    }

    private void run(CallContext context, Prepared statement, ServerStreamListener listener) {
        String sql = statement.sql();
        try {
            Analysed analysed = statement.analysed() != null && statement.analysed().age() <= FRESH_NANOS
                    ? statement.analysed() : analyse(context, sql);
            long rows;
            try (VectorSchemaRoot root = VectorSchemaRoot.create(analysed.schema(), allocator)) {
                listener.start(root);
                rows = ArrowRows.stream(analysed.rows().toLocalIterator(), root, r -> listener.putNext());
                listener.completed();
            }
            access.record(context.peerIdentity(), roleOf.apply(context.peerIdentity()), "sql", null,
                    "rows=" + rows + "; tables=" + analysed.query().tables() + "; " + Access.logged(sql));
        } catch (RuntimeException e) {
            listener.error(e instanceof org.apache.arrow.flight.FlightRuntimeException ? e
                    : CallStatus.INTERNAL.withDescription("query failed: " + Query.firstLine(e.getMessage())).toRuntimeException());
        }
    }

    private RuntimeException refuse(CallContext context, String sql, String why) {
        access.record(context.peerIdentity(), roleOf.apply(context.peerIdentity()), "sql_refused", null,
                why + "; " + Access.logged(sql));
        return CallStatus.UNAUTHORIZED.withDescription(why).toRuntimeException();
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
