package nl.buurtsignaal.hub;

import nl.buurtsignaal.config.Settings;
import nl.buurtsignaal.lake.Lease;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal of a hub on a lake without locks (a lease file in the lake, as on S3): a second hub is
 * refused, and a hub whose lease another has taken over answers nothing more (every request is
 * journalled before it is answered, so this is where it stops).
 */
class AccessJournalLeaseTest {
    private static final Settings.Leases QUICK = new Settings.Leases(3, 1, 10);

    @TempDir
    java.nio.file.Path dir;

    @Test
    void aHubWhoseLeaseAnotherTookAnswersNothingMore() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path root = new Path("file:" + dir.resolve("lake"));
        AccessJournal.LakeJournal first = new AccessJournal.LakeJournal(fs, root, "hub", QUICK);
        first.open();
        first.append("{\"action\":\"login\"}");
        assertEquals(List.of("{\"action\":\"login\"}"), first.pending().lines());

        AccessJournal.LakeJournal second = new AccessJournal.LakeJournal(fs, root, "hub", QUICK);
        var refused = assertThrows(nl.buurtsignaal.base.UsageException.class, second::open);
        assertTrue(refused.getMessage().startsWith("another hub serves this lake"), refused.getMessage());

        // another hub took the lease over (this one's store was away past the expiry, from its side)
        Path lease = new Path(root, Lease.FOLDER + "/hub.lease");
        nl.buurtsignaal.lake.ForeignLease.write(fs, lease, java.time.Instant.now().plusSeconds(60));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Refused stopped = null;
        while (stopped == null && System.nanoTime() < deadline) {
            try {
                first.append("{\"action\":\"view\"}");
                Thread.sleep(200);
            } catch (Refused e) {
                stopped = e;
            }
        }
        assertTrue(stopped != null, "a hub whose lease another holds must stop answering");
        assertEquals(503, stopped.status);
        assertThrows(Refused.class, first::pending, "nor commit a journal the other hub now commits");
        assertThrows(Refused.class, () -> first.append("{\"action\":\"view\"}"), "and stays stopped");
        first.close();
        assertEquals(nl.buurtsignaal.lake.ForeignLease.HOLDER, Lease.current(fs, lease).orElseThrow().holder(), "the other's lease is left alone");
    }
}
