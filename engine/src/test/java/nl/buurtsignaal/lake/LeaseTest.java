package nl.buurtsignaal.lake;

import nl.buurtsignaal.config.Settings;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lease file at its edges, on Hadoop's local file system (the lease uses nothing but create,
 * open and delete, which every store has). Time is moved by hand through
 * the clock, and renewals are made by hand (the leases are taken without their renewer).
 */
class LeaseTest {
    private static final Settings.Leases SETTINGS = new Settings.Leases(60, 10, 10);

    @TempDir
    java.nio.file.Path dir;

    private FileSystem fs() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-05T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aHeldLeaseIsRefusedUntilOneSecondPastItsExpiryAndThenTaken() throws Exception {
        Path file = new Path(dir.resolve("writer.lease").toUri());
        MovableClock clock = new MovableClock();
        Lease first = Lease.tryTake(fs(), file, SETTINGS, clock, false).orElseThrow();
        assertTrue(first.held());
        Lease.Holder holder = Lease.current(fs(), file).orElseThrow();
        assertEquals(clock.now.plusSeconds(60), holder.expiresAt());
        assertTrue(holder.holder().contains("@"), "names the holding process: " + holder.holder());

        clock.now = clock.now.plusSeconds(59);
        assertEquals(Optional.empty(), Lease.tryTake(fs(), file, SETTINGS, clock, false).map(l -> "taken"), "still held a second before expiry");
        assertTrue(first.held());
        clock.now = clock.now.plusSeconds(2);
        assertFalse(first.held(), "not renewed: lapsed");
        Lease second = Lease.tryTake(fs(), file, SETTINGS, clock, false).orElseThrow(() -> new AssertionError("an expired lease is free"));
        assertFalse(Lease.current(fs(), file).orElseThrow().token().equals(holder.token()));

        // the first holder closing now must not remove the second's lease
        first.close();
        assertTrue(fs().exists(file));
        second.close();
        assertFalse(fs().exists(file), "given back");
    }

    @Test
    void aLeaseCutShortOrWrittenByNoOneIsFreeAndOneOverwrittenByAnotherIsLost() throws Exception {
        Path file = new Path(dir.resolve("hub.lease").toUri());
        try (var out = fs().create(file, true)) {
            out.write("{\"holder\":\"42@dead\",\"tok".getBytes(StandardCharsets.UTF_8));
        }
        MovableClock clock = new MovableClock();
        Lease mine = Lease.tryTake(fs(), file, SETTINGS, clock, false).orElseThrow(() -> new AssertionError("a torn lease file is free"));
        assertTrue(mine.held());
        // someone else wrote over it (a taker whose read and write were further apart than the settle time)
        ForeignLease.write(fs(), file, clock.now.plusSeconds(60));
        var renew = Lease.class.getDeclaredMethod("renew");
        renew.setAccessible(true);
        renew.invoke(mine);
        assertFalse(mine.held(), "a holder that finds another token at renewal has lost the lease");
        mine.close();
        assertEquals(ForeignLease.HOLDER, Lease.current(fs(), file).orElseThrow().holder(), "and leaves the other's lease alone");
    }

    @Test
    void renewingMovesTheExpiry() throws Exception {
        Path file = new Path(dir.resolve("serve.lease").toUri());
        MovableClock clock = new MovableClock();
        Lease lease = Lease.tryTake(fs(), file, SETTINGS, clock, false).orElseThrow();
        clock.now = clock.now.plusSeconds(50);
        var renew = Lease.class.getDeclaredMethod("renew");
        renew.setAccessible(true);
        renew.invoke(lease);
        assertEquals(clock.now.plusSeconds(60), Lease.current(fs(), file).orElseThrow().expiresAt());
        clock.now = clock.now.plusSeconds(30);
        assertTrue(lease.held(), "80 s after taking, 30 s after renewing: held");
        assertTrue(Lease.tryTake(fs(), file, SETTINGS, clock, false).isEmpty());
        lease.close();
    }
}
