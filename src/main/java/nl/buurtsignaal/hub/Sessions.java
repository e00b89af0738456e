package nl.buurtsignaal.hub;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logged-in users: a session per login, identified by a random token in an HttpOnly cookie, with
 * a CSRF token of its own, ended by logout or after an idle period. Also counts failed logins per
 * name, for throttling.
 */
public final class Sessions {
    public record Session(String id, String user, Role role, String csrf, Instant started) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final Duration idle;
    private final int maxFailures;
    private final Duration window;
    private final Clock clock;

    public Sessions(Duration idle, int maxFailures, Duration window, Clock clock) {
        this.idle = idle;
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    public Session start(String user, Role role) {
        Session s = new Session(token(), user, role, token(), clock.instant());
        sessions.put(s.id(), s);
        lastSeen.put(s.id(), clock.instant());
        return s;
    }

    /** The live session of a cookie value; touching it restarts its idle period. */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        Instant seen = lastSeen.get(id);
        if (s == null || seen == null) {
            return Optional.empty();
        }
        if (seen.plus(idle).isBefore(clock.instant())) {
            end(id);
            return Optional.empty();
        }
        lastSeen.put(id, clock.instant());
        return Optional.of(s);
    }

    public void end(String id) {
        sessions.remove(id);
        lastSeen.remove(id);
    }

    /** Whether a name has had too many failed logins within the window. */
    public boolean throttled(String name) {
        Deque<Instant> recent = failures.get(name == null ? "" : name);
        if (recent == null) {
            return false;
        }
        synchronized (recent) {
            Instant cutoff = clock.instant().minus(window);
            while (!recent.isEmpty() && recent.peekFirst().isBefore(cutoff)) {
                recent.pollFirst();
            }
            return recent.size() >= maxFailures;
        }
    }

    public void failed(String name) {
        Deque<Instant> recent = failures.computeIfAbsent(name == null ? "" : name, k -> new ArrayDeque<>());
        synchronized (recent) {
            recent.addLast(clock.instant());
        }
    }

    public void succeeded(String name) {
        failures.remove(name);
    }

    private static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
