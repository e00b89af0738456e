package nl.buurtsignaal.hub;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The hub as one application: the lake's tables in memory, the decisions, the access log, the
 * HTTP server, and a background refresh that picks up a new run's results and moves the access
 * journal into audit.access.
 */
public final class Hub implements AutoCloseable {
    private final HubData data;
    private final Reviews reviews;
    private final AccessLog access;
    private final HubServer server;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hub-refresh");
        t.setDaemon(true);
        return t;
    });

    public Hub(Lake lake, EngineConfig config, HubUsers users) {
        HubSettings settings = HubSettings.of(config);
        this.data = new HubData(lake, settings, true);
        this.reviews = new Reviews(lake, settings);
        this.access = new AccessLog(lake, "hub", config.settings().leases());
        HubService service = new HubService(data, reviews, settings, EvidenceText.load(config), HubService.geometry(config),
                nl.buurtsignaal.lake.AreaRows.defaultAreas(config), areas -> nl.buurtsignaal.areas.Classification.mapGeoJson(config, areas));
        Sessions sessions = new Sessions(settings.idleTimeout(), settings.sessionLifetime(), users::roleOf, Clock.systemUTC());
        this.server = new HubServer(service, reviews, users, sessions, settings.throttle(), access, settings,
                new MeldingDesk(lake, data, settings));
    }

    /** Loads the lake, starts serving, and refreshes every {@code refreshSeconds}. */
    public Hub start(String host, int port, double refreshSeconds) {
        return start(host, port, refreshSeconds, nl.buurtsignaal.base.Progress.silent());
    }

    public Hub start(String host, int port, double refreshSeconds, nl.buurtsignaal.base.Progress progress) {
        // one hub per lake: a second one is refused before it reads anything
        access.open();
        progress.info("reading the lake's signals, scores and neighbourhoods");
        data.refresh();
        HubData.Snapshot s = data.snapshot();
        progress.info(s.signals().size() + " signals over " + s.asOfs().size() + " reference dates in memory");
        reviews.refresh();
        progress.info("decisions and the access audit read");
        server.start(host, port);
        long millis = Math.max(100, (long) (refreshSeconds * 1000));
        refresher.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The scheduled refresh: a failure is reported and the next one tries again. */
    private void refresh() {
        try {
            refreshOnce();
        } catch (RuntimeException e) {
            System.err.println("hub: refresh failed, will try again: " + e.getClass().getSimpleName());
        }
    }

    private void refreshOnce() {
        data.refresh();
        reviews.refresh();
        access.flush();
    }

    /**
     * Runs one refresh now, on the refresh thread (so never beside a scheduled one), and waits for
     * it: what a run or an erasure wrote is then served, and the journal is in audit.access. A
     * failure is thrown to the caller, not only reported.
     */
    public void refreshNow() {
        try {
            refresher.submit(this::refreshOnce).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the hub's refresh did not finish: " + e, e);
        }
    }

    public int port() {
        return server.port();
    }

    /** The access log (tests read what it recorded). */
    public AccessLog access() {
        return access;
    }

    public HubData data() {
        return data;
    }

    /** The decisions (tests record some at a chosen time). */
    Reviews reviews() {
        return reviews;
    }

    /** Waits for what is being refreshed, then stops serving and writes the journal's last entries. */
    @Override
    public void close() {
        refresher.shutdown();
        try {
            refresher.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop();
        data.close();
        access.close();
    }
}
