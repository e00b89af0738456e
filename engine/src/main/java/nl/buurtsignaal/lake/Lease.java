package nl.buurtsignaal.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nl.buurtsignaal.base.Json;
import nl.buurtsignaal.config.Settings;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A lease on a file of any Hadoop file system, for stores that offer no lock and no atomic rename
 * (S3): the holder writes {@code {holder, token, expires_at}} and renews it every
 * {@code renew_seconds}; a lease not renewed for {@code expiry_seconds} is free to take (its holder
 * died, or lost its connection). Taking one is write, wait {@code settle_millis}, read back: of two
 * takers, the one whose write landed last holds it, the other sees a foreign token and backs off.
 * That is exclusive as long as a taker's read and its write are less than the settle time apart, and
 * the holders' clocks agree within the expiry (both hold on machines kept in time by NTP). A holder
 * that finds another token at renewal has lost the lease and says so through {@link #held()}.
 */
public final class Lease implements AutoCloseable {
    /** The folder of a lake's leases. */
    public static final String FOLDER = "_leases";

    /** The lease is held by another: who, and until when unless renewed. */
    public record Holder(String holder, String token, Instant expiresAt) {
    }

    private final FileSystem fs;
    private final Path file;
    private final Settings.Leases settings;
    private final Clock clock;
    private final String token = UUID.randomUUID().toString();
    private final String holder;
    /** Renews the lease while held: started when it is taken. */
    private ScheduledExecutorService renewer;
    private volatile boolean lost;
    private volatile Instant validUntil;

    private Lease(FileSystem fs, Path file, Settings.Leases settings, Clock clock) {
        this.fs = fs;
        this.file = file;
        this.settings = settings;
        this.clock = clock;
        this.holder = describeThisProcess();
    }

    /** Takes the lease if it is free or expired; else returns empty and leaves it alone. */
    public static Optional<Lease> tryTake(FileSystem fs, Path file, Settings.Leases settings) {
        return tryTake(fs, file, settings, Clock.systemUTC(), true);
    }

    /** As {@link #tryTake(FileSystem, Path, Settings.Leases)}; {@code renewing} false leaves renewals to the caller (tests). */
    static Optional<Lease> tryTake(FileSystem fs, Path file, Settings.Leases settings, Clock clock, boolean renewing) {
        Lease lease = new Lease(fs, file, settings, clock);
        if (!lease.tryOnce()) {
            return Optional.empty();
        }
        if (renewing) {
            lease.startRenewing();
        }
        return Optional.of(lease);
    }

    /**
     * Takes the lease, waiting while another holds it (told once through {@code onWait}): tries again
     * every half renewal interval, so a lease left to expire is taken within that of its expiry.
     */
    public static Lease take(FileSystem fs, Path file, Settings.Leases settings, Consumer<Holder> onWait) {
        Lease lease = new Lease(fs, file, settings, Clock.systemUTC());
        boolean told = false;
        while (!lease.tryOnce()) {
            if (!told) {
                try {
                    current(fs, file).ifPresent(onWait);
                    told = true;
                } catch (UncheckedIOException e) {
                    // the store is away: tell who holds it once it answers
                }
            }
            try {
                Thread.sleep(settings.renewSeconds() * 500L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the lease " + file, e);
            }
        }
        lease.startRenewing();
        return lease;
    }

    /** One attempt; a store that does not answer counts as "not taken", said on stderr. */
    private boolean tryOnce() {
        try {
            return take();
        } catch (UncheckedIOException e) {
            System.err.println("buurtsignaal: " + e.getMessage());
            return false;
        }
    }

    private void startRenewing() {
        renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-" + file.getName());
            t.setDaemon(true);
            return t;
        });
        renewer.scheduleWithFixedDelay(this::renew, settings.renewSeconds(), settings.renewSeconds(), TimeUnit.SECONDS);
    }

    /** Who holds the lease now, if anyone does (an expired lease is reported too, with its past expiry). */
    public static Optional<Holder> current(FileSystem fs, Path file) {
        byte[] bytes;
        try (var in = fs.open(file)) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            // the store did not answer: who holds the lease is unknown, which is never "free"
            throw new UncheckedIOException("cannot read the lease " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonNode n = Json.MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
            if (n == null || !n.has("token") || !n.has("expires_at")) {
                throw new IOException("incomplete");
            }
            return Optional.of(new Holder(n.path("holder").asText("?"), n.path("token").asText(""),
                    Instant.ofEpochMilli(n.path("expires_at").asLong(0))));
        } catch (IOException e) {
            // a lease file cut short (its writer died mid-write on a store without atomic writes): expired
            return Optional.of(new Holder("?", "", Instant.EPOCH));
        }
    }

    private boolean take() {
        try {
            Optional<Holder> now = current(fs, file);
            if (now.isPresent() && now.get().expiresAt().isAfter(clock.instant())) {
                return false;
            }
            if (now.isEmpty()) {
                try (FSDataOutputStream out = fs.create(file, false)) {
                    out.write(content());
                } catch (FileAlreadyExistsException e) {
                    return false; // another taker was first; its lease decides
                }
            } else {
                write();
            }
            Thread.sleep(settings.settleMillis());
            Optional<Holder> after = current(fs, file);
            return after.isPresent() && after.get().token().equals(token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the lease " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void renew() {
        if (lost) {
            return;
        }
        try {
            Optional<Holder> now = current(fs, file);
            if (now.isEmpty() || !now.get().token().equals(token)) {
                lost = true;
                System.err.println("buurtsignaal: lost the lease " + file + (now.map(h -> " to " + h.holder()).orElse(""))
                        + ": it was not renewed in time");
                return;
            }
            write();
        } catch (IOException | RuntimeException e) {
            // the store is unreachable: try again at the next renewal; the lease lapses if it stays so
            System.err.println("buurtsignaal: could not renew the lease " + file + ": " + e.getMessage());
        }
    }

    private void write() throws IOException {
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write(content());
        }
    }

    private byte[] content() {
        Instant expires = clock.instant().plusSeconds(settings.expirySeconds());
        validUntil = expires;
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("holder", holder);
        n.put("token", token);
        n.put("expires_at", expires.toEpochMilli());
        n.put("expires", expires.toString());
        return (n + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Whether this process still holds the lease: renewed in time and not taken over. */
    public boolean held() {
        return !lost && validUntil != null && validUntil.isAfter(clock.instant());
    }

    /** Stops renewing without giving the lease back, as a holder that dies does (tests). */
    void abandon() {
        stopRenewing();
    }

    private void stopRenewing() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
    }

    /** Gives the lease back: stops renewing and removes the file if it is still this holder's. */
    @Override
    public void close() {
        stopRenewing();
        try {
            Optional<Holder> now = current(fs, file);
            if (now.isPresent() && now.get().token().equals(token)) {
                fs.delete(file, false);
            }
        } catch (IOException | RuntimeException e) {
            // not given back: it expires on its own
        }
    }

    private static String describeThisProcess() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return ManagementFactory.getRuntimeMXBean().getPid() + "@" + host;
    }
}
