package nl.buurtsignaal.lake;

import nl.buurtsignaal.config.Settings;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer lock of a lake on a store without locks is a lease file (here on Hadoop's local file
 * system, which like S3 is neither HDFS nor a local lake's OS lock): while it is renewed
 * the lake's writes go on; once another writer has taken it over, the next write is refused.
 */
class WriterLockLeaseTest {
    private static final Settings.Leases QUICK = new Settings.Leases(3, 1, 10);

    @TempDir
    java.nio.file.Path dir;

    @Test
    void aWriterThatLostItsLeaseWritesNothingMore() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        String root = "file:" + dir.resolve("lake");
        try (WriterLock lock = WriterLock.acquire(root, fs, QUICK, message -> { })) {
            Path lease = new Path(root + "/" + Lease.FOLDER + "/writer.lease");
            assertTrue(fs.exists(lease));
            WriterLock.ensureHeld(root); // held: the lake writes on
            Thread.sleep(1_500);
            WriterLock.ensureHeld(root); // renewed: still held past a renewal
            WriterLock.ensureHeld("file:/another/lake");

            // another writer took over (the store was away past the expiry, from this writer's side)
            ForeignLease.write(fs, lease, java.time.Instant.now().plusSeconds(60));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            WriterLock.LostLock lost = null;
            while (lost == null && System.nanoTime() < deadline) {
                try {
                    WriterLock.ensureHeld(root);
                    Thread.sleep(200);
                } catch (WriterLock.LostLock e) {
                    lost = e;
                }
            }
            assertTrue(lost != null, "a writer whose lease another holds must stop writing");
            assertTrue(lost.getMessage().contains("run it again"), lost.getMessage());
            // an engine failure, which the command line prints in these words (not as "failed: LostLock")
            assertTrue(lost instanceof nl.buurtsignaal.base.EngineException);
            WriterLock.ensureHeld("file:/another/lake"); // other lakes are not concerned
            WriterLock.LostLock again = assertThrows(WriterLock.LostLock.class, () -> WriterLock.ensureHeld(root));
            assertTrue(again.getMessage().contains("lost the lake's writer lease"), again.getMessage());
        }
        // closing leaves the other's lease alone
        assertTrue(fs.exists(new Path(root + "/" + Lease.FOLDER + "/writer.lease")));
        assertFalse(Lease.current(fs, new Path(root + "/" + Lease.FOLDER + "/writer.lease")).orElseThrow().token().isEmpty());
    }
}
