package nl.buurtsignaal.serve;

import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.hub.AccessLog;
import nl.buurtsignaal.hub.HubSettings;
import nl.buurtsignaal.hub.HubUsers;
import nl.buurtsignaal.hub.LoginThrottle;
import nl.buurtsignaal.hub.Role;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import nl.buurtsignaal.publish.OpenData;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BasicCallHeaderAuthenticator;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;
import org.apache.arrow.flight.auth2.GeneratedBearerTokenAuthenticator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.flight.CallStatus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code serve}: a warm, read-only SQL endpoint over the lake for BI tools and notebooks, in
 * Apache Arrow Flight SQL (Arrow's JDBC driver, and ODBC drivers, connect to it). Users log in
 * with the hub's users file, throttled as the hub throttles; only the roles of {@code serve.roles}
 * are admitted, and their role decides what they may read ({@link Access}). Each login gets a Spark
 * session of its own, with SQL on files turned off. Every statement is recorded in audit.access
 * through a journal of its own, as the hub does. With {@code --tls-cert} and {@code --tls-key} it
 * speaks TLS, which it must off the host.
 *
 * <p>{@code published.buurt_indicator} is gold.buurt_indicator as {@code publish} exports it
 * (suppressed, rounded to 5), {@code published.buurt_score} the scores as the report publishes
 * them ({@link nl.buurtsignaal.publish.OpenData#scoreExportSql}): views over the tables.
 */
public final class Serve implements AutoCloseable {
    private final Lake lake;
    private final EngineConfig config;
    private final HubUsers users;
    private final nl.buurtsignaal.scoring.Disclosure disclosure;
    private final AccessLog access;
    private final Set<Role> admitted;
    private final LoginThrottle throttle;
    private final Map<String, SqlEndpoint.Connection> connections = new ConcurrentHashMap<>();
    /** When each login was last used (System.nanoTime): an idle one is forgotten, with its Spark session. */
    private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();
    private final long idleNanos;
    private final int maxLogins;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "serve-access-flush");
        t.setDaemon(true);
        return t;
    });
    private BufferAllocator allocator;
    private FlightServer server;
    private SqlEndpoint endpoint;

    public Serve(Lake lake, EngineConfig config, HubUsers users) {
        this.lake = lake;
        this.config = config;
        this.users = users;
        this.disclosure = nl.buurtsignaal.scoring.Disclosure.of(config);
        this.access = new AccessLog(lake, "serve", config.settings().leases());
        Set<Role> roles = new java.util.TreeSet<>();
        for (String id : config.settings().serve().roles()) {
            try {
                roles.add(Role.of(id));
            } catch (IllegalArgumentException e) {
                throw new UsageException("setting serve.roles: " + e.getMessage());
            }
        }
        if (roles.isEmpty()) {
            throw new UsageException("setting serve.roles lists no role: serve would admit no one");
        }
        this.admitted = roles;
        this.throttle = HubSettings.of(config).throttle();
        this.idleNanos = (long) (config.settings().serve().idleTimeoutMinutes() * 60e9);
        this.maxLogins = config.settings().serve().maxLogins();
    }

    /** Registers the lake's tables, opens the access journal and starts listening, in plain text. */
    public Serve start(String host, int port, Progress progress) {
        return start(host, port, null, null, progress);
    }

    /** As {@link #start(String, int, Progress)}, over TLS when a certificate chain and its key (PEM files) are given. */
    public Serve start(String host, int port, Path tlsCert, Path tlsKey, Progress progress) {
        progress.info("registering the lake's tables");
        int tables = lake.registerAll().size();
        publishedViews(Access.PUBLISHED_TABLES);
        access.open();
        allocator = new RootAllocator();
        endpoint = new SqlEndpoint(lake, access, this::connectionOf, allocator, this::publishedViews,
                config.settings().serve().queryTimeoutSeconds());
        boolean tls = tlsCert != null;
        FlightServer.Builder builder = FlightServer.builder(allocator,
                        tls ? Location.forGrpcTls(host, port) : Location.forGrpcInsecure(host, port), endpoint)
                .headerAuthenticator(new GeneratedBearerTokenAuthenticator(new BasicCallHeaderAuthenticator(this::login)));
        if (tls) {
            try {
                builder.useTls(tlsCert.toFile(), tlsKey.toFile());
            } catch (IOException e) {
                throw new UsageException("cannot read the TLS certificate or key: " + e.getMessage());
            }
        }
        server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UsageException("cannot listen on " + host + ":" + port
                    + " (in use, or not an address of this machine): choose another with --port or --bind");
        }
        flusher.scheduleWithFixedDelay(this::flush, 1, 1, TimeUnit.SECONDS);
        progress.info(tables + " tables, and the published aggregates as " + Access.PUBLISHED + ".*; roles "
                + admitted.stream().map(Role::id).toList() + (tls ? "; TLS" : "; no TLS: for this host only"));
        return this;
    }

    public int port() {
        return server.getPort();
    }

    /**
     * The login a call was made under. A user removed from the users file, or given another role,
     * is out at the next call; an unknown login (the server restarted) is asked to log in again.
     */
    private SqlEndpoint.Connection connectionOf(String login) {
        SqlEndpoint.Connection c = login == null ? null : connections.get(login);
        if (c == null) {
            throw CallStatus.UNAUTHENTICATED.withDescription("not logged in").toRuntimeException();
        }
        if (!users.roleOf(c.user()).map(r -> r == c.role()).orElse(false)) {
            forget(login);
            throw CallStatus.UNAUTHENTICATED.withDescription("your login ended: log in again").toRuntimeException();
        }
        lastUsed.put(login, System.nanoTime());
        return c;
    }

    private CallHeaderAuthenticator.AuthResult login(String name, String password) {
        String audited = users.knows(name) ? name : null;
        // Flight does not tell a client's address: the name's failures slow every client's logins for it
        LoginThrottle.Attempt<HubUsers.User> attempt = throttle.attempt(name, null, () -> users.verify(name, password));
        if (attempt.outcome() == LoginThrottle.Outcome.BUSY) {
            throw CallStatus.UNAVAILABLE.withDescription("too many logins at once: try again in a moment").toRuntimeException();
        }
        if (attempt.outcome() != LoginThrottle.Outcome.RIGHT) {
            access.record(audited, null, "login_failed", null, "serve");
            throw CallStatus.UNAUTHENTICATED.withDescription("wrong name or password").toRuntimeException();
        }
        HubUsers.User user = attempt.user();
        if (!admitted.contains(user.role())) {
            access.record(user.name(), user.role(), "login_failed", null, "serve: role not admitted");
            throw CallStatus.UNAUTHENTICATED.withDescription("the role " + user.role().id() + " may not use the SQL endpoint")
                    .toRuntimeException();
        }
        String login = user.name() + "/" + UUID.randomUUID();
        while (connections.size() >= maxLogins && !lastUsed.isEmpty()) {
            // the login used longest ago makes room: a BI tool that reconnects often cannot fill the memory
            lastUsed.entrySet().stream().min(Map.Entry.comparingByValue()).ifPresent(e -> forget(e.getKey()));
        }
        connections.put(login, new SqlEndpoint.Connection(user.name(), user.role(), session()));
        lastUsed.put(login, System.nanoTime());
        access.record(user.name(), user.role(), "login", null, "serve");
        return () -> login;
    }

    /**
     * A Spark session of its own for one login: the engine's SQL settings, serve.spark's, and no SQL
     * on files ({@code text.`/path`}), whatever the statement says; nothing it sets reaches another.
     */
    private SparkSession session() {
        SparkSession own = nl.buurtsignaal.lake.Query.readerSession(lake.spark());
        config.settings().serve().spark().forEach((key, value) -> own.conf().set(key, value));
        return own;
    }

    /**
     * The published views, in the session catalog's database {@code published}: views, so that
     * every query reads the tables' latest versions. Made once the tables they read exist.
     */
    void publishedViews(java.util.Collection<String> named) {
        if (named.stream().noneMatch(Access.PUBLISHED_TABLES::contains)) {
            return;
        }
        synchronized (this) {
            lake.spark().sql("CREATE DATABASE IF NOT EXISTS " + Access.PUBLISHED);
            // a lake whose results are per classification publishes each with its areas' names and an areas column
            boolean areas = lake.exists(Tables.SILVER_AREA) && hasAreas(Tables.BUURT_INDICATOR) && hasAreas(Tables.BUURT_SCORE);
            view(Access.PUBLISHED_INDICATOR, OpenData.exportSql(disclosure, areas), Tables.BUURT_INDICATOR,
                    areas ? Tables.SILVER_AREA : Tables.SILVER_BUURT);
            view(Access.PUBLISHED_SCORE, OpenData.scoreExportSql(disclosure, nl.buurtsignaal.scoring.Scoring.weights(config), areas),
                    Tables.BUURT_SCORE, Tables.BUURT_INDICATOR);
            view(Access.PUBLISHED_BUURT, "SELECT * FROM " + Tables.SILVER_BUURT, Tables.SILVER_BUURT);
        }
    }

    private boolean hasAreas(String table) {
        return lake.exists(table) && java.util.List.of(lake.read(table).columns()).contains("areas");
    }

    /** The published views this serve made over its own lake (another serve of the JVM may have made them over another). */
    private final java.util.Set<String> viewsMade = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void view(String name, String sql, String... reads) {
        if (viewsMade.contains(name)) {
            return;
        }
        for (String table : reads) {
            if (!lake.exists(table)) {
                return;
            }
        }
        lake.registerNamed(java.util.List.of(reads));
        lake.spark().sql("CREATE OR REPLACE VIEW " + name + " AS " + sql);
        viewsMade.add(name);
    }

    /** Writes the journal's entries to audit.access now (tests; the server does it every second). */
    void flushNow() {
        access.flush();
    }

    private void forget(String login) {
        connections.remove(login);
        lastUsed.remove(login);
    }

    /** Logins open now (tests). */
    int logins() {
        return connections.size();
    }

    private void flush() {
        long now = System.nanoTime();
        lastUsed.forEach((login, at) -> {
            if (now - at > idleNanos) {
                forget(login);
            }
        });
        try {
            access.flush();
        } catch (RuntimeException e) {
            System.err.println("serve: writing audit.access failed, will try again: " + e.getClass().getSimpleName());
        }
    }

    /** Stops listening, then writes the journal's last entries. */
    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(30, TimeUnit.SECONDS);
            if (server != null) {
                server.shutdown();
                server.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (server != null) {
            try {
                server.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (endpoint != null) {
            endpoint.close();
        }
        access.close();
        if (allocator != null) {
            allocator.close();
        }
    }
}
