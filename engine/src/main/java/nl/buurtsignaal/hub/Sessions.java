package nl.buurtsignaal.hub;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Logged-in users: a session per login, identified by a random token in an HttpOnly cookie, with
 * a CSRF token of its own. A session ends at logout, after an idle period, after its absolute
 * lifetime however busy it is, and as soon as the users file no longer gives its user the role it
 * was started with (a user removed or given another role is out at their next request).
 */
public final class Sessions {
    public record Session(String id, String user, Role role, String csrf, Instant started) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final Duration idle;
    private final Duration lifetime;
    private final Function<String, Optional<Role>> roleNow;
    private final Clock clock;

    /** {@code roleNow}: a user's role as the users file says now, empty for a user who is no more. */
    public Sessions(Duration idle, Duration lifetime, Function<String, Optional<Role>> roleNow, Clock clock) {
        this.idle = idle;
        this.lifetime = lifetime;
        this.roleNow = roleNow;
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
        Instant now = clock.instant();
        if (seen.plus(idle).isBefore(now) || !now.isBefore(s.started().plus(lifetime))
                || !roleNow.apply(s.user()).map(r -> r == s.role()).orElse(false)) {
            end(id);
            return Optional.empty();
        }
        lastSeen.put(id, now);
        return Optional.of(s);
    }

    public void end(String id) {
        sessions.remove(id);
        lastSeen.remove(id);
    }

    /** Sessions that are open (tests). */
    public int size() {
        return sessions.size();
    }

    private static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
