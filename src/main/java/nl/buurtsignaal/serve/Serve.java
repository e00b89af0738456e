package nl.buurtsignaal.serve;

import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.hub.AccessLog;
import nl.buurtsignaal.hub.HubUsers;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code serve}: a warm, read-only SQL endpoint over the lake for BI tools and notebooks, in
 * Apache Arrow Flight SQL (Arrow's JDBC driver, and ODBC drivers, connect to it). Users log in
 * with the hub's users file; their role decides what they may read ({@link Access}); every query
 * is recorded in audit.access, through a journal of its own as the hub does.
 *
 * <p>{@code published.buurt_indicator} is gold.buurt_indicator as {@code publish} exports it
 * (suppressed, rounded to 5), a view over the table.
 */
public final class Serve implements AutoCloseable {
    private final Lake lake;
    private final EngineConfig config;
    private final HubUsers users;
    private final long minDenominator;
    private final AccessLog access;
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "serve-access-flush");
        t.setDaemon(true);
        return t;
    });
    /** The session's values of the settings serve.spark changes, put back when it stops. */
    private final Map<String, java.util.Optional<String>> sessionValues = new java.util.LinkedHashMap<>();
    private BufferAllocator allocator;
    private FlightServer server;

    public Serve(Lake lake, EngineConfig config, HubUsers users) {
        this.lake = lake;
        this.config = config;
        this.users = users;
        this.minDenominator = (long) config.number("publication.min_denominator", 50);
        this.access = new AccessLog(lake, journalOf(lake), "serve");
    }

    private static Path journalOf(Lake lake) {
        return lake.isLocal() ? Path.of(lake.root(), ".serve-access-journal")
                : Path.of(System.getProperty("java.io.tmpdir"), "buurtsignaal-serve-access-journal");
    }

    /** Registers the lake's tables, opens the access journal and starts listening. */
    public Serve start(String host, int port, Progress progress) {
        config.map("serve.spark").forEach((key, value) -> {
            sessionValues.put(key, java.util.Optional.ofNullable(lake.spark().conf().get(key, null)));
            lake.spark().conf().set(key, value);
        });
        progress.info("registering the lake's tables");
        int tables = lake.registerAll().size();
        publishedViews(Access.PUBLISHED_TABLES);
        access.open();
        allocator = new RootAllocator();
        SqlEndpoint endpoint = new SqlEndpoint(lake, access, this::roleOf, allocator, this::publishedViews);
        server = FlightServer.builder(allocator, Location.forGrpcInsecure(host, port), endpoint)
                .headerAuthenticator(new GeneratedBearerTokenAuthenticator(new BasicCallHeaderAuthenticator(this::login)))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UsageException("cannot listen on " + host + ":" + port
                    + " (in use, or not an address of this machine): choose another with --port or --bind");
        }
        flusher.scheduleWithFixedDelay(this::flush, 1, 1, TimeUnit.SECONDS);
        progress.info(tables + " tables, and the published aggregates as " + Access.PUBLISHED + ".*");
        return this;
    }

    public int port() {
        return server.getPort();
    }

    /** The role of a user logged in on this server. */
    private Role roleOf(String user) {
        Role role = roles.get(user);
        if (role == null) {
            throw CallStatus.UNAUTHENTICATED.withDescription("not logged in").toRuntimeException();
        }
        return role;
    }

    private CallHeaderAuthenticator.AuthResult login(String name, String password) {
        HubUsers.User user = users.verify(name, password).orElse(null);
        if (user == null) {
            // a name that is no user's is not kept: it may be anything typed, a BSN included
            access.record(users.knows(name) ? name : null, null, "login_failed", null, "serve");
            throw CallStatus.UNAUTHENTICATED.withDescription("wrong name or password").toRuntimeException();
        }
        roles.put(user.name(), user.role());
        access.record(user.name(), user.role(), "login", null, "serve");
        return user::name;
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
            view(Access.PUBLISHED_INDICATOR, OpenData.exportSql(minDenominator), Tables.BUURT_INDICATOR, Tables.SILVER_BUURT);
            view(Access.PUBLISHED_SCORE, "SELECT * FROM " + Tables.BUURT_SCORE, Tables.BUURT_SCORE);
            view(Access.PUBLISHED_BUURT, "SELECT * FROM " + Tables.SILVER_BUURT, Tables.SILVER_BUURT);
        }
    }

    private void view(String name, String sql, String... reads) {
        if (lake.spark().catalog().tableExists(name)) {
            return;
        }
        for (String table : reads) {
            if (!lake.exists(table)) {
                return;
            }
        }
        lake.registerNamed(java.util.List.of(reads));
        lake.spark().sql("CREATE OR REPLACE VIEW " + name + " AS " + sql);
    }

    /** Writes the journal's entries to audit.access now (tests; the server does it every second). */
    void flushNow() {
        access.flush();
    }

    private void flush() {
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
        access.close();
        if (allocator != null) {
            allocator.close();
        }
        sessionValues.forEach((key, value) -> {
            if (value.isPresent()) {
                lake.spark().conf().set(key, value.get());
            } else {
                lake.spark().conf().unset(key);
            }
        });
    }
}
