package nl.buurtsignaal.hub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Throttling of password guesses, shared by the hub and the SQL endpoint.
 *
 * <ul>
 *   <li>Per name and client: after {@code maxFailures} wrong passwords for one name from one client
 *   within the window, that client's logins for that name are refused (429) until the window has
 *   passed. Someone else's failures never lock a user out.</li>
 *   <li>Per name, from every client together: past {@code maxFailures} failures within the window a
 *   login for that name is slowed (a delay that doubles with each further failure, at most
 *   {@link #MAX_DELAY}), not refused, so that a right password from another client still works.</li>
 *   <li>Bounded: at most {@code maxEntries} names and pairs are remembered (the oldest forgotten
 *   first; an entry whose failures are all older than the window is forgotten anyway), and at most
 *   {@code maxConcurrent} passwords are checked at once (each check costs an Argon2 hash).</li>
 *   <li>Throttled attempts are counted, not written one by one: {@link #throttled} says which of them
 *   the audit records (the first of a series, then every hundredth, with the count).</li>
 * </ul>
 */
public final class LoginThrottle {
    private final Duration firstDelay;
    private final Duration maxDelay;

    /** What to do with a login before its password is checked. */
    public record Verdict(boolean refused, Duration delay) {
        static final Verdict GO = new Verdict(false, Duration.ZERO);
    }

    private final int maxFailures;
    private final Duration window;
    private final int maxEntries;
    private final Clock clock;
    private final Semaphore checks;
    private final Map<String, Deque<Instant>> byPair;
    private final Map<String, Deque<Instant>> byName;
    private final Map<String, Long> throttledCount;

    /** What came of a login: refused before the password was checked, too busy, a wrong or a right password. */
    public enum Outcome { REFUSED, BUSY, WRONG, RIGHT }

    /** A login's outcome, the user on a right password, and for a refusal the count {@link #throttled} gives. */
    public record Attempt<T>(Outcome outcome, T user, long throttledCount) {
    }

    public LoginThrottle(int maxFailures, Duration window, int maxEntries, int maxConcurrent, Duration firstDelay,
                         Duration maxDelay, Clock clock) {
        this.maxFailures = maxFailures;
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.window = window;
        this.maxEntries = maxEntries;
        this.clock = clock;
        this.checks = new Semaphore(maxConcurrent, true);
        this.byPair = bounded();
        this.byName = bounded();
        this.throttledCount = bounded();
    }

    private <V> Map<String, V> bounded() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /**
     * One login, in the order the hub and the SQL endpoint share: refused for this client, or slowed
     * for the name; then a turn among the concurrent password checks; then {@code verify} (the
     * Argon2 check), whose failure or success is counted. {@code client} is null where the caller
     * cannot tell it (Flight): then the name is slowed, never refused.
     */
    public <T> Attempt<T> attempt(String name, String client, java.util.function.Supplier<java.util.Optional<T>> verify) {
        Verdict verdict = before(name, client);
        if (verdict.refused()) {
            return new Attempt<>(Outcome.REFUSED, null, throttled(name, client));
        }
        if (!verdict.delay().isZero()) {
            try {
                Thread.sleep(verdict.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!acquire(Duration.ofSeconds(10))) {
            return new Attempt<>(Outcome.BUSY, null, 0);
        }
        java.util.Optional<T> user;
        try {
            user = verify.get();
        } finally {
            release();
        }
        if (user.isEmpty()) {
            failed(name, client);
            return new Attempt<>(Outcome.WRONG, null, 0);
        }
        succeeded(name, client);
        return new Attempt<>(Outcome.RIGHT, user.get(), 0);
    }

    /** Before the password is checked: refused for this client, or go after a delay (perhaps none). */
    public synchronized Verdict before(String name, String client) {
        if (client != null && recent(byPair, pair(name, client)) >= maxFailures) {
            return new Verdict(true, Duration.ZERO);
        }
        int forName = recent(byName, key(name));
        if (forName < maxFailures) {
            return Verdict.GO;
        }
        long doublings = Math.min(forName - maxFailures, 10);
        Duration delay = firstDelay.multipliedBy(1L << doublings);
        return new Verdict(false, delay.compareTo(maxDelay) > 0 ? maxDelay : delay);
    }

    /**
     * A refused attempt: whether the audit should record it (the first of a series, then every
     * hundredth), and how many were refused so far in the series.
     */
    public synchronized long throttled(String name, String client) {
        String key = pair(name, client);
        long n = throttledCount.getOrDefault(key, 0L) + 1;
        throttledCount.put(key, n);
        return n == 1 || n % 100 == 0 ? n : 0;
    }

    public synchronized void failed(String name, String client) {
        Instant now = clock.instant();
        if (client != null) {
            byPair.computeIfAbsent(pair(name, client), k -> new ArrayDeque<>()).addLast(now);
        }
        byName.computeIfAbsent(key(name), k -> new ArrayDeque<>()).addLast(now);
    }

    /** A right password from a client: that client's failures for the name are forgotten. */
    public synchronized void succeeded(String name, String client) {
        if (client != null) {
            byPair.remove(pair(name, client));
        }
        throttledCount.remove(pair(name, client));
    }

    /** Waits for a turn to check a password (at most {@code wait}); false when too many are being checked. */
    public boolean acquire(Duration wait) {
        try {
            return checks.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void release() {
        checks.release();
    }

    /** How many names and pairs are remembered (tests: the memory is bounded). */
    public synchronized int remembered() {
        return byPair.size() + byName.size();
    }

    private int recent(Map<String, Deque<Instant>> map, String key) {
        Deque<Instant> times = map.get(key);
        if (times == null) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(window);
        while (!times.isEmpty() && times.peekFirst().isBefore(cutoff)) {
            times.pollFirst();
        }
        if (times.isEmpty()) {
            map.remove(key);
            throttledCount.remove(key);
            return 0;
        }
        return times.size();
    }

    private static String key(String name) {
        return name == null ? "" : name;
    }

    private static String pair(String name, String client) {
        return key(name) + "\u0000" + (client == null ? "" : client);
    }
}
